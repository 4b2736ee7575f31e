/**
 * Claude's readings of its limit windows: read from every source that carries them, kept per
 * window in the session's state, and shared by the account's runs through their rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Fact } from '../../src/core/facts.js';
import { currentWindows, windowFactsFromHeaders, windowFactsFromRateLimitInfo, type WindowReading } from '../../src/core/limit-windows.js';
import { factsFromPrintEvent } from '../../src/core/print-events.js';
import { createSessionState, reduceSession, type SessionState } from '../../src/core/session-state.js';
import { readingsOfView, viewOfSession } from '../../src/core/session-view.js';
import { parseTranscriptLine, INITIAL_TRANSCRIPT_STATE } from '../../src/ingest/transcript-line.js';
import { allWindowsInForce, windowsOfAccount } from '../../src/store/account-limits.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { collectMetricSamples } from '../../src/store/metrics-snapshot.js';
import { listSessions, upsertSession } from '../../src/store/session-rows.js';

const NOW = Date.UTC(2026, 10, 22, 9, 0, 0);
const HOUR = 3_600_000;
const S = (ms: number): number => ms / 1000;

/** The `rate_limit_info` 2.1.330 sends: the limiting window at the top, every window in `unifiedWindows`. */
const INFO = {
  status: 'allowed_warning',
  rateLimitType: 'seven_day_opus',
  utilization: 0.85,
  resetsAt: S(NOW + 50 * HOUR),
  unifiedWindows: {
    five_hour: { utilization: 0.31, resetsAt: S(NOW + 2 * HOUR), status: 'allowed' },
    seven_day: { utilization: 0.62, resetsAt: S(NOW + 70 * HOUR), status: 'allowed', surpassedThreshold: 0.5 },
    seven_day_overage_included: { utilization: 0.1, resetsAt: S(NOW + 70 * HOUR) },
  },
};

function state(overrides: Partial<SessionState> = {}): SessionState {
  return {
    ...createSessionState({ id: 'run-1', mode: 'print', sessionType: null, projectPath: null, cwd: '/w', argv: [], pid: 1, startedAt: NOW - HOUR, account: '/home/a/.claude', identifyMethod: 'stream', isolation: 'shared-learning' }),
    ...overrides,
  };
}

const fold = (facts: readonly Fact[], start = state()): SessionState => facts.reduce((current, fact) => reduceSession(current, fact, NOW), start);

describe('reading the windows', () => {
  it('takes every window of a rate_limit_event: the one it names and each of unifiedWindows', () => {
    expect(windowFactsFromRateLimitInfo(INFO, NOW, 'stream-json')).toEqual([
      { kind: 'limit-window', source: 'stream-json', window: 'seven_day_opus', utilization: 0.85, resetsAt: NOW + 50 * HOUR, status: 'allowed_warning', at: NOW },
      { kind: 'limit-window', source: 'stream-json', window: 'five_hour', utilization: 0.31, resetsAt: NOW + 2 * HOUR, status: 'allowed', at: NOW },
      { kind: 'limit-window', source: 'stream-json', window: 'seven_day', utilization: 0.62, resetsAt: NOW + 70 * HOUR, status: 'allowed', at: NOW },
      { kind: 'limit-window', source: 'stream-json', window: 'seven_day_overage_included', utilization: 0.1, resetsAt: NOW + 70 * HOUR, at: NOW },
    ]);
  });

  it('reads the windows of an all-clear event too, and the warning as a limit fact beside them', () => {
    const allowed = factsFromPrintEvent({ type: 'rate_limit_event', rate_limit_info: { ...INFO, status: 'allowed' } }, NOW);
    expect(allowed.map((fact) => fact.kind)).toEqual(['limit-window', 'limit-window', 'limit-window', 'limit-window']);
    const warned = factsFromPrintEvent({ type: 'rate_limit_event', rate_limit_info: INFO }, NOW);
    expect(warned[0]).toMatchObject({ kind: 'rate-limit', severity: 'warning', limitKind: 'seven_day_opus', utilization: 0.85 });
    expect(warned.filter((fact) => fact.kind === 'limit-window')).toHaveLength(4);
  });

  it('skips what it cannot read: unknown windows, missing or negative shares', () => {
    expect(
      windowFactsFromRateLimitInfo({ status: 'allowed', rateLimitType: 'hourly', utilization: 0.2, unifiedWindows: { five_hour: { utilization: -1 }, nope: { utilization: 0.3 }, seven_day: 'x' } }, NOW, 'stream-json'),
    ).toEqual([]);
  });

  it('reads the unified headers of a response, as a transcript keeps them on an error line', () => {
    const headers = {
      'anthropic-ratelimit-unified-status': 'rejected',
      'anthropic-ratelimit-unified-5h-utilization': '1.02',
      'anthropic-ratelimit-unified-5h-reset': String(S(NOW + HOUR)),
      'anthropic-ratelimit-unified-5h-status': 'rejected',
      'anthropic-ratelimit-unified-7d-utilization': '0.41',
      'anthropic-ratelimit-unified-7d-reset': String(S(NOW + 90 * HOUR)),
    };
    expect(windowFactsFromHeaders(headers, NOW, 'transcript')).toEqual([
      { kind: 'limit-window', source: 'transcript', window: 'five_hour', utilization: 1.02, resetsAt: NOW + HOUR, status: 'rejected', at: NOW },
      { kind: 'limit-window', source: 'transcript', window: 'seven_day', utilization: 0.41, resetsAt: NOW + 90 * HOUR, at: NOW },
    ]);
    const line = JSON.stringify({
      type: 'system',
      subtype: 'api_error',
      timestamp: new Date(NOW).toISOString(),
      sessionId: 'c1',
      error: { status: 429, headers, error: { error: { type: 'rate_limit_error', message: 'limited' } } },
    });
    const facts = parseTranscriptLine(line, { now: NOW, timeZone: 'UTC', state: INITIAL_TRANSCRIPT_STATE }).facts;
    expect(facts.filter((fact) => fact.kind === 'limit-window').map((fact) => (fact as { window: string }).window)).toEqual(['five_hour', 'seven_day']);
  });
});

