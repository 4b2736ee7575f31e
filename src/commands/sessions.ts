import type { SessionListRow } from '../core/session-view.js';
import { openSettledHistory } from '../history/open.js';
import { listSessionRows } from '../store/session-list.js';
import { createPainter, formatDuration, formatLimit, formatSessionCost, formatTokens, renderTable, totalTokens, unpricedFootnotes } from '../ui/format.js';
import { loadConfig } from '../shared/config.js';
import { resolvePaths } from '../shared/paths.js';
import { zoneTime, type ZoneTime } from '../core/zone-time.js';
import { resolveTimeZone } from './options/history-options.js';
import { parseCommandArgs, parsePositiveInt } from './options/parse.js';

/** Wrapped runs and imported sessions, newest first, after settling runs whose process died. */
export function collectSessions(limit: number, env = process.env, now = Date.now()): SessionListRow[] {
  const { db } = openSettledHistory(env, now);
  try {
    return listSessionRows(db, { limit });
  } finally {
    db.close();
  }
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('sessions', argv, { json: { type: 'boolean' }, limit: { type: 'string', short: 'n' }, timezone: { type: 'string' } });
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
  process.stdout.write(values.json ? `${JSON.stringify(sessions, null, 2)}\n` : renderSessions(sessions, now, time));
  return 0;
}

function renderSessions(sessions: SessionListRow[], now: number, time: ZoneTime): string {
  if (sessions.length === 0) return 'No sessions recorded yet. Run claude through the shim or cw-run, or `cw import` its transcripts.\n';
  const paint = createPainter();
  const rows = sessions.map((session) =>
    session.source === 'wrapped'
      ? [
          session.id.slice(0, 8),
          'run',
          time.dateTime(Date.parse(session.startedAt)),
          colourStatus(paint, session.status),
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
          time.dateTime(Date.parse(session.startedAt)),
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
  const table = renderTable(['ID', 'KIND', `STARTED (${time.timeZone})`, 'STATUS', 'MODE', 'TYPE', 'PROJECT', 'DURATION', 'EXIT', 'COST', 'TOKENS', 'TURNS', 'LIMIT'], rows);
  const footnotes = unpricedFootnotes(sessions);
  return footnotes.length === 0 ? table : `${table}\n${footnotes.map((line) => paint.yellow(line)).join('\n')}\n`;
}

function colourStatus(paint: ReturnType<typeof createPainter>, status: string): string {
  switch (status) {
    case 'COMPLETED':
      return paint.green(status);
    case 'FAILED':
    case 'RATE_LIMITED':
      return paint.red(status);
    case 'INTERRUPTED':
      return paint.yellow(status);
    default:
      return paint.cyan(status);
  }
}
