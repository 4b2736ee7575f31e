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
  return { resume: { claudeSessionId: state.claudeSessionId, kind: limit.kind, resetsAt: limit.resetsAt, at: Math.max(now, limit.resetsAt) + resumeSpreadMs(random) } };
}

/** When an interactive session's prompt is typed after its limit: null when there is nothing to continue. */
export interface TypedResumePlan {
  kind: string;
  resetsAt: number;
  /** The limit's identity: its reset, to the minute (the screen and the transcript read one reset apart by seconds). */
  key: string;
  /** When the limit was first seen: an answer or a key from the user after it means the session went on. */
  limitSeenAt: number;
  at: number;
}

/**
 * The same opt-in in an interactive session: the limit that stopped the session, not yet
 * answered past, resets within a day. A reset read to the minute (the screen's "resets 6:21am")
 * may fall anywhere in that minute, so the wait runs to its end. `spreadMs` is drawn once per
 * session, so that planning again as the state changes does not move the time. `firstSeen` gives
 * when each limit (by key) was first seen: a later report of it moves the state's `observedAt`.
 */
export function planTypedResume(state: SessionState, now: number, spreadMs: number, firstSeen: (key: string) => number | undefined = () => undefined): TypedResumePlan | null {
  const limit = state.rateLimit;
  if (state.mode !== 'interactive' || state.endedAt !== null) return null;
  if (limit === null || limit.severity !== 'limit' || limit.resetsAt === null) return null;
  const key = limitKey(limit.resetsAt);
  const limitSeenAt = Math.min(limit.observedAt, firstSeen(key) ?? limit.observedAt);
  if (state.lastAnswerAt !== null && state.lastAnswerAt > limitSeenAt) return null;
  if (limit.resetsAt - now > MAX_WAIT_MS) return null;
  const rounding = limit.resetPrecision === 'minute' ? 60_000 : 0;
  return { kind: limit.kind, resetsAt: limit.resetsAt, key, limitSeenAt, at: limit.resetsAt + rounding + spreadMs };
}

export function limitKey(resetsAt: number): string {
  return String(Math.floor(resetsAt / 60_000));
}

/** A spread drawn from `random` in [0, 1). */
export function resumeSpreadMs(random: number): number {
  return RESUME_SPREAD_MS.min + Math.floor(random * (RESUME_SPREAD_MS.max - RESUME_SPREAD_MS.min));
}

export interface ResumeSettings {
  enabled: boolean;
  prompt: string;
}

export const DEFAULT_RESUME_PROMPT = 'continue';

/** The opt-in and the prompt: a flag or an explicit prompt first, then config's resumeAfterLimit. */
export function resumeSettingsOf(config: Record<string, unknown>, flag = false, prompt: string | null = null): ResumeSettings {
  const section = config.resumeAfterLimit !== null && typeof config.resumeAfterLimit === 'object' ? (config.resumeAfterLimit as Record<string, unknown>) : {};
  const configured = typeof section.prompt === 'string' && section.prompt.trim() !== '' ? section.prompt : DEFAULT_RESUME_PROMPT;
  return { enabled: flag || section.enabled === true, prompt: prompt ?? configured };
}