describe('the session keeps each window', () => {
  it('with its share, reset, status and source; a statusline reading takes the spent status from its share', () => {
    const folded = fold([
      ...factsFromPrintEvent({ type: 'rate_limit_event', rate_limit_info: INFO }, NOW),
      { kind: 'limit-window', source: 'statusline', window: 'five_hour', utilization: 1, resetsAt: NOW + 2 * HOUR, at: NOW + 1 },
    ]);
    expect(folded.limitWindows.seven_day_opus).toEqual({ utilization: 0.85, resetsAt: NOW + 50 * HOUR, status: 'allowed_warning', source: 'stream-json', observedAt: NOW });
    expect(folded.limitWindows.five_hour).toEqual({ utilization: 1, resetsAt: NOW + 2 * HOUR, status: 'rejected', source: 'statusline', observedAt: NOW + 1 });
    expect(viewOfSession(folded, { host: null, heartbeatAt: null }).limitWindows.seven_day).toEqual({
      utilization: 0.62,
      resetsAt: new Date(NOW + 70 * HOUR).toISOString(),
      status: 'allowed',
      source: 'stream-json',
      observedAt: new Date(NOW).toISOString(),
    });
  });

  it('keeps a warning the server gave while a statusline reading of the same window says no status', () => {
    const folded = fold([
      { kind: 'limit-window', source: 'stream-json', window: 'seven_day', utilization: 0.8, resetsAt: NOW + HOUR, status: 'allowed_warning', at: NOW },
      { kind: 'limit-window', source: 'statusline', window: 'seven_day', utilization: 0.81, resetsAt: NOW + HOUR, at: NOW + 1 },
    ]);
    expect(folded.limitWindows.seven_day?.status).toBe('allowed_warning');
  });

  it('takes another session’s newer reading of a window from the account, never an older one', () => {
    const own = fold([{ kind: 'limit-window', source: 'statusline', window: 'five_hour', utilization: 0.5, resetsAt: NOW + HOUR, at: NOW }]);
    const account: WindowReading[] = [
      { kind: 'five_hour', utilization: 0.4, resetsAt: NOW + HOUR, status: 'allowed', source: 'stream-json', observedAt: NOW - 1 },
      { kind: 'seven_day_opus', utilization: 0.85, resetsAt: NOW + 50 * HOUR, status: 'allowed_warning', source: 'stream-json', observedAt: NOW - 1 },
    ];
    const merged = reduceSession(own, { kind: 'account-limits', source: 'runner', limits: [], windows: account }, NOW);
    expect(merged.limitWindows.five_hour?.utilization).toBe(0.5);
    expect(merged.limitWindows.seven_day_opus).toMatchObject({ utilization: 0.85, status: 'allowed_warning' });
    // The same readings again change nothing.
    expect(reduceSession(merged, { kind: 'account-limits', source: 'runner', limits: [], windows: account }, NOW)).toBe(merged);
  });

  it('reads windows back from a state file, old files without status or source as allowed statusline readings', () => {
    const readings = readingsOfView({ updatedAt: new Date(NOW).toISOString(), limitWindows: { five_hour: { utilization: 1, resetsAt: new Date(NOW + HOUR).toISOString() } } as never });
    expect(readings).toEqual([{ kind: 'five_hour', utilization: 1, resetsAt: NOW + HOUR, status: 'rejected', source: 'statusline', observedAt: NOW }]);
  });

  it('shows the latest current reading of each window, session window first; a reset one is gone', () => {
    const readings: WindowReading[] = [
      { kind: 'seven_day', utilization: 0.4, resetsAt: NOW + 60 * HOUR, status: 'allowed', source: 'statusline', observedAt: NOW - 10 },
      { kind: 'five_hour', utilization: 0.9, resetsAt: NOW - 1, status: 'allowed', source: 'statusline', observedAt: NOW - 10 },
      { kind: 'seven_day', utilization: 0.45, resetsAt: NOW + 60 * HOUR, status: 'allowed', source: 'stream-json', observedAt: NOW },
      { kind: 'five_hour', utilization: 0.05, resetsAt: NOW + 5 * HOUR, status: 'allowed', source: 'stream-json', observedAt: NOW - 20 },
    ];
    expect(currentWindows(readings, NOW).map((reading) => [reading.kind, reading.utilization])).toEqual([
      ['five_hour', 0.05],
      ['seven_day', 0.45],
    ]);
  });
});

