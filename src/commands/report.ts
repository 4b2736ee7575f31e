import { buildReport, REPORT_KINDS, type Report, type ReportKind } from '../core/usage-report.js';
import { loadConfig, type LoadedConfig } from '../shared/config.js';
import { UserError } from '../shared/errors.js';
import { resolvePaths } from '../shared/paths.js';
import type { ImportSummary } from '../history/import.js';
import { refreshHistory } from '../history/refresh.js';
import { openForReading } from '../store/reader.js';
import { runIdsOfClaudeSessions } from '../store/session-list.js';
import { loadUsageRecords } from '../store/usage-records.js';
import { createPainter, outputWidth } from '../ui/format.js';
import { createProgressBar } from '../ui/progress-bar.js';
import { REPORT_FORMATS, renderReport, type ReportFormat } from '../ui/report-render.js';
import { HISTORY_OPTIONS, parseHistoryScope, usageQueryOf, type HistoryScope } from './options/history-options.js';
import { type CommandOptions, parseCommandArgs } from './options/parse.js';

const USAGE = `Usage: cw report [daily|weekly|monthly|session|project|model] [options]

Usage and cost from the whole history: every transcript Claude Code wrote (imported first, only
what is new) and every session run through the shim or cw-run.

Options:
  --since DAY        from this day on (2026-11-01, 20261101, or 7d / 2w back from today)
  --until DAY        up to and including this day
  --project TEXT     only projects whose path contains TEXT
  --timezone ZONE    days in this zone (default: config "timezone", else TZ, else the system's)
  --breakdown        each row's usage per model as well
  --format FORMAT    table (default), json, csv, markdown or html
  --json             the same as --format json
  --skip-import      report what is stored without reading transcripts first
`;

export interface ReportRequest {
  kind: ReportKind;
  scope: HistoryScope;
  breakdown: boolean;
  config: LoadedConfig['config'];
  onImportProgress?: Parameters<typeof refreshHistory>[3];
}

export interface ReportResult {
  report: Report;
  imported: ImportSummary | null;
}

export function collectReport(request: ReportRequest, env = process.env): ReportResult {
  const { db } = openForReading(env);
  try {
    const imported = request.scope.skipImport ? null : refreshHistory(db, request.config, env, request.onImportProgress);
    const records = loadUsageRecords(db, usageQueryOf(request.scope));
    const report = buildReport(records, { kind: request.kind, calendar: request.scope.calendar, breakdown: request.breakdown });
    if (request.kind === 'session') {
      // Claude's session with all its runs: our ids of those made through ClaudeWatch.
      const runs = runIdsOfClaudeSessions(db, report.rows.map((row) => row.key));
      for (const row of report.rows) row.runs = runs.get(row.key) ?? [];
    }
    return { report, imported };
  } finally {
    db.close();
  }
}

/** The options `cw report` takes, for its parser and for shell completion. */
export const OPTIONS = {
    ...HISTORY_OPTIONS,
    breakdown: { type: 'boolean' },
    format: { type: 'string' },
    json: { type: 'boolean' },
  } as const satisfies CommandOptions;

/** What the first word after the command may be, for shell completion. */
export const ARGUMENTS: readonly string[] = REPORT_KINDS;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('report', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const kind = parseKind(positionals);
  const format = parseFormat(values.format, values.json);
  const env = process.env;
  const config = loadConfig(resolvePaths(env).configFile).config;
  const scope = parseHistoryScope('report', values, { now: Date.now(), configuredTimeZone: config.timezone, env });
  const progress = process.stderr.isTTY && format === 'table' ? createProgressBar() : undefined;
  const { report, imported } = collectReport(
    {
      kind,
      scope,
      // An HTML report charts cost per model, so it always has the breakdown.
      breakdown: values.breakdown === true || format === 'html',
      config,
      ...(progress ? { onImportProgress: (p) => progress.update(p.filesDone, p.filesTotal, 'transcripts') } : {}),
    },
    env,
  );
  progress?.done();
  process.stdout.write(renderReport(report, format, { width: outputWidth(env), paint: createPainter(), scope }));
  if (imported && imported.rejectedLines > 0 && format === 'table') {
    process.stderr.write(`${imported.rejectedLines} transcript line(s) could not be read and were skipped.\n`);
  }
  return 0;
}

function parseKind(positionals: string[]): ReportKind {
  if (positionals.length > 1) throw new UserError(`cw report: one report at a time, got "${positionals.join(' ')}".`, 2);
  const kind = positionals[0] ?? 'daily';
  if (!(REPORT_KINDS as readonly string[]).includes(kind)) throw new UserError(`cw report: unknown report "${kind}"; choose ${REPORT_KINDS.join(', ')}.`, 2);
  return kind as ReportKind;
}

function parseFormat(format: string | undefined, json: boolean | undefined): ReportFormat {
  if (json) {
    if (format !== undefined && format !== 'json') throw new UserError('cw report: --json and --format disagree; use one.', 2);
    return 'json';
  }
  const chosen = format ?? 'table';
  if (!(REPORT_FORMATS as readonly string[]).includes(chosen)) throw new UserError(`cw report: unknown format "${chosen}"; choose ${REPORT_FORMATS.join(', ')}.`, 2);
  return chosen as ReportFormat;
}

