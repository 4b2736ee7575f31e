import { currentWindows, type WindowReading } from '../core/limit-windows.js';
import { readingsOfView, type SessionView } from '../core/session-view.js';
import type { Paths } from '../shared/paths.js';
import { allLimitsInForce, allWindowsInForce } from './account-limits.js';
import type { Db } from './database.js';
import { listSessions } from './session-rows.js';
import { readStateDocument, sessionStateFile, type StateDocument } from './state-files.js';

/** A limit some session met that still holds for its account (Claude's config directory). */
export interface LimitInForce {
  account: string | null;
  kind: string;
  resetsAt: string | null;
  text: string | null;
  observedAt: string;
  sessionId: string;
}

/** Claude's latest reading of one window of an account (see core/limit-windows.ts). */
export interface WindowInForce {
  account: string | null;
  kind: string;
  /** 0..1, past 1 once spent. */
  utilization: number;
  resetsAt: string | null;
  status: string;
  source: string;
  observedAt: string;
}

export interface LiveStatus {
  current: StateDocument | null;
  live: SessionView[];
  limits: LimitInForce[];
  /** Every window Claude reported, per account, while it has not reset. */
  windows: WindowInForce[];
  /** Projects that more than one live session works in, with those sessions' ids. */
  sharedProjects: Array<{ project: string; sessions: string[] }>;
}

export interface LiveStatusOptions {
  /** Show only the current session (current_session.json) and its account's limits. */
  singleSession?: boolean;
}

/** Live sessions and limits as the database and current_session.json show them now, from a database the caller opened (and closes). */
export function readLiveStatus(db: Db, paths: Pick<Paths, 'currentStateFile' | 'sessionStateDir'>, now: number, options: LiveStatusOptions = {}): LiveStatus {
  const current = readStateDocument(paths.currentStateFile);
  let live = listSessions(db, { statuses: ['ACTIVE', 'RATE_LIMITED'] }).map((session) => withAttention(session, paths.sessionStateDir));
  let limits: LimitInForce[] = allLimitsInForce(db, now).map((limit) => ({
    account: limit.account,
    kind: limit.kind,
    resetsAt: limit.resetsAt === null ? null : new Date(limit.resetsAt).toISOString(),
    text: limit.text,
    observedAt: new Date(limit.observedAt).toISOString(),
    sessionId: limit.sessionId,
  }));
  let windows = allWindowsInForce(db, now).map((reading) => windowInForce(reading, reading.account));
  if (options.singleSession) {
    // The current session and the limits its own state file shows: those of its account.
    const own = current?.data;
    live = live.filter((session) => session.id === own?.id);
    limits = limits.filter((limit) => own?.accountLimits.some((shown) => shown.kind === limit.kind && shown.sessionId === limit.sessionId) === true);
    // Its state file holds its account's windows already.
    windows = own === undefined ? [] : currentWindows(readingsOfView(own), now).map((reading) => windowInForce(reading, null));
  }
  return { current, live, limits, windows, sharedProjects: sharedProjects(live) };
}

/** Whether Claude waits for the user, and when a continue after a limit is due, are a moment's state, kept only in the session's own state file. */
function withAttention(session: SessionView, sessionStateDir: string): SessionView {
  const data = readStateDocument(sessionStateFile(sessionStateDir, session.id))?.data;
  return data ? { ...session, waiting: data.waiting ?? null, activity: data.activity ?? null, resumeAt: data.resumeAt ?? null } : session;
}

function windowInForce(reading: WindowReading, account: string | null): WindowInForce {
  return {
    account,
    kind: reading.kind,
    utilization: reading.utilization,
    resetsAt: reading.resetsAt === null ? null : new Date(reading.resetsAt).toISOString(),
    status: reading.status,
    source: reading.source,
    observedAt: new Date(reading.observedAt).toISOString(),
  };
}

function sharedProjects(live: readonly SessionView[]): LiveStatus['sharedProjects'] {
  const byProject = new Map<string, string[]>();
  for (const session of live) {
    const project = session.projectPath ?? session.cwd;
    byProject.set(project, [...(byProject.get(project) ?? []), session.id]);
  }
  return [...byProject].filter(([, sessions]) => sessions.length > 1).map(([project, sessions]) => ({ project, sessions }));
}
