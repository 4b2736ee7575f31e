import { describeSessionEvents, type SessionEvent } from '../core/session-events.js';
import type { SessionView } from '../core/session-view.js';
import type { Db } from './database.js';
import { getSession, readFacts } from './session-rows.js';

export interface SessionDetail {
  session: SessionView;
  events: SessionEvent[];
}

/** One session (our id, a prefix of it, or Claude's id) with its event log; null when none matches. */
export function readSessionDetail(db: Db, idOrPrefix: string): SessionDetail | null {
  const session = getSession(db, idOrPrefix);
  if (session === null) return null;
  const events = describeSessionEvents(readFacts(db, session.id));
  // Sessions recorded before starts were logged still begin somewhere.
  if (!events.some((event) => event.type === 'start')) {
    events.unshift({ at: Date.parse(session.startedAt), type: 'start', detail: `${session.mode} in ${session.projectPath ?? session.cwd}` });
  }
  return { session, events };
}
