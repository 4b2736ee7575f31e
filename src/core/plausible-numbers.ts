/**
 * Numbers no real Claude output holds. A line carrying one is rejected and counted like any other
 * bad line, rather than let 1e308 tokens or a year-9999 time into every report and block after it.
 */

/** One message's counts: a context window holds about a million tokens; a hundred times that is no message. */
export const MAX_MESSAGE_TOKENS = 100_000_000;
/** A session's totals (a result's `usage`, `modelUsage`): cache reads add up over thousands of turns, not to this. */
export const MAX_SESSION_TOKENS = 100_000_000_000;
/** Claude's cost figure for one session, in USD. */
export const MAX_SESSION_COST_USD = 1_000_000;
/** How far a line's time may lie ahead of the clock (a machine whose clock was off), and behind it. */
const MAX_FUTURE_MS = 7 * 24 * 3_600_000;
const MAX_PAST_MS = 10 * 365 * 24 * 3_600_000;

/** What is wrong with a token count, or null; a count left out (or null) is zero, not a problem. */
export function tokenCountProblem(name: string, value: unknown, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) return `${name} is not a whole number of tokens`;
  return value > max ? `${name} is more tokens than any message or session holds` : null;
}

export function costProblem(name: string, value: number): string | null {
  return Number.isFinite(value) && value >= 0 && value <= MAX_SESSION_COST_USD ? null : `${name} is not a possible cost`;
}

/** What is wrong with an instant (epoch ms) seen `now`, or null. */
export function timeProblem(name: string, at: number, now: number): string | null {
  if (at > now + MAX_FUTURE_MS) return `${name} is more than 7 days ahead of the clock`;
  return at < now - MAX_PAST_MS ? `${name} is more than 10 years in the past` : null;
}
