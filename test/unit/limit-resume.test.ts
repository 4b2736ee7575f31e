import { describe, expect, it } from 'vitest';
import { resumeClaudeArgs } from '../../src/core/claude-args.js';
import { MAX_WAIT_MS, planResume, RESUME_SPREAD_MS } from '../../src/core/limit-resume.js';
import { createSessionState, type SessionState } from '../../src/core/session-state.js';

const NOW = Date.UTC(2026, 11, 7, 9, 0, 0);
const RESET = NOW + 5000;

function ended(overrides: Partial<SessionState> = {}): SessionState {
  const state = createSessionState({ id: 'ours', mode: 'print', sessionType: null, projectPath: null, cwd: '/w', argv: [], pid: 1, startedAt: NOW - 60_000, account: null, identifyMethod: null, isolation: 'shared-learning' });
  return {
    ...state,
    status: 'FAILED',
    claudeSessionId: 'claude-1',
    rateLimit: { kind: 'five_hour', severity: 'limit', resetsAt: RESET, text: null, source: 'stream-json', observedAt: NOW - 1000, utilization: null, resetPrecision: 'second' },
    ...overrides,
  };
}

describe('planResume', () => {
  it('continues the Claude session after the reset plus a spread of 1 to 10 s', () => {
    expect(planResume(ended(), NOW, 0)).toEqual({ resume: { claudeSessionId: 'claude-1', kind: 'five_hour', resetsAt: RESET, at: RESET + RESUME_SPREAD_MS.min } });
    const late = planResume(ended(), NOW, 0.999999);
    expect(late.resume?.at).toBeLessThan(RESET + RESUME_SPREAD_MS.max);
    // A reset already past: soon, not in the past.
    expect(planResume(ended(), RESET + 60_000, 0).resume?.at).toBe(RESET + 60_000 + RESUME_SPREAD_MS.min);
  });

  it('does not continue what did not end in a known limit, or waits longer than a day', () => {
    const why = (state: SessionState | null, now = NOW) => {
      const decision = planResume(state, now, 0.5);
      return decision.resume === null ? decision.why : 'resumed';
    };
    expect(why(null)).toBe('the run was not recorded');
    expect(why(ended({ status: 'COMPLETED' }))).toBe('the run did not end in a usage limit');
    expect(why(ended({ rateLimit: { ...ended().rateLimit!, severity: 'warning' } }))).toBe('the run did not end in a usage limit');
    expect(why(ended({ rateLimit: { ...ended().rateLimit!, resetsAt: null } }))).toBe('Claude did not say when the limit resets');
    expect(why(ended({ claudeSessionId: null }))).toBe('the Claude session to continue is unknown');
    expect(why(ended({ rateLimit: { ...ended().rateLimit!, resetsAt: NOW + MAX_WAIT_MS + 1 } }))).toBe('the limit resets more than a day from now');
  });
});

describe('resumeClaudeArgs', () => {
  it('keeps the options, drops the prompt and any session choice, and resumes with the new prompt', () => {
    expect(resumeClaudeArgs(['-p', 'fix the build', '--output-format', 'stream-json', '--verbose', '--model=opus'], 'abc', 'continue')).toEqual([
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--model=opus',
      '--resume',
      'abc',
      'continue',
    ]);
    expect(resumeClaudeArgs(['-pc', '--session-id', 'old', '--resume=older', '-r', 'oldest', '--', 'a prompt'], 'abc', 'go on')).toEqual(['-p', '--resume', 'abc', 'go on']);
  });
});
