/** Statusline readings passed to a running session through its inbox, and read back by the runner. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSessionState, reduceSession } from '../../src/core/session-state.js';
import type { SessionView } from '../../src/core/session-view.js';
import { isNewLimitReading } from '../../src/core/statusline-delivery.js';
import { parseHookLine } from '../../src/ingest/hook-event.js';
import { appendToInbox, inboxFileFor, statuslineInboxLine } from '../../src/runner/statusline-inbox.js';
import { inboxFileOf } from '../../src/runner/watch-setup.js';
import { resolvePaths } from '../../src/shared/paths.js';

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);
const RESET_S = 1790596800;
const ctx = { now: T0 + 5000, timeZone: 'UTC' };

describe('a statusline line in the inbox', () => {
  it('names the file the runner follows', () => {
    const paths = resolvePaths({ CLAUDEWATCH_HOME: '/cw' });
    expect(inboxFileFor(paths.stateDir, 'abc')).toBe(inboxFileOf(paths, 'abc'));
  });

  it('becomes the limit facts only, at the time it was written, and is no hook event', () => {
    const line = statuslineInboxLine('claude-1', { five_hour: { used_percentage: 100, resets_at: RESET_S }, seven_day: { used_percentage: 40, resets_at: RESET_S + 86400 } }, T0);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.trimEnd()).not.toContain('\n');
    const { hook, facts } = parseHookLine(line.trimEnd(), ctx);
    expect(hook).toBeNull();
    expect(facts).toEqual([
      { kind: 'limit-window', source: 'statusline', window: 'five_hour', utilization: 1, resetsAt: RESET_S * 1000, at: T0 },
      { kind: 'rate-limit', source: 'statusline', severity: 'limit', limitKind: 'five_hour', resetsAt: RESET_S * 1000, utilization: 1, at: T0 },
      { kind: 'limit-window', source: 'statusline', window: 'seven_day', utilization: 0.4, resetsAt: (RESET_S + 86400) * 1000, at: T0 },
    ]);
    const start = createSessionState({ id: 'ours', mode: 'interactive', sessionType: null, projectPath: null, cwd: '/w', argv: [], pid: 1, startedAt: T0, account: null, identifyMethod: 'hooks', isolation: 'shared-learning' });
    const state = facts.reduce((current, fact) => reduceSession(current, fact, T0), start);
    expect(state.status).toBe('RATE_LIMITED');
    expect(state.rateLimit).toMatchObject({ kind: 'five_hour', resetsAt: RESET_S * 1000, source: 'statusline' });
  });

  it('takes no cost or identity from a forged line, and rejects a statusline that is not an object', () => {
    const forged = JSON.stringify({ at: T0, statusline: { session_id: 'x', transcript_path: '/t.jsonl', cost: { total_cost_usd: 999 }, model: { id: 'm' } } });
    expect(parseHookLine(forged, ctx)).toEqual({ hook: null, facts: [] });
    expect(parseHookLine(JSON.stringify({ statusline: 'x' }), ctx).facts).toEqual([{ kind: 'line-rejected', source: 'hook', reason: 'hook inbox line has no event name' }]);
  });
});

describe('appendToInbox', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cw-inbox-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends whole lines to an inbox the runner made, and never creates one', () => {
    const inbox = join(dir, 'inbox.jsonl');
    expect(appendToInbox(inbox, 'x\n')).toBe(false);
    expect(existsSync(inbox)).toBe(false);
    writeFileSync(inbox, '{"hook_event_name":"SessionStart"}\n');
    const line = statuslineInboxLine('c', { five_hour: { used_percentage: 5 } }, T0);
    expect(appendToInbox(inbox, line)).toBe(true);
    expect(readFileSync(inbox, 'utf8')).toBe(`{"hook_event_name":"SessionStart"}\n${line}`);
  });

  it('does not append the reading the last statusline line already holds, whatever its time', () => {
    const inbox = join(dir, 'inbox.jsonl');
    const low = (at: number) => statuslineInboxLine('c', { five_hour: { used_percentage: 5 } }, at);
    const high = statuslineInboxLine('c', { five_hour: { used_percentage: 100 } }, T0);
    writeFileSync(inbox, '');
    expect([appendToInbox(inbox, low(T0)), appendToInbox(inbox, low(T0 + 1)), appendToInbox(inbox, high), appendToInbox(inbox, low(T0 + 2))]).toEqual([true, false, true, true]);
    writeFileSync(inbox, '{"hook_event_name":"Stop"}\n', { flag: 'a' });
    expect(appendToInbox(inbox, low(T0 + 3))).toBe(false);
    expect(readFileSync(inbox, 'utf8')).toBe(`${low(T0)}${high}${low(T0 + 2)}{"hook_event_name":"Stop"}\n`);
  });
});

/** A window as a state file holds it. */
const win = (utilization: number, resetsAt: string): SessionView['limitWindows'][string] => ({ utilization, resetsAt, status: utilization >= 1 ? 'rejected' : 'allowed', source: 'statusline', observedAt: new Date(0).toISOString() });

describe('isNewLimitReading', () => {
  const own = (limitWindows: SessionView['limitWindows']) => ({ limitWindows }) as SessionView;
  const windows = { five_hour: { usedPercent: 47, resetsAt: RESET_S * 1000 }, hourly: { usedPercent: 1, resetsAt: null } };

  it('passes on a reading only when the state does not show it yet', () => {
    expect(isNewLimitReading(windows, own({}))).toBe(true);
    expect(isNewLimitReading(windows, own({ five_hour: win(0.47, new Date(RESET_S * 1000).toISOString()) }))).toBe(false);
    expect(isNewLimitReading(windows, own({ five_hour: win(0.46, new Date(RESET_S * 1000).toISOString()) }))).toBe(true);
    expect(isNewLimitReading({ five_hour: { usedPercent: 47, resetsAt: null } }, own({ five_hour: win(0.47, new Date(RESET_S * 1000).toISOString()) }))).toBe(true);
  });
});
