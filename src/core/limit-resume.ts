import type { SessionState } from './session-state.js';

/**
 * When a run that ended in a usage limit may continue: the limit's reset, plus a few seconds so
 * that sessions waiting on the same reset do not all call at once. Only with the user's opt-in
 * (`cw-run --resume-after-limit`, `resumeAfterLimit.enabled`); pure, the caller waits.
 */
export interface ResumePlan {
  claudeSessionId: string;
  kind: string;
  resetsAt: number;
  /** When to continue: the reset plus the spread. */
  at: number;
}

/** The spread after the reset: at least 1 s, at most 10 s. */
export const RESUME_SPREAD_MS = { min: 1000, max: 10_000 };
/** A run that keeps meeting limits is continued this many times at most. */
export const MAX_RESUMES = 5;
/** A reset more than this far ahead is not waited for unattended; weekly limits wait for the user. */
export const MAX_WAIT_MS = 24 * 3_600_000;

export type ResumeDecision = { resume: ResumePlan } | { resume: null; why: string };

/** `random` is in [0, 1), as Math.random gives. */
export function planResume(state: SessionState | null, now: number, random: number): ResumeDecision {
  if (state === null) return { resume: null, why: 'the run was not recorded' };
  const limit = state.rateLimit;
  if (limit === null || limit.severity !== 'limit' || state.status === 'COMPLETED' || state.status === 'INTERRUPTED') return { resume: null, why: 'the run did not end in a usage limit' };
  if (limit.resetsAt === null) return { resume: null, why: 'Claude did not say when the limit resets' };
  if (state.claudeSessionId === null) return { resume: null, why: 'the Claude session to continue is unknown' };
  if (limit.resetsAt - now > MAX_WAIT_MS) return { resume: null, why: 'the limit resets more than a day from now' };
  const spread = RESUME_SPREAD_MS.min + Math.floor(random * (RESUME_SPREAD_MS.max - RESUME_SPREAD_MS.min));
  return { resume: { claudeSessionId: state.claudeSessionId, kind: limit.kind, resetsAt: limit.resetsAt, at: Math.max(now, limit.resetsAt) + spread } };
}
