/** What `cw statusline` prints, from Claude's input and our state files. */
import { describe, expect, it } from 'vitest';
import type { SessionView } from '../../src/core/session-view.js';
import { statuslineView } from '../../src/core/statusline-view.js';
import { readStatuslineInput } from '../../src/ingest/statusline-input.js';
import { formatCountdown, formatStatusline } from '../../src/ui/statusline-line.js';
import { readFixture } from '../support/fixtures.js';

const NOW = Date.UTC(2026, 8, 30, 8, 0, 0);
const HOUR = 3_600_000;
const fixtureLines = readFixture('statusline', 'v2.1.283-stdin.jsonl')
  .split('\n')
  .filter((line) => line.trim() !== '');

/** Only what the statusline reads of a session; the rest of the view does not matter here. */
function session(overrides: Partial<SessionView>): SessionView {
  return { id: 'ours', status: 'ACTIVE', model: null, costUsd: null, rateLimit: null, accountLimits: [], limitWindows: {}, ...overrides } as SessionView;
}

const plain = (input: string, own: SessionView | null = null, account: SessionView | null = null, now = NOW) =>
  formatStatusline(statuslineView(readStatuslineInput(input), own, account, now), now, { color: false });

describe('readStatuslineInput', () => {
  it('reads the display name, Claude’s cost and each window from 2.1.283 input', () => {
    expect(readStatuslineInput(fixtureLines[2]!)).toMatchObject({
      claudeSessionId: '8c4aa734-6a96-530d-ad2b-fb120752d4b3',
      modelName: 'Opus 5.5 (1M context)',
      costUsd: 206.45300340000009,
      windows: { five_hour: { usedPercent: 47, resetsAt: 1790596800_000 }, seven_day: { usedPercent: 81, resetsAt: 1790884800_000 } },
    });
  });

  it('reads anything malformed as empty', () => {
    for (const raw of ['', '{', 'null', '[1]', '"text"', '{"model": 5, "cost": {"total_cost_usd": "1"}, "rate_limits": {"five_hour": {"used_percentage": -1}}}']) {
      expect(readStatuslineInput(raw)).toMatchObject({ claudeSessionId: null, modelName: null, costUsd: null, windows: {} });
    }
  });
});

/** A window as a state file holds it. */
const win = (utilization: number, resetsAt: string): SessionView['limitWindows'][string] => ({ utilization, resetsAt, status: utilization >= 1 ? 'rejected' : 'allowed', source: 'statusline', observedAt: new Date(0).toISOString() });

