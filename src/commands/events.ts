import type { SessionEvent } from '../core/session-events.js';
import type { SessionView } from '../core/session-view.js';
import { UserError } from '../shared/errors.js';
import { openForReading } from '../store/reader.js';
import { readSessionDetail, type SessionDetail } from '../store/session-detail.js';
import { listSessions } from '../store/session-rows.js';
import { createPainter, renderTable } from '../ui/format.js';
import { parseCommandArgs } from './options/parse.js';

export type SessionEvents = SessionDetail;

/** One session's event log: the one named, or the newest. */
export function collectEvents(sessionId: string | undefined, env = process.env, now = Date.now()): SessionEvents {
  const { db } = openForReading(env, now);
  try {
    const id = sessionId ?? listSessions(db, { limit: 1 })[0]?.id;
    const detail = id === undefined ? null : readSessionDetail(db, id);
    if (detail === null) {
      throw new UserError(sessionId === undefined ? 'cw events: no session recorded yet.' : `cw events: no session matches "${sessionId}".`, 1);
    }
    return detail;
  } finally {
    db.close();
  }
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('events', argv, { json: { type: 'boolean' }, session: { type: 'string', short: 's' } });
  if (values.help) {
    process.stdout.write(
      'Usage: cw events [--session ID] [--json]\n\nA session’s events: start, prompts, answers, limits, errors, commits, end.\n' +
        'ID may be our session id, a prefix of it, or Claude’s session id; the newest session by default.\n',
    );
    return 0;
  }
  const { session, events } = collectEvents(values.session);
  process.stdout.write(values.json ? `${JSON.stringify({ session: session.id, events: events.map(jsonEvent) }, null, 2)}\n` : renderEvents(session, events));
  return 0;
}

function jsonEvent(event: SessionEvent): Record<string, unknown> {
  return { at: new Date(event.at).toISOString(), type: event.type, detail: event.detail };
}

function renderEvents(session: SessionView, events: SessionEvent[]): string {
  const paint = createPainter();
  const colour: Record<SessionEvent['type'], (text: string) => string> = {
    start: paint.cyan,
    prompt: (text) => text,
    answer: paint.green,
    limit: paint.red,
    warning: paint.yellow,
    error: paint.red,
    git: paint.cyan,
    end: paint.cyan,
  };
  const rows = events.map((event) => [new Date(event.at).toISOString().replace('T', ' ').slice(0, 23), colour[event.type](event.type), event.detail]);
  return `Session ${session.id} (${session.status})\n${renderTable(['TIME (UTC)', 'EVENT', 'DETAIL'], rows)}`;
}
