import { formatJson, versioned } from '../core/json-output.js';
import type { SessionEvent } from '../core/session-events.js';
import type { SessionListRow } from '../core/session-view.js';
import { openSettledHistory } from '../history/open.js';
import { UserError } from '../shared/errors.js';
import { readSessionDetail, type SessionDetail } from '../store/session-detail.js';
import { resolveSessionRef } from '../store/session-list.js';
import { printable } from '../core/text-escape.js';
import { loadConfig } from '../shared/config.js';
import { resolvePaths } from '../shared/paths.js';
import { createPainter, outputWidth } from '../ui/format.js';
import { renderRows } from '../ui/table.js';
import { zoneTime, type ZoneTime } from '../core/zone-time.js';
import { resolveTimeZone } from './options/history-options.js';
import { type CommandOptions, parseCommandArgs } from './options/parse.js';

export type SessionEvents = SessionDetail;

/** One session's event log: the one named (our id, Claude's, or a prefix of either), or the newest. */
export function collectEvents(reference: string | undefined, env = process.env, now = Date.now(), time?: (at: number) => string): SessionEvents {
  const { db } = openSettledHistory(env, now);
  try {
    // Resolved first so an unknown or ambiguous reference says which.
    if (reference !== undefined) resolveSessionRef(db, reference);
    const detail = readSessionDetail(db, reference, time === undefined ? {} : { time });
    if (detail === null) throw new UserError(reference === undefined ? 'cw events: no session recorded yet.' : `cw events: no session matches "${reference}".`, 1);
    return detail;
  } finally {
    db.close();
  }
}

/** The options `cw events` takes, for its parser and for shell completion. */
export const OPTIONS = { json: { type: 'boolean' }, session: { type: 'string', short: 's' }, timezone: { type: 'string' } } as const satisfies CommandOptions;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('events', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(
      'Usage: cw events [--session ID] [--json] [--timezone ZONE]\n\nA session’s events: start, prompts, answers, limits, errors, commits, end.\n' +
        'ID is our run id, Claude’s session id, or a prefix of either; the newest session by default.\n' +
        'Claude’s session id shows the events of all its runs. Times are in --timezone, else config\n' +
        '"timezone", else TZ, else the system’s (--json: ISO instants).\n',
    );
    return 0;
  }
  const env = process.env;
  const time = zoneTime(resolveTimeZone('events', values.timezone, loadConfig(resolvePaths(env).configFile).config.timezone, env));
  const { session, runs, events } = collectEvents(values.session, env, Date.now(), values.json ? undefined : (at) => time.dateTime(at));
  process.stdout.write(values.json ? formatJson(versioned({ session: session.id, runs, events: events.map(jsonEvent) })) : renderEvents(session, events, time));
  return 0;
}

function jsonEvent(event: SessionEvent): Record<string, unknown> {
  return { at: new Date(event.at).toISOString(), type: event.type, detail: event.detail };
}

function renderEvents(session: SessionListRow, events: SessionEvent[], time: ZoneTime): string {
  const paint = createPainter();
  const colour: Record<SessionEvent['type'], (text: string) => string> = {
    start: paint.cyan,
    prompt: (text) => text,
    answer: paint.green,
    limit: paint.red,
    warning: paint.yellow,
    resume: paint.magenta,
    error: paint.red,
    git: paint.cyan,
    end: paint.cyan,
  };
  const rows = events.map((event) => [`${time.dateTime(event.at)}.${String(event.at % 1000).padStart(3, '0')}`, { text: event.type, style: colour[event.type] }, event.detail]);
  const status = session.source === 'wrapped' ? session.status : 'imported';
  const table = renderRows([`TIME (${time.timeZone})`, 'EVENT', { header: 'DETAIL', elastic: true }], rows, { width: outputWidth(), headerStyle: paint.bold });
  return `Session ${printable(session.id)} (${status})\n${table.text}`;
}