describe('formatStatusline', () => {
  it('shows model, cost and each window with its countdown for each 2.1.283 input', () => {
    expect(fixtureLines.map((line) => plain(line, null, null, 1790590000_000))).toEqual([
      'Opus 5.5 (1M context) · $206.36 · 5h 47% (1h 54m) · 7d 81% (3d 9h)',
      'Opus 5.5 (1M context) · $206.36 · 5h 47% (1h 54m) · 7d 81% (3d 9h)',
      'Opus 5.5 (1M context) · $206.45 · 5h 47% (1h 54m) · 7d 81% (3d 9h)',
    ]);
  });

  it('adds the windows only our state knows, such as a weekly Opus window a print run’s event named', () => {
    const opus = session({
      limitWindows: {
        seven_day_opus: { utilization: 0.85, resetsAt: new Date(NOW + 50 * HOUR).toISOString(), status: 'allowed_warning', source: 'stream-json', observedAt: new Date(NOW - HOUR).toISOString() },
        // Claude's own input is newer for the windows it carries.
        five_hour: { utilization: 0.2, resetsAt: new Date(NOW + 2 * HOUR).toISOString(), status: 'allowed', source: 'stream-json', observedAt: new Date(NOW - HOUR).toISOString() },
      },
    });
    const input = JSON.stringify({ rate_limits: { five_hour: { used_percentage: 47, resets_at: (NOW + 2 * HOUR) / 1000 }, seven_day: { used_percentage: 41, resets_at: (NOW + 70 * HOUR) / 1000 } } });
    expect(plain(input, null, opus)).toBe('claude · 5h 47% (2h 00m) · 7d 41% (2d 22h) · 7d Opus 85% (2d 2h)');
  });

  it('shows escape sequences in a model name as text', () => {
    const input = JSON.stringify({ model: { id: 'x', display_name: 'Opus\u001b]0;owned\u0007\u009b2J' } });
    expect(plain(input)).toBe('Opus\\e]0;owned\\a\\x9b2J');
  });

  it('shows what 2.1.330 gave our command against the mock', () => {
    const [before, after] = readFixture('statusline', 'v2.1.330-stdin.jsonl').trim().split('\n');
    expect([plain(before!), plain(after!)]).toEqual(['Sonnet 5.5 · $0.00', 'Sonnet 5.5 · <$0.01 · 5h 62% (67d 19h)']);
  });

  it('counts down to the reset of a spent window', () => {
    const input = JSON.stringify({ model: { id: 'claude-sonnet-5' }, cost: { total_cost_usd: 0.004 }, rate_limits: { five_hour: { used_percentage: 100, resets_at: (NOW + 2 * HOUR + 5 * 60_000) / 1000 } } });
    expect(plain(input)).toBe('claude-sonnet-5 · <$0.01 · 5h 100% · 5-hour limit resets in 2h 05m');
  });

  it('shows the limit that lifts last when several are in force', () => {
    const input = JSON.stringify({ rate_limits: { five_hour: { used_percentage: 100, resets_at: (NOW + HOUR) / 1000 }, seven_day: { used_percentage: 100, resets_at: (NOW + 50 * HOUR) / 1000 } } });
    expect(plain(input)).toBe('claude · 5h 100% · 7d 100% · weekly limit resets in 2d 2h');
  });

  it('falls back to our state: the session’s cost and model, then the account’s window and limits', () => {
    const own = session({ model: 'claude-opus-5-5', costUsd: 1.5 });
    const account = session({
      id: 'other',
      costUsd: 99,
      limitWindows: { five_hour: win(0.62, new Date(NOW + HOUR).toISOString()) },
      accountLimits: [{ kind: 'seven_day', resetsAt: new Date(NOW + 3 * HOUR).toISOString(), text: null, observedAt: new Date(NOW).toISOString(), sessionId: 'other' }],
    });
    expect(plain('{}', own, account)).toBe('claude-opus-5-5 · $1.50 · 5h 62% (1h 00m) · weekly limit resets in 3h 00m');
    // Another session's cost is not this session's.
    expect(plain('{}', null, account)).toBe('claude · 5h 62% (1h 00m) · weekly limit resets in 3h 00m');
  });

  it('drops readings and limits whose window has reset', () => {
    const stale = session({
      status: 'RATE_LIMITED',
      rateLimit: { kind: 'five_hour', severity: 'limit', resetsAt: new Date(NOW - 1000).toISOString(), text: null, source: 'screen' },
      limitWindows: { five_hour: win(1, new Date(NOW - 1000).toISOString()) },
    });
    expect(plain('{}', stale)).toBe('claude');
    const input = JSON.stringify({ rate_limits: { five_hour: { used_percentage: 100, resets_at: (NOW - 1000) / 1000 } } });
    // Claude's input can lag the reset by a refresh: a reading of a window that has reset says nothing.
    expect(plain(input)).toBe('claude');
  });

  it('says when this session continues after its limit, and only while that is ahead', () => {
    const reset = NOW + 20 * 60_000;
    const limited = session({
      status: 'RATE_LIMITED',
      rateLimit: { kind: 'five_hour', severity: 'limit', resetsAt: new Date(reset).toISOString(), text: null, source: 'screen' },
      resumeAt: new Date(reset + 7_000).toISOString(),
    });
    expect(plain('{}', limited)).toBe('claude · 5-hour limit resets in 20m · continues in 21m');
    // Another session's plan is not this session's.
    expect(plain('{}', null, limited)).toBe('claude · 5-hour limit resets in 20m');
    expect(plain('{}', limited, null, reset + 8_000)).toBe('claude');
  });

  it('shows a limit in force without a known reset as reached', () => {
    const limited = session({ status: 'RATE_LIMITED', rateLimit: { kind: 'subscription', severity: 'limit', resetsAt: null, text: 'You’ve hit your limit', source: 'hook' } });
    expect(plain('{}', limited)).toBe('claude · limit reached');
  });

  it('colours only when asked', () => {
    const view = statuslineView(readStatuslineInput(fixtureLines[0]!), null, null, 1790590000_000);
    expect(formatStatusline(view, 1790590000_000, { color: true })).toBe('\x1b[36mOpus 5.5 (1M context)\x1b[0m · $206.36 · 5h \x1b[32m47%\x1b[0m (1h 54m) · 7d \x1b[33m81%\x1b[0m (3d 9h)');
  });
});

describe('formatCountdown', () => {
  it('is as precise as someone waiting needs', () => {
    expect([0, 20_000, 60_000, 59 * 60_000, HOUR, 23 * HOUR + 59 * 60_000, 24 * HOUR, 75 * HOUR].map(formatCountdown)).toEqual([
      '<1m',
      '1m',
      '1m',
      '59m',
      '1h 00m',
      '23h 59m',
      '1d 0h',
      '3d 3h',
    ]);
  });
});

describe('other sessions waiting for the user', () => {
  const waits = (id: string, projectPath: string, since: string): SessionView =>
    session({ id, projectPath, cwd: projectPath, waiting: { since, reason: 'permission', message: 'Claude needs your permission' } });

  it('names the one that waits, or how many and which waited longest; never this session itself', () => {
    const input = '{"model":{"display_name":"Opus"}}';
    const own = waits('ours', '/work/here', '2026-09-30T07:50:00.000Z');
    const api = waits('a', '/work/api', '2026-09-30T07:58:00.000Z');
    const web = waits('b', '/work/web', '2026-09-30T07:55:00.000Z');
    const line = (others: SessionView[]) => formatStatusline(statuslineView(readStatuslineInput(input), own, null, NOW, others), NOW, { color: false });
    expect(line([own])).toBe('Opus');
    expect(line([own, api])).toBe('Opus · ⏸ api waits for you');
    expect(line([api, web])).toBe('Opus · ⏸ 2 sessions wait for you (web first)');
  });
});