describe('the account’s windows outlive its runs', () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cw-windows-'));
    db = openDatabase(join(dir, 'claudewatch.db'));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (id: string, account: string | null, facts: Fact[], updatedAt: number): void => {
    const folded = facts.reduce((current, fact) => reduceSession(current, fact, updatedAt), state({ id, account }));
    upsertSession(db, folded, updatedAt);
  };

  it('gives each window’s latest reading of any run of the account, until the window resets', () => {
    run('a', '/acc', factsFromPrintEvent({ type: 'rate_limit_event', rate_limit_info: INFO }, NOW), NOW);
    run('b', '/acc', [{ kind: 'limit-window', source: 'statusline', window: 'five_hour', utilization: 0.47, resetsAt: NOW + 2 * HOUR, at: NOW + 60_000 }], NOW + 60_000);
    run('c', '/other', [{ kind: 'limit-window', source: 'statusline', window: 'five_hour', utilization: 0.99, resetsAt: NOW + 2 * HOUR, at: NOW + 90_000 }], NOW + 90_000);
    const windows = windowsOfAccount(db, '/acc', NOW + 120_000);
    expect(windows.map((window) => [window.kind, window.utilization, window.source])).toEqual([
      ['five_hour', 0.47, 'statusline'],
      ['seven_day', 0.62, 'stream-json'],
      ['seven_day_opus', 0.85, 'stream-json'],
      ['seven_day_overage_included', 0.1, 'stream-json'],
    ]);
    // Once the 5-hour window has reset, its readings say nothing about the new one.
    expect(windowsOfAccount(db, '/acc', NOW + 3 * HOUR).map((window) => window.kind)).not.toContain('five_hour');
    expect(allWindowsInForce(db, NOW + 120_000).filter((window) => window.account === '/other').map((window) => window.utilization)).toEqual([0.99]);
    expect(windowsOfAccount(db, null, NOW)).toEqual([]);
    // The run's row shows them too.
    expect(listSessions(db, { limit: 5 }).find((session) => session.id === 'a')?.limitWindows.seven_day_opus).toMatchObject({ utilization: 0.85, status: 'allowed_warning' });
  });

  it('has a gauge per window: of several accounts, the fullest, with the seconds to its reset', () => {
    run('a', '/acc', factsFromPrintEvent({ type: 'rate_limit_event', rate_limit_info: INFO }, NOW), NOW);
    run('c', '/other', [{ kind: 'limit-window', source: 'statusline', window: 'five_hour', utilization: 0.99, resetsAt: NOW + 2 * HOUR, at: NOW }], NOW);
    const samples = collectMetricSamples(db, { now: NOW + 1000 });
    const windows = samples.filter((sample) => sample.key === 'windowUtilization').map((sample) => [sample.labels.window, sample.labels.status, sample.value]);
    expect(windows).toEqual(
      expect.arrayContaining([
        ['five_hour', 'allowed', 0.99],
        ['seven_day', 'allowed', 0.62],
        ['seven_day_opus', 'allowed_warning', 0.85],
        ['seven_day_overage_included', 'allowed', 0.1],
      ]),
    );
    expect(windows).toHaveLength(4);
    const resets = samples.filter((sample) => sample.key === 'windowResetSeconds');
    expect(resets.find((sample) => sample.labels.window === 'seven_day_opus')?.value).toBe(50 * 3600 - 1);
  });
});
