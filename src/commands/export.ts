import { formatJson } from '../core/json-output.js';
import { dirname, resolve } from 'node:path';
import { buildReport, REPORT_KINDS, type ReportKind } from '../core/usage-report.js';
import { loadConfig, type LoadedConfig } from '../shared/config.js';
import { UserError } from '../shared/errors.js';
import { resolvePaths } from '../shared/paths.js';
import { makeDirectories, PRIVATE_DIR_MODE, writeFileAtomic } from '../shared/private-fs.js';
import { analyticsOf, listHistorySessions, sessionsCsv, type HistorySession } from '../store/history-sessions.js';
import { resolveSessionRef, type SessionRef } from '../store/session-list.js';
import { refreshHistory } from '../history/refresh.js';
import { openForReading } from '../store/reader.js';
import { loadUsageRecords } from '../store/usage-records.js';
import { renderReport } from '../ui/report-render.js';
import { createPainter } from '../ui/format.js';
import { HISTORY_OPTIONS, parseHistoryScope, usageQueryOf, type HistoryScope } from './options/history-options.js';
import { type CommandOptions, parseCommandArgs } from './options/parse.js';

const USAGE = `Usage: cw export --output FILE [options]

Writes the history for other tools. With --format json (the default), FILE.json holds a report
and beside it FILE.sessions.json holds every session with its context (project, type, place,
models, tokens, cost) and FILE.analytics.json the numbers derived per session (duration, tokens
per minute, cost per turn, cache hit rate). With --format csv, FILE holds the sessions as CSV.
Files are readable by their owner only.

Options:
  --output FILE      where to write (required)
  --format FORMAT    json (default) or csv
  --report KIND      the report in FILE.json: daily (default), weekly, monthly, session, project, model
  --session ID       one session only (Claude's session id, or ours from cw sessions)
  --breakdown        report rows per model as well
  --since, --until, --project, --timezone, --skip-import   as for cw report
`;

export interface ExportRequest {
  output: string;
  format: 'json' | 'csv';
  kind: ReportKind;
  session: string | null;
  breakdown: boolean;
  scope: HistoryScope;
  config: LoadedConfig['config'];
}

export interface ExportResult {
  files: string[];
  sessions: number;
}

export function exportHistory(request: ExportRequest, env = process.env): ExportResult {
  const { db } = openForReading(env);
  try {
    if (!request.scope.skipImport) refreshHistory(db, request.config, env);
    const ref = request.session === null ? null : resolveSessionRef(db, request.session);
    const sessions = selectSessions(listHistorySessions(db), request, ref);
    if (request.session !== null && sessions.length === 0) throw new UserError(`cw export: no session "${request.session}" in the history.`, 1);
    // A folder the user named is theirs: created if missing (owner-only), never re-permissioned.
    makeDirectories(dirname(request.output), PRIVATE_DIR_MODE);
    if (request.format === 'csv') {
      writeFileAtomic(request.output, sessionsCsv(sessions));
      return { files: [request.output], sessions: sessions.length };
    }
    const claudeSessionId = sessions.length === 1 && request.session !== null ? sessions[0]!.claudeSessionId : null;
    const records = loadUsageRecords(db, {
      ...usageQueryOf(request.scope),
      ...(request.session !== null ? { claudeSessionId: claudeSessionId ?? sessions[0]!.wrappedSessionIds[0]! } : {}),
    });
    const report = buildReport(records, { kind: request.kind, calendar: request.scope.calendar, breakdown: request.breakdown });
    const scope = { since: request.scope.since, until: request.scope.until, project: request.scope.project };
    const base = request.output.replace(/\.json$/i, '');
    const files = [`${base}.json`, `${base}.sessions.json`, `${base}.analytics.json`];
    writeFileAtomic(files[0]!, renderReport(report, 'json', { width: Infinity, paint: createPainter(process.stdout, { NO_COLOR: '1' }), scope }));
    writeFileAtomic(files[1]!, formatJson(sessions));
    writeFileAtomic(files[2]!, formatJson(sessions.map(analyticsOf)));
    return { files, sessions: sessions.length };
  } finally {
    db.close();
  }
}

/** The sessions the export covers: the Claude session a reference names (see resolveSessionRef), or those in scope. */
function selectSessions(all: HistorySession[], request: ExportRequest, ref: SessionRef | null): HistorySession[] {
  if (ref !== null) {
    return all.filter((session) => (ref.kind === 'claude' ? session.claudeSessionId === ref.id : session.wrappedSessionIds.includes(ref.id)));
  }
  const { from, to, project } = request.scope;
  return all.filter((session) => {
    const started = session.startedAt === null ? null : Date.parse(session.startedAt);
    const ended = session.endedAt === null ? started : Date.parse(session.endedAt);
    if (from !== undefined && (ended ?? -Infinity) < from) return false;
    if (to !== undefined && (started ?? Infinity) >= to) return false;
    return !project || (session.project ?? '').includes(project);
  });
}

/** The options `cw export` takes, for its parser and for shell completion. */
export const OPTIONS = {
    ...HISTORY_OPTIONS,
    output: { type: 'string', short: 'o' },
    format: { type: 'string' },
    report: { type: 'string' },
    session: { type: 'string' },
    breakdown: { type: 'boolean' },
  } as const satisfies CommandOptions;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('export', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!values.output) throw new UserError('cw export: --output FILE is required.', 2);
  const format = values.format ?? 'json';
  if (format !== 'json' && format !== 'csv') throw new UserError(`cw export: --format is json or csv, got "${format}".`, 2);
  const kind = values.report ?? 'daily';
  if (!(REPORT_KINDS as readonly string[]).includes(kind)) throw new UserError(`cw export: unknown report "${kind}"; choose ${REPORT_KINDS.join(', ')}.`, 2);
  const env = process.env;
  const config = loadConfig(resolvePaths(env).configFile).config;
  const scope = parseHistoryScope('export', values, { now: Date.now(), configuredTimeZone: config.timezone, env });
  const result = exportHistory(
    { output: resolve(values.output), format, kind: kind as ReportKind, session: values.session ?? null, breakdown: values.breakdown === true, scope, config },
    env,
  );
  process.stdout.write(`Exported ${result.sessions} session(s) to ${result.files.join(', ')}\n`);
  return 0;
}
