/** The ledger on a real SQLite file: one row per message and per limit, runs' claims, and Claude's figures shared out. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TokenUsage } from '../../src/core/facts.js';
import { createSessionState } from '../../src/core/session-state.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { Ledger, type LedgerLimit, type LedgerMessage } from '../../src/store/ledger.js';
import { listSessionRows } from '../../src/store/session-list.js';
import { listSessions, upsertSession } from '../../src/store/session-rows.js';

const T0 = Date.UTC(2026, 11, 7, 9, 0, 0);
let dir: string;
let db: Db;
let ledger: Ledger;

// A dollar per thousand output tokens: easy sums.
const price = (model: string, usage: TokenUsage) => ({ costUsd: usage.outputTokens / 1000, known: model !== 'mystery' });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cw-ledger-'));
  db = openDatabase(join(dir, 'claudewatch.db'));
  ledger = new Ledger(db, price);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function message(id: string, requestId: string | null, output: number, fields: Partial<LedgerMessage> = {}): LedgerMessage {
  return {
    messageId: id,
    requestId,
    claudeSessionId: 'claude-1',
    file: null,
    cwd: '/work/app',
    model: 'claude-sonnet-4-5',
    at: T0,
    usage: { inputTokens: 100, outputTokens: output, cacheCreationTokens: 0, cacheReadTokens: 0 },
    sidechain: false,
    answersPrompt: false,
    ...fields,
  };
}

function run(id: string, startedAt: number, reportedCostUsd: number | null = null): void {
  const state = createSessionState({ id, mode: 'print', sessionType: null, projectPath: null, cwd: '/work/app', argv: [], pid: 1, startedAt, account: null, identifyMethod: null, isolation: 'shared-learning' });
  upsertSession(db, { ...state, claudeSessionId: 'claude-1', status: 'COMPLETED', reportedCostUsd }, startedAt);
}

const rows = () => db.prepare('SELECT message_key, run_id, output_tokens, answers_prompt, cost_usd FROM messages ORDER BY at, message_key').all();

describe('the ledger', () => {
  it('holds a message once whoever reports it, the fullest counts standing', () => {
    ledger.writeMessage(message('m1', 'r1', 1), null);
    ledger.writeMessage(message('m1', 'r1', 40, { answersPrompt: true }), null);
    ledger.writeMessage(message('m1', null, 3, { at: T0 + 60_000 }), null);
    ledger.writeMessage(message('m1', 'r1', 20), null);
    expect(rows()).toEqual([{ message_key: 'm1:r1', run_id: null, output_tokens: 40, answers_prompt: 1, cost_usd: 0.04 }]);
  });

  it('learns a request id for a message first seen without one', () => {
    ledger.writeMessage(message('m1', null, 5), null);
    ledger.writeMessage(message('m1', 'r1', 5), null);
    expect(rows()).toEqual([expect.objectContaining({ message_key: 'm1:r1' })]);
  });

  it('gives a run what it added, and tells it which messages are earlier work', () => {
    run('run-1', T0 - 1000);
    run('run-2', T0 + 10_000);
    expect(ledger.writeMessage(message('m1', 'r1', 10), { runId: 'run-1', runStartedAt: T0 - 1000 })).toEqual({ inherited: false });
    // The next run sees it again (a resumed transcript's copy): not its own.
    expect(ledger.writeMessage(message('m1', null, 10, { at: T0 + 11_000 }), { runId: 'run-2', runStartedAt: T0 + 10_000 })).toEqual({ inherited: true });
    expect(ledger.writeMessage(message('m2', 'r2', 30, { at: T0 + 12_000 }), { runId: 'run-2', runStartedAt: T0 + 10_000 })).toEqual({ inherited: false });
    expect(rows()).toEqual([
      { message_key: 'm1:r1', run_id: 'run-1', output_tokens: 10, answers_prompt: 0, cost_usd: 0.01 },
      { message_key: 'm2:r2', run_id: 'run-2', output_tokens: 30, answers_prompt: 0, cost_usd: 0.03 },
    ]);
  });

  it('lets a run claim what an import got to first while it ran, but not what was answered before it began', () => {
    run('run-1', T0);
    ledger.writeMessage(message('old', 'r0', 5, { at: T0 - 5000 }), null);
    ledger.writeMessage(message('new', 'r1', 5, { at: T0 + 5000 }), null);
    const claim = { runId: 'run-1', runStartedAt: T0 };
    expect(ledger.writeMessage(message('old', 'r0', 5), claim)).toEqual({ inherited: true });
    expect(ledger.writeMessage(message('new', 'r1', 5), claim)).toEqual({ inherited: false });
    expect(rows().map((row) => (row as { run_id: string | null }).run_id)).toEqual([null, 'run-1']);
  });

  it('shares a run’s figure out over its messages by their computed cost, and a session’s over the rest', () => {
    run('run-1', T0 - 1000, 0.09);
    const claim = { runId: 'run-1', runStartedAt: T0 - 1000 };
    ledger.writeMessage(message('m1', 'r1', 10), claim);
    ledger.writeMessage(message('m2', 'r2', 20), claim);
    // Two messages of the session no run added (used without the shim), and the transcript's cumulative figure.
    ledger.writeMessage(message('m3', 'r3', 30, { at: T0 + 60_000 }), null);
    ledger.writeMessage(message('m4', 'r4', 10, { at: T0 + 61_000 }), null);
    db.prepare(`INSERT INTO transcript_files (path, root, size, mtime_ms, offset, claude_session_id, reported_cost_usd, imported_at) VALUES ('t.jsonl', 'r', 1, 1, 1, 'claude-1', 0.17, 1)`).run();
    ledger.noteSessionFigure('claude-1');
    ledger.settle();
    const costs = db.prepare('SELECT message_key, ROUND(cost_usd, 9) AS cost FROM messages ORDER BY message_key').all();
    expect(costs).toEqual([
      { message_key: 'm1:r1', cost: 0.03 },
      { message_key: 'm2:r2', cost: 0.06 },
      { message_key: 'm3:r3', cost: 0.06 },
      { message_key: 'm4:r4', cost: 0.02 },
    ]);
    expect(db.prepare('SELECT ROUND(SUM(cost_usd), 9) AS total FROM usage_buckets').get()).toEqual({ total: 0.17 });
  });

  it('keeps a run’s figure in a row of its own when none of its messages were seen', () => {
    run('run-1', T0, 0.25);
    ledger.noteRunFigure('run-1');
    ledger.settle();
    expect(listSessions(db)[0]).toMatchObject({ costUsd: 0.25, costSource: 'claude', messages: 0, inputTokens: 0 });
    expect(db.prepare('SELECT ROUND(SUM(cost_usd), 9) AS total FROM usage_buckets').get()).toEqual({ total: 0.25 });
    // Its messages arrive after all: the figure goes to them, not beside them.
    ledger.writeMessage(message('m1', 'r1', 10), { runId: 'run-1', runStartedAt: T0 - 1 });
    ledger.settle();
    expect(db.prepare('SELECT ROUND(SUM(cost_usd), 9) AS total FROM usage_buckets').get()).toEqual({ total: 0.25 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM messages').get()).toEqual({ n: 1 });
  });

  it('lists runs with what they added and the rest of each Claude session as imported, adding up to the whole', () => {
    run('run-1', T0 - 1000);
    ledger.writeMessage(message('m1', 'r1', 10, { answersPrompt: true }), { runId: 'run-1', runStartedAt: T0 - 1000 });
    ledger.writeMessage(message('m2', 'r2', 20, { at: T0 - 60_000, answersPrompt: true }), null);
    ledger.writeMessage(message('m3', 'r3', 5, { at: T0 - 50_000, claudeSessionId: 'claude-2', model: 'mystery' }), null);
    const listed = listSessionRows(db);
    expect(listed.map((row) => [row.source, row.id, row.outputTokens, row.numTurns, row.unpricedModels])).toEqual([
      ['wrapped', 'run-1', 10, 1, []],
      ['imported', 'claude-2', 5, 0, ['mystery']],
      ['imported', 'claude-1', 20, 1, []],
    ]);
    const total = listed.reduce((sum, row) => sum + row.outputTokens, 0);
    expect(db.prepare('SELECT SUM(output_tokens) AS output FROM usage_buckets').get()).toEqual({ output: total });
  });

  it('keeps one row per limit event, from every source, with the most exact reset', () => {
    const limit = (fields: Partial<LedgerLimit>): LedgerLimit => ({
      kind: 'five_hour',
      severity: 'limit',
      resetsAt: T0 + 3_600_000,
      resetPrecision: 'minute',
      text: "You've hit your 5-hour limit · resets 10am (UTC)",
      source: 'screen',
      utilization: null,
      observedAt: T0,
      account: '/home/a/.claude',
      claudeSessionId: 'claude-1',
      runId: 'run-1',
      file: null,
      ...fields,
    });
    ledger.writeLimit(limit({}));
    ledger.writeLimit(limit({ source: 'stream-json', resetsAt: T0 + 3_601_000, resetPrecision: 'second', text: null, observedAt: T0 + 200 }));
    // Imported later from the transcript: same session, same event.
    ledger.writeLimit(limit({ source: 'transcript', runId: null, file: 't.jsonl', observedAt: T0 + 100 }));
    ledger.writeLimit(limit({ kind: 'seven_day', source: 'transcript', observedAt: T0 + 100 }));
    expect(db.prepare('SELECT kind, observed_at, resets_at, reset_precision, sources, file FROM limits ORDER BY id').all()).toEqual([
      { kind: 'five_hour', observed_at: T0, resets_at: T0 + 3_601_000, reset_precision: 'second', sources: 'screen,stream-json,transcript', file: 't.jsonl' },
      { kind: 'seven_day', observed_at: T0 + 100, resets_at: T0 + 3_600_000, reset_precision: 'minute', sources: 'transcript', file: null },
    ]);
  });
});
