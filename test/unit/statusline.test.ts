/**
 * Statusline input as Claude Code 2.1.283 sent it (fixtures/public/statusline, from
 * serhii-nochevnyi/shipyard; see SOURCES.md), and the shapes around it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSessionState, reduceSession } from '../../src/core/session-state.js';
import { factsFromStatusline } from '../../src/ingest/statusline.js';
import { PUBLIC_FIXTURES } from '../support/sandbox.js';

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);
const inputs = readFileSync(join(PUBLIC_FIXTURES, 'statusline', 'shipyard-statusline-stdin-v2.1.283.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('factsFromStatusline', () => {
  it('reads the session, Claude’s running cost and each window’s use from real input', () => {
    expect(inputs).toHaveLength(3);
    const facts = factsFromStatusline(inputs[2], T0);
    const transcriptPath = '<HOME>/.claude/projects/-Volumes-KINGSTON-claude-shipyard/<SESSION-1>.jsonl';
    expect(facts).toEqual([
      { kind: 'session-identified', source: 'statusline', claudeSessionId: '<SESSION-1>', transcriptPath, model: 'claude-opus-5-5', cwd: '<PATH-1>', claudeVersion: '2.1.283' },
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

  it('takes a spent window for a limit in force', () => {
    const facts = factsFromStatusline({ session_id: 's', rate_limits: { five_hour: { used_percentage: 100, resets_at: 1790596800 } } }, T0);
    expect(facts).toContainEqual({ kind: 'rate-limit', source: 'statusline', severity: 'limit', limitKind: 'five_hour', resetsAt: 1790596800_000, utilization: 1, at: T0 });
  });

  it('ignores what it does not know and rejects what is not an object', () => {
    expect(factsFromStatusline({ rate_limits: { hourly: { used_percentage: 5 }, five_hour: { used_percentage: 'x' } }, cost: { total_cost_usd: -1 } }, T0)).toEqual([]);
    expect(factsFromStatusline('nope', T0)).toEqual([{ kind: 'line-rejected', source: 'statusline', reason: 'statusline input is not a JSON object' }]);
  });
});
