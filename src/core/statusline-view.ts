import { currentWindows, windowKindOf, type WindowReading } from './limit-windows.js';
import { readingsOfView, type SessionView } from './session-view.js';

/**
 * What one statusline line says, decided from Claude's input first and our state files second.
 * Pure: `now` comes from the caller.
 */
export interface StatuslineView {
  model: string | null;
  costUsd: number | null;
  /** Each window Claude reported that has not reset, session window first: its use 0..100 (and beyond). */
  windows: Array<{ kind: string; usedPercent: number; resetsAt: number | null }>;
  /** A limit in force: the one that lifts last, since until then Claude cannot answer. */
  limit: { kind: string; resetsAt: number | null } | null;
  /** When this session will type its continue after a limit (the opt-in resume), while that is ahead. */
  continuesAt: number | null;
  /** Other sessions waiting for the user, the longest wait first: the folder each works in. */
  othersWaiting: string[];
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
export function statuslineView(input: StatuslineFacts, own: SessionView | null, account: SessionView | null, now: number, waiting: readonly SessionView[] = []): StatuslineView {
  const sessions = [own, account].filter((session): session is SessionView => session !== null);
  return {
    model: input.modelName ?? own?.model ?? null,
    costUsd: input.costUsd ?? own?.costUsd ?? null,
    windows: windowsOf(input, sessions, now),
    limit: latestLimit([...inputLimits(input, now), ...sessions.flatMap((session) => stateLimits(session, now))]),
    continuesAt: continuesAt(own, now),
    othersWaiting: [...waiting]
      .filter((session) => session.waiting && session.id !== own?.id)
      .sort((a, b) => Date.parse(a.waiting!.since) - Date.parse(b.waiting!.since))
      .map((session) => folderName(session.projectPath ?? session.cwd)),
  };
}

/**
 * Claude's input is the freshest reading of what it carries; our state files add the windows it
 * does not carry (a weekly Opus window a print run's event named). A reading from a window that
 * has since reset says nothing about the new one.
 */
function windowsOf(input: StatuslineFacts, sessions: SessionView[], now: number): StatuslineView['windows'] {
  const readings: WindowReading[] = sessions.flatMap((session) => readingsOfView(session));
  for (const [name, window] of Object.entries(input.windows)) {
    const kind = windowKindOf(name);
    // Read now, so newer than anything a state file holds.
    if (kind !== null) readings.push({ kind, utilization: window.usedPercent / 100, resetsAt: window.resetsAt, status: 'allowed', source: 'statusline', observedAt: now });
  }
  return currentWindows(readings, now).map((reading) => ({ kind: reading.kind, usedPercent: reading.utilization * 100, resetsAt: reading.resetsAt }));
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

/** Only this session's own plan counts: another session continuing says nothing about this one. */
function continuesAt(own: SessionView | null, now: number): number | null {
  const at = parseTime(own?.resumeAt ?? null);
  return at !== null && at > now ? at : null;
}

function inForce(resetsAt: number | null, now: number): boolean {
  return resetsAt === null || resetsAt > now;
}

function parseTime(iso: string | null): number | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}

function folderName(path: string): string {
  return path.split('/').filter((part) => part !== '').at(-1) ?? path;
}
