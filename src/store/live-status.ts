import type { SessionView } from '../core/session-view.js';
import type { Paths } from '../shared/paths.js';
import { allLimitsInForce } from './account-limits.js';
import type { Db } from './database.js';
import { listSessions } from './session-rows.js';
import { readStateDocument, type StateDocument } from './state-files.js';

/** A limit some session met that still holds for its account (Claude's config directory). */
export interface LimitInForce {
  account: string | null;
  kind: string;
  resetsAt: string | null;
  text: string | null;
  observedAt: string;
  sessionId: string;
}

export interface LiveStatus {
  current: StateDocument | null;
  live: SessionView[];
  limits: LimitInForce[];
  /** Projects that more than one live session works in, with those sessions' ids. */
  sharedProjects: Array<{ project: string; sessions: string[] }>;
}

export interface LiveStatusOptions {
  /** Show only the current session (current_session.json) and its account's limits. */
  singleSession?: boolean;
}

/** Live sessions and limits as the database and current_session.json show them now, from a database the caller opened (and closes). */
export function readLiveStatus(db: Db, paths: Pick<Paths, 'currentStateFile'>, now: number, options: LiveStatusOptions = {}): LiveStatus {
  const current = readStateDocument(paths.currentStateFile);
  let live = listSessions(db, { statuses: ['ACTIVE', 'RATE_LIMITED'] });
  let limits: LimitInForce[] = allLimitsInForce(db, now).map((limit) => ({
    account: limit.account,
    kind: limit.kind,
    resetsAt: limit.resetsAt === null ? null : new Date(limit.resetsAt).toISOString(),
    text: limit.text,
    observedAt: new Date(limit.observedAt).toISOString(),
    sessionId: limit.sessionId,
  }));
  if (options.singleSession) {
    // The current session and the limits its own state file shows: those of its account.
    const own = current?.data;
    live = live.filter((session) => session.id === own?.id);
    limits = limits.filter((limit) => own?.accountLimits.some((shown) => shown.kind === limit.kind && shown.sessionId === limit.sessionId) === true);
  }
  return { current, live, limits, sharedProjects: sharedProjects(live) };
}

function sharedProjects(live: readonly SessionView[]): LiveStatus['sharedProjects'] {
  const byProject = new Map<string, string[]>();
  for (const session of live) {
    const project = session.projectPath ?? session.cwd;
    byProject.set(project, [...(byProject.get(project) ?? []), session.id]);
  }
  return [...byProject].filter(([, sessions]) => sessions.length > 1).map(([project, sessions]) => ({ project, sessions }));
}
