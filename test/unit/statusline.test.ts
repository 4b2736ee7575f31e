/**
 * Statusline input in the layout of Claude Code 2.1.283 (test/fixtures/statusline, see
 * SOURCES.md there), as 2.1.330 gave it to our command, and the shapes around it.
 */
import { describe, expect, it } from 'vitest';
import { createSessionState, reduceSession } from '../../src/core/session-state.js';
import { factsFromStatusline } from '../../src/ingest/statusline.js';
import { captureRecord } from '../fixtures/cli-captures.js';
import { readJsonLines } from '../support/fixtures.js';

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);
const inputs = readJsonLines('statusline', 'v2.1.283-stdin.jsonl');
const SESSION = '8c4aa734-6a96-530d-ad2b-fb120752d4b3';

describe('factsFromStatusline', () => {
  it('reads the session, Claude’s running cost and each window’s use from 2.1.283 input', () => {
    expect(inputs).toHaveLength(3);
    const facts = factsFromStatusline(inputs[2], T0);
    const transcriptPath = `/home/dev/.claude/projects/-home-dev-projects-ship-app/${SESSION}.jsonl`;
    expect(facts).toEqual([
      { kind: 'session-identified', source: 'statusline', claudeSessionId: SESSION, transcriptPath, model: 'claude-opus-5-5', cwd: '/home/dev/projects/ship-app', claudeVersion: '2.1.283' },
      { kind: 'cost-reported', source: 'statusline', costUsd: 206.45300340000009, scope: transcriptPath },
      { kind: 'limit-window', source: 'statusline', window: 'five_hour', utilization: 0.47, resetsAt: 1790596800_000, at: T0 },
      { kind: 'limit-window', source: 'statusline', window: 'seven_day', utilization: 0.81, resetsAt: 1790884800_000, at: T0 },
    ]);
  });

  it('folds into the session: the last cost of one transcript wins, windows are kept by name', () => {
    const start = createSessionState({ id: 'ours', mode: 'interactive', sessionType: null, projectPath: null, cwd: '/w', argv: [], pid: 1, startedAt: T0, account: null, identifyMethod: 'hooks', isolation: 'shared-learning' });
    const state = inputs.flatMap((input) => factsFromStatusline(input, T0)).reduce((current, fact) => reduceSession(current, fact, T0), start);
    expect(state.reportedCostUsd).toBe(206.45300340000009);
    expect(state.limitWindows).toEqual({
      five_hour: { utilization: 0.47, resetsAt: 1790596800_000, status: 'allowed', source: 'statusline', observedAt: T0 },
      seven_day: { utilization: 0.81, resetsAt: 1790884800_000, status: 'allowed', source: 'statusline', observedAt: T0 },
    });
    expect(state.status).toBe('ACTIVE');
  });

  it('reads what 2.1.330 gave our command against the mock: its cost, and the window the mock reported', () => {
    const captured = readJsonLines('statusline', 'v2.1.330-stdin.jsonl');
    const record = captureRecord('statusline/v2.1.330-stdin.jsonl');
    const last = captured.at(-1)!;
    const cost = (last.cost as { total_cost_usd: number }).total_cost_usd;
    expect(cost).toBeGreaterThan(0);
    expect(factsFromStatusline(last, T0)).toEqual([
      {
        kind: 'session-identified',
        source: 'statusline',
        claudeSessionId: last.session_id,
        transcriptPath: `/home/dev/.claude/projects/-home-dev-work/${String(last.session_id)}.jsonl`,
        model: 'claude-sonnet-5-5',
        cwd: '/home/dev/work',
        claudeVersion: '2.1.330',
      },
      { kind: 'cost-reported', source: 'statusline', costUsd: cost, scope: `/home/dev/.claude/projects/-home-dev-work/${String(last.session_id)}.jsonl` },
      { kind: 'limit-window', source: 'statusline', window: 'five_hour', utilization: 0.62, resetsAt: record.mockResetAt, at: T0 },
    ]);
    // Before the first answer Claude knows no window yet, and has spent nothing.
    expect(factsFromStatusline(captured[0], T0).filter((fact) => fact.kind !== 'session-identified')).toEqual([
      { kind: 'cost-reported', source: 'statusline', costUsd: 0, scope: expect.any(String) },
    ]);
  });

  it('takes a spent window for a limit in force', () => {
    const facts = factsFromStatusline({ session_id: 's', rate_limits: { five_hour: { used_percentage: 100, resets_at: 1790596800 } } }, T0);
    expect(facts).toContainEqual({ kind: 'rate-limit', source: 'statusline', severity: 'limit', limitKind: 'five_hour', resetsAt: 1790596800_000, utilization: 1, at: T0 });
  });

  it('ignores what it does not know and rejects what is not an object', () => {
    expect(factsFromStatusline({ rate_limits: { hourly: { used_percentage: 5 }, five_hour: { used_percentage: 'x' } }, cost: { total_cost_usd: -1 } }, T0)).toEqual([]);
    expect(factsFromStatusline('nope', T0)).toEqual([{ kind: 'line-rejected', source: 'statusline', reason: 'statusline input is not a JSON object' }]);
  });
});
