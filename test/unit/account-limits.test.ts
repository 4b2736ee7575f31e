/** Limits shared by the sessions of one account, on a real SQLite file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Fact } from '../../src/core/facts.js';
import { allLimitsInForce, limitsInForce } from '../../src/store/account-limits.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { Ledger, ledgerLimitOf } from '../../src/store/ledger.js';
import { upsertSession } from '../../src/store/session-rows.js';
import { createSessionState } from '../../src/core/session-state.js';

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);
const ACCOUNT = '/home/a/.claude';
let dir: string;
let db: Db;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cw-limits-'));
  db = openDatabase(join(dir, 'claudewatch.db'));
  for (const id of ['s1', 's2']) {
    upsertSession(db, createSessionState({ id, mode: 'interactive', sessionType: null, projectPath: null, cwd: '/w', argv: [], pid: 1, startedAt: T0, account: ACCOUNT, identifyMethod: 'hooks', isolation: 'shared-learning' }), T0);
  }
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Limits a run saw, written as the recorder writes them. */
function appendLimits(db: Db, runId: string, account: string, reports: Array<{ fact: Fact; at: number }>): void {
  const ledger = new Ledger(db, () => ({ costUsd: 0, known: true }));
  for (const { fact } of reports) {
    if (fact.kind === 'rate-limit') ledger.writeLimit(ledgerLimitOf(fact, { account, claudeSessionId: null, runId, file: null }, { keepText: true }));
  }

}

const clearAnsweredLimits = (db: Db, account: string, model: string, answeredAt: number, now: number): number =>
  new Ledger(db, () => ({ costUsd: 0, known: true })).clearAnsweredLimits(account, model, answeredAt, now);

function limit(kind: Extract<Fact, { kind: 'rate-limit' }>['limitKind'], at: number, resetsAt: number | null, extra: Partial<Fact> = {}): { fact: Fact; at: number } {
  return { fact: { kind: 'rate-limit', source: 'transcript', severity: 'limit', limitKind: kind, resetsAt, at, ...extra } as Fact, at };
}

describe('limitsInForce', () => {
  it('shows a limit to every session of the account until its reset passes', () => {
    appendLimits(db, 's1', ACCOUNT, [limit('five_hour', T0, T0 + 3_600_000, { text: "You've hit your 5-hour limit" })]);
    expect(limitsInForce(db, ACCOUNT, T0 + 1000)).toEqual([
      { kind: 'five_hour', resetsAt: T0 + 3_600_000, text: "You've hit your 5-hour limit", observedAt: T0, sessionId: 's1' },
    ]);
    expect(limitsInForce(db, '/home/b/.claude', T0 + 1000)).toEqual([]);
    expect(limitsInForce(db, ACCOUNT, T0 + 3_600_001)).toEqual([]);
    expect(allLimitsInForce(db, T0 + 1000)).toHaveLength(1);
  });

  it('keeps the newest of each window and drops unnamed echoes of a named one', () => {
    appendLimits(db, 's1', ACCOUNT, [
      limit('five_hour', T0, T0 + 3_600_000),
      limit('subscription', T0 + 500, null),
      limit('five_hour', T0 + 1000, T0 + 3_700_000),
      limit('seven_day_opus', T0 + 2000, T0 + 86_400_000),
    ]);
    expect(limitsInForce(db, ACCOUNT, T0 + 5000).map((l) => [l.kind, l.resetsAt])).toEqual([
      ['five_hour', T0 + 3_700_000],
      ['seven_day_opus', T0 + 86_400_000],
    ]);
  });

  it('stands for one event with its most exact report, not the latest', () => {
    appendLimits(db, 's1', ACCOUNT, [
      limit('five_hour', T0, T0 + 3_600_017),
      {
        fact: { kind: 'rate-limit', source: 'screen', severity: 'limit', limitKind: 'five_hour', resetsAt: T0 + 3_600_000, resetPrecision: 'minute', text: "You've hit your 5-hour limit · resets 10am", at: T0 + 300 },
        at: T0 + 300,
      },
    ]);
    // One event: the exact reset of the structured report, the words of the screen's, the time of the first.
    expect(limitsInForce(db, ACCOUNT, T0 + 1000)).toEqual([{ kind: 'five_hour', resetsAt: T0 + 3_600_017, text: "You've hit your 5-hour limit · resets 10am", observedAt: T0, sessionId: 's1' }]);
  });

  it('trusts a limit without a reset time for a bounded while, and warnings never', () => {
    appendLimits(db, 's1', ACCOUNT, [
      limit('api_rate_limit', T0, null),
      limit('subscription', T0, null),
      { fact: { kind: 'rate-limit', source: 'screen', severity: 'warning', limitKind: 'seven_day', resetsAt: T0 + 9e6, at: T0 }, at: T0 },
    ]);
    expect(limitsInForce(db, ACCOUNT, T0 + 30_000).map((l) => l.kind)).toEqual(['api_rate_limit', 'subscription']);
    expect(limitsInForce(db, ACCOUNT, T0 + 120_000).map((l) => l.kind)).toEqual(['subscription']);
    expect(limitsInForce(db, ACCOUNT, T0 + 6 * 3_600_000)).toEqual([]);
  });
});

describe('clearAnsweredLimits', () => {
  it('ends the limits an answer proves over, not those that would not have stopped it', () => {
    appendLimits(db, 's1', ACCOUNT, [limit('five_hour', T0, T0 + 3_600_000), limit('seven_day_opus', T0, T0 + 86_400_000)]);
    expect(clearAnsweredLimits(db, ACCOUNT, 'claude-sonnet-4-5', T0 - 1, T0 + 10)).toBe(0);
    expect(clearAnsweredLimits(db, ACCOUNT, 'claude-sonnet-4-5', T0 + 5000, T0 + 5000)).toBe(1);
    expect(limitsInForce(db, ACCOUNT, T0 + 6000).map((l) => l.kind)).toEqual(['seven_day_opus']);
    expect(clearAnsweredLimits(db, ACCOUNT, 'claude-opus-4-5', T0 + 7000, T0 + 7000)).toBe(1);
    expect(limitsInForce(db, ACCOUNT, T0 + 8000)).toEqual([]);
  });
});
