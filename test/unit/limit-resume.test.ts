import { describe, expect, it } from 'vitest';
import { resumeClaudeArgs } from '../../src/core/claude-args.js';
import { MAX_WAIT_MS, planResume, planTypedResume, RESUME_SPREAD_MS, resumeSettingsOf, resumeSpreadMs } from '../../src/core/limit-resume.js';
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

describe('planTypedResume', () => {
  const live = (overrides: Partial<SessionState> = {}): SessionState => ({ ...ended(), mode: 'interactive', status: 'RATE_LIMITED', ...overrides });
  const limit = live().rateLimit!;

  it('types after the exact reset plus the session’s spread; a reset read to the minute waits for the minute’s end', () => {
    expect(planTypedResume(live(), NOW, 2500)).toEqual({ kind: 'five_hour', resetsAt: RESET, key: String(Math.floor(RESET / 60_000)), limitSeenAt: limit.observedAt, at: RESET + 2500 });
    const minute = live({ rateLimit: { ...limit, resetPrecision: 'minute', resetsAt: Date.UTC(2026, 11, 7, 9, 1) } });
    expect(planTypedResume(minute, NOW, 2500)?.at).toBe(Date.UTC(2026, 11, 7, 9, 2) + 2500);
    // Planned again later, the time stays where it was: the spread is the session's, not the call's.
    expect(planTypedResume(live(), RESET + 1000, 2500)?.at).toBe(RESET + 2500);
    // The limit's reset has passed and the state says ACTIVE again: still nothing answered since.
    expect(planTypedResume(live({ status: 'ACTIVE' }), RESET + 1000, 2500)?.at).toBe(RESET + 2500);
  });

  it('plans nothing for print runs, ended sessions, warnings, unknown resets, far resets, or a session answered since the limit', () => {
    expect(planTypedResume(live({ mode: 'print' }), NOW, 0)).toBeNull();
    expect(planTypedResume(live({ endedAt: NOW }), NOW, 0)).toBeNull();
    expect(planTypedResume(live({ rateLimit: null }), NOW, 0)).toBeNull();
    expect(planTypedResume(live({ rateLimit: { ...limit, severity: 'warning' } }), NOW, 0)).toBeNull();
    expect(planTypedResume(live({ rateLimit: { ...limit, resetsAt: null } }), NOW, 0)).toBeNull();
    expect(planTypedResume(live({ rateLimit: { ...limit, resetsAt: NOW + MAX_WAIT_MS + 1 } }), NOW, 0)).toBeNull();
    expect(planTypedResume(live({ lastAnswerAt: limit.observedAt + 1 }), NOW, 0)).toBeNull();
    // An answer from before the limit changes nothing.
    expect(planTypedResume(live({ lastAnswerAt: limit.observedAt - 1 }), NOW, 0)).not.toBeNull();
    // A later report of the same limit moves its observedAt past an answer: the first sighting decides.
    const reported = live({ lastAnswerAt: limit.observedAt + 1, rateLimit: { ...limit, observedAt: limit.observedAt + 2 } });
    expect(planTypedResume(reported, NOW, 0)).not.toBeNull();
    expect(planTypedResume(reported, NOW, 0, () => limit.observedAt)).toBeNull();
  });

  it('spreads by 1 to 10 s', () => {
    expect(resumeSpreadMs(0)).toBe(RESUME_SPREAD_MS.min);
    expect(resumeSpreadMs(0.999999)).toBeLessThan(RESUME_SPREAD_MS.max);
  });
});

describe('resumeSettingsOf', () => {
  it('is off unless the flag or config turns it on; the prompt comes from the flag, config, or "continue"', () => {
    expect(resumeSettingsOf({})).toEqual({ enabled: false, prompt: 'continue' });
    expect(resumeSettingsOf({}, true)).toEqual({ enabled: true, prompt: 'continue' });
    expect(resumeSettingsOf({ resumeAfterLimit: { enabled: true, prompt: 'go on' } })).toEqual({ enabled: true, prompt: 'go on' });
    expect(resumeSettingsOf({ resumeAfterLimit: { enabled: 'yes', prompt: '  ' } })).toEqual({ enabled: false, prompt: 'continue' });
    expect(resumeSettingsOf({ resumeAfterLimit: { prompt: 'go on' } }, false, 'keep going')).toEqual({ enabled: false, prompt: 'keep going' });
    expect(resumeSettingsOf({ resumeAfterLimit: null })).toEqual({ enabled: false, prompt: 'continue' });
  });
});
