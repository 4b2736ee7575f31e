import { formatJson, versioned } from '../core/json-output.js';
import type { SessionEvent } from '../core/session-events.js';
import type { SessionListRow } from '../core/session-view.js';
import { openSettledHistory } from '../history/open.js';
import { UserError } from '../shared/errors.js';
import { readSessionDetail, type SessionDetail } from '../store/session-detail.js';
import { resolveSessionRef } from '../store/session-list.js';
import { printable } from '../core/text-escape.js';
import { createPainter, outputWidth } from '../ui/format.js';
import { renderRows } from '../ui/table.js';
import { type CommandOptions, parseCommandArgs } from './options/parse.js';

export type SessionEvents = SessionDetail;

/** One session's event log: the one named (our id, Claude's, or a prefix of either), or the newest. */
export function collectEvents(reference: string | undefined, env = process.env, now = Date.now()): SessionEvents {
  const { db } = openSettledHistory(env, now);
  try {
    // Resolved first so an unknown or ambiguous reference says which.
    if (reference !== undefined) resolveSessionRef(db, reference);
    const detail = readSessionDetail(db, reference);
    if (detail === null) throw new UserError(reference === undefined ? 'cw events: no session recorded yet.' : `cw events: no session matches "${reference}".`, 1);
    return detail;
  } finally {
    db.close();
  }
}

/** The options `cw events` takes, for its parser and for shell completion. */
export const OPTIONS = { json: { type: 'boolean' }, session: { type: 'string', short: 's' } } as const satisfies CommandOptions;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('events', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(
      'Usage: cw events [--session ID] [--json]\n\nA session’s events: start, prompts, answers, limits, errors, commits, end.\n' +
        'ID is our run id, Claude’s session id, or a prefix of either; the newest session by default.\n' +
        'Claude’s session id shows the events of all its runs.\n',
    );
    return 0;
  }
  const { session, runs, events } = collectEvents(values.session);
  process.stdout.write(values.json ? formatJson(versioned({ session: session.id, runs, events: events.map(jsonEvent) })) : renderEvents(session, events));
  return 0;
}

function jsonEvent(event: SessionEvent): Record<string, unknown> {
  return { at: new Date(event.at).toISOString(), type: event.type, detail: event.detail };
}

function renderEvents(session: SessionListRow, events: SessionEvent[]): string {
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
  const rows = events.map((event) => [new Date(event.at).toISOString().replace('T', ' ').slice(0, 23), { text: event.type, style: colour[event.type] }, event.detail]);
  const status = session.source === 'wrapped' ? session.status : 'imported';
  const table = renderRows(['TIME (UTC)', 'EVENT', { header: 'DETAIL', elastic: true }], rows, { width: outputWidth(), headerStyle: paint.bold });
  return `Session ${printable(session.id)} (${status})\n${table.text}`;
}
