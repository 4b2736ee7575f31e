import { formatJson, versioned } from '../core/json-output.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionListRow } from '../core/session-view.js';
import { printable } from '../core/text-escape.js';
import { shellQuote } from '../runner/shim-files.js';
import { resolvePaths } from '../shared/paths.js';
import { openSettledHistory } from '../history/open.js';
import { listSessionRows } from '../store/session-list.js';
import { createPainter, formatDuration, formatLimit, formatSessionCost, formatTokens, outputWidth, totalTokens, unpricedFootnotes } from '../ui/format.js';
import { hiddenColumnsNote, renderRows, type Cell } from '../ui/table.js';
import { loadConfig } from '../shared/config.js';
import { zoneTime, type ZoneTime } from '../core/zone-time.js';
import { resolveTimeZone } from './options/history-options.js';
import { type CommandOptions, parseCommandArgs, parsePositiveInt } from './options/parse.js';

/** Wrapped runs and imported sessions, newest first, after settling runs whose process died. */
export function collectSessions(limit: number, env = process.env, now = Date.now()): SessionListRow[] {
  const { db } = openSettledHistory(env, now);
  try {
    return listSessionRows(db, { limit });
  } finally {
    db.close();
  }
}

/** The options `cw sessions` takes, for its parser and for shell completion. */
export const OPTIONS = { json: { type: 'boolean' }, limit: { type: 'string', short: 'n' }, timezone: { type: 'string' } } as const satisfies CommandOptions;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('sessions', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(
      'Usage: cw sessions [--limit N] [--json] [--timezone ZONE]\n\n' +
        'Sessions, newest first (default 20): each run through the shim or cw-run with what it added,\n' +
        'and each Claude session used without them, as its transcripts were imported. Times are in\n' +
        '--timezone, else config "timezone", else TZ, else the system’s (--json: ISO instants).\n',
    );
    return 0;
  }
  const limit = parsePositiveInt('sessions', 'limit', values.limit, 20);
  const now = Date.now();
  const env = process.env;
  const time = zoneTime(resolveTimeZone('sessions', values.timezone, loadConfig(resolvePaths(env).configFile).config.timezone, env));
  const sessions = collectSessions(limit, env, now);
  process.stdout.write(values.json ? formatJson(versioned({ sessions })) : renderSessions(sessions, now, outputWidth(), time));
  if (!values.json && sessions.length === 0) process.stdout.write(demoNote(resolvePaths().demoHome));
  return 0;
}

/** After `npm run demo` with the example claude, its session is kept apart: say where. */
function demoNote(demoHome: string): string {
  if (!existsSync(join(demoHome, 'claudewatch.db'))) return '';
  return `The demo's session is kept apart from your history, in ${printable(demoHome)}. To see it:\n\n  CLAUDEWATCH_HOME=${shellQuote(printable(demoHome))} cw sessions\n`;
}

/**
 * Runs and imported sessions, one a row. To fit the terminal, the start loses its seconds and
 * numbers shorten, then TYPE goes, then EXIT, LIMIT, MODE, TURNS and DURATION; PROJECT is cut in
 * the middle after that.
 */
const SESSION_COLUMNS = [
  'ID',
  'KIND',
  'STARTED',
  'STATUS',
  { header: 'MODE', dropOrder: 4 },
  { header: 'TYPE', dropOrder: 1 },
  { header: 'PROJECT', elastic: true },
  { header: 'DURATION', align: 'right', dropOrder: 6 },
  { header: 'EXIT', align: 'right', dropOrder: 2 },
  { header: 'COST', align: 'right' },
  { header: 'TOKENS', align: 'right' },
  { header: 'TURNS', align: 'right', dropOrder: 5 },
  { header: 'LIMIT', dropOrder: 3 },
] as const;

function renderSessions(sessions: SessionListRow[], now: number, width: number, time: ZoneTime): string {
  if (sessions.length === 0) return 'No sessions recorded yet. Run claude through the shim or cw-run, or `cw import` its transcripts.\n';
  const paint = createPainter();
  const rows = sessions.map((session): Cell[] =>
    session.source === 'wrapped'
      ? [
          session.id.slice(0, 8),
          'run',
          startedAt(session.startedAt, time),
          { text: session.status, style: statusStyle(paint, session.status) },
          session.mode,
          session.sessionType ?? '-',
          session.projectPath ?? session.cwd,
          formatDuration(session.durationMs ?? now - Date.parse(session.startedAt)),
          String(session.exitCode ?? '-'),
          formatSessionCost(session),
          formatTokens(totalTokens(session)),
          String(session.numTurns),
          formatLimit(session, now),
        ]
      : [
          session.id.slice(0, 8),
          'imported',
          startedAt(session.startedAt, time),
          '-',
          '-',
          '-',
          session.project ?? '-',
          formatDuration(session.durationMs),
          '-',
          formatSessionCost(session),
          formatTokens(totalTokens(session)),
          String(session.numTurns),
          '-',
        ],
  );
  const columns = SESSION_COLUMNS.map((spec) =>
    spec === 'STARTED' ? { header: `STARTED (${time.timeZone})`, compact: sessions.map((session) => startedAt(session.startedAt, time).slice(0, 16)) } : spec,
  );
  const { text, dropped } = renderRows(columns, rows, { width, headerStyle: paint.bold });
  const notes = [...hiddenColumnsNote(dropped, '--json', width), ...unpricedFootnotes(sessions).map((line) => paint.yellow(line))];
  return notes.length === 0 ? text : `${text}\n${notes.join('\n')}\n`;
}

/** `2026-11-27 14:05:09` in the display zone. */
function startedAt(iso: string, time: ZoneTime): string {
  return time.dateTime(Date.parse(iso));
}

function statusStyle(paint: ReturnType<typeof createPainter>, status: string): (text: string) => string {
  switch (status) {
    case 'COMPLETED':
      return paint.green;
    case 'FAILED':
    case 'RATE_LIMITED':
      return paint.red;
    case 'INTERRUPTED':
      return paint.yellow;
    default:
      return paint.cyan;
  }
}
