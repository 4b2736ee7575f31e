import type { SessionView } from './session-view.js';

/**
 * What one statusline line says, decided from Claude's input first and our state files second.
 * Pure: `now` comes from the caller.
 */
export interface StatuslineView {
  model: string | null;
  costUsd: number | null;
  /** The 5-hour window's use, 0..100 (and beyond, if Claude says so). */
  fiveHourPercent: number | null;
  /** A limit in force: the one that lifts last, since until then Claude cannot answer. */
  limit: { kind: string; resetsAt: number | null } | null;
}

export interface StatuslineFacts {
  modelName: string | null;
  costUsd: number | null;
  windows: Record<string, { usedPercent: number; resetsAt: number | null }>;
}

/**
 * `own` is the wrapped session running this Claude session, if any; `account` is any other
 * session's state (current_session.json). Limits and windows are per account, so either may
 * supply them; cost and model only ever come from Claude or our own session.
 */
export function statuslineView(input: StatuslineFacts, own: SessionView | null, account: SessionView | null, now: number): StatuslineView {
  const sessions = [own, account].filter((session): session is SessionView => session !== null);
  return {
    model: input.modelName ?? own?.model ?? null,
    costUsd: input.costUsd ?? own?.costUsd ?? null,
    fiveHourPercent: input.windows.five_hour?.usedPercent ?? stateFiveHourPercent(sessions, now),
    limit: latestLimit([...inputLimits(input, now), ...sessions.flatMap((session) => stateLimits(session, now))]),
  };
}

function stateFiveHourPercent(sessions: SessionView[], now: number): number | null {
  for (const session of sessions) {
    const reading = session.limitWindows?.five_hour;
    if (!reading) continue;
    // A reading from a window that has since reset says nothing about the new one.
    const resetsAt = reading.resetsAt === null ? null : Date.parse(reading.resetsAt);
    if (resetsAt !== null && Number.isFinite(resetsAt) && resetsAt <= now) continue;
    return reading.utilization * 100;
  }
  return null;
}

type Limit = NonNullable<StatuslineView['limit']>;

function inputLimits(input: StatuslineFacts, now: number): Limit[] {
  return Object.entries(input.windows)
    .filter(([, window]) => window.usedPercent >= 100 && inForce(window.resetsAt, now))
    .map(([kind, window]) => ({ kind, resetsAt: window.resetsAt }));
}

function stateLimits(session: SessionView, now: number): Limit[] {
  const limits: Limit[] = [];
  const own = session.rateLimit;
  if (session.status === 'RATE_LIMITED' && own && own.severity === 'limit') {
    const resetsAt = parseTime(own.resetsAt);
    if (inForce(resetsAt, now)) limits.push({ kind: own.kind, resetsAt });
  }
  for (const shared of session.accountLimits ?? []) {
    const resetsAt = parseTime(shared.resetsAt);
    // Account limits carry no end of their own when the reset is unknown; only dated ones are shown.
    if (resetsAt !== null && resetsAt > now) limits.push({ kind: shared.kind, resetsAt });
  }
  return limits;
}

function latestLimit(limits: Limit[]): Limit | null {
  // A dated limit beats an undated one: it gives a countdown, and the undated one is usually the same limit seen as text.
  let latest: Limit | null = null;
  for (const limit of limits) {
    if (latest === null || (limit.resetsAt !== null && (latest.resetsAt === null || limit.resetsAt > latest.resetsAt))) latest = limit;
  }
  return latest;
}

function inForce(resetsAt: number | null, now: number): boolean {
  return resetsAt === null || resetsAt > now;
}

function parseTime(iso: string | null): number | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}
