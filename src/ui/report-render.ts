import { formatJson, roundUsd, versioned } from '../core/json-output.js';
import type { ChalkInstance } from 'chalk';
import { shortModelName, type ModelTotals, type Report, type ReportKind, type ReportRow, type UsageTotals } from '../core/usage-report.js';
import { csvCell, escapeMarkup, markdownCell, printable } from '../core/text-escape.js';
import { wrapToWidth } from './screen-text.js';
import { hiddenColumnsNote, renderTable as renderTextTable, type Cell, type Column } from './table.js';
import { stackedBarChart } from './svg-chart.js';

export const REPORT_FORMATS = ['table', 'json', 'csv', 'markdown', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** What a report covered, printed with it so a saved report explains itself. */
export interface ReportScope {
  since: string | null;
  until: string | null;
  project: string | null;
}

export interface RenderOptions {
  width: number;
  paint: ChalkInstance;
  scope: ReportScope;
}

const KEY_HEADER: Record<ReportKind, string> = {
  daily: 'Date',
  weekly: 'Week of',
  monthly: 'Month',
  session: 'Session',
  project: 'Project',
  model: 'Model',
};

const TITLE: Record<ReportKind, string> = {
  daily: 'Daily usage',
  weekly: 'Weekly usage',
  monthly: 'Monthly usage',
  session: 'Usage by session',
  project: 'Usage by project',
  model: 'Usage by model',
};

export function renderReport(report: Report, format: ReportFormat, options: RenderOptions): string {
  switch (format) {
    case 'table':
      return renderTable(report, options);
    case 'json':
      return formatJson(versioned({ report: report.kind, timeZone: report.timeZone, ...scopeOf(options.scope), rows: report.rows, totals: report.totals }));
    case 'csv':
      return renderCsv(report);
    case 'markdown':
      return renderMarkdown(report, options.scope);
    case 'html':
      return renderHtml(report, options.scope);
  }
}

/** What a report covered, and nothing else a caller's scope may hold. */
function scopeOf(scope: ReportScope): ReportScope {
  return { since: scope.since, until: scope.until, project: scope.project };
}

/** One line per row, then one per model under it when broken down; the totals row last. */
interface Line {
  key: string;
  project: string;
  lastActive: string;
  models: string;
  totals: UsageTotals;
  kind: 'row' | 'model' | 'total';
}

function linesOf(report: Report): Line[] {
  const lines: Line[] = [];
  // Only the session report shows a time of day; a formatter costs the zone database's load.
  const localTime = report.kind === 'session' ? new Intl.DateTimeFormat('sv-SE', { timeZone: report.timeZone, dateStyle: 'short', timeStyle: 'short' }) : null;
  for (const row of report.rows) {
    lines.push(lineOfRow(report.kind, row, localTime));
    for (const model of row.breakdown ?? []) lines.push(lineOfModel(model));
  }
  lines.push({ key: 'Total', project: '', lastActive: '', models: '', totals: report.totals, kind: 'total' });
  return lines;
}

function lineOfRow(kind: ReportKind, row: ReportRow, localTime: Intl.DateTimeFormat | null): Line {
  return {
    key: kind === 'model' ? shortModelName(row.key) : row.key,
    project: row.project ?? '',
    lastActive: localTime ? localTime.format(new Date(row.lastAt)) : '',
    models: [...new Set(row.models.map(shortModelName))].join(', '),
    totals: row,
    kind: 'row',
  };
}

function lineOfModel(model: ModelTotals): Line {
  // The full id here: two releases of one model would otherwise look like one.
  return { key: `  └ ${model.model.replace(/^claude-/, '')}`, project: '', lastActive: '', models: '', totals: model, kind: 'model' };
}

function renderTable(report: Report, options: RenderOptions): string {
  const { paint } = options;
  if (report.rows.length === 0) return `No usage${describeScope(options.scope)}.\n`;
  const lines = linesOf(report);
  const styled = (line: Line, text: string): Cell => ({ text, style: line.kind === 'total' ? paint.bold : line.kind === 'model' ? paint.dim : undefined });
  const numberColumn = (header: string, value: (totals: UsageTotals) => number, dropOrder?: number): Column => ({
    header,
    align: 'right',
    cells: lines.map((line) => styled(line, value(line.totals).toLocaleString('en-US'))),
    compact: lines.map((line) => styled(line, compactNumber(value(line.totals)))),
    ...(dropOrder === undefined ? {} : { dropOrder }),
  });
  const columns: Column[] = [
    { header: KEY_HEADER[report.kind], align: 'left', cells: lines.map((line) => styled(line, line.key)), elastic: report.kind === 'project' || report.kind === 'session' },
  ];
  if (report.kind === 'session') {
    columns.push({ header: 'Project', align: 'left', cells: lines.map((line) => line.project), dropOrder: 2, elastic: true });
    columns.push({ header: 'Last active', align: 'left', cells: lines.map((line) => line.lastActive), dropOrder: 3 });
  }
  if (report.kind !== 'model') columns.push({ header: 'Models', align: 'left', cells: lines.map((line) => line.models), dropOrder: 1 });
  columns.push(
    numberColumn('Input', (totals) => totals.inputTokens, 6),
    numberColumn('Output', (totals) => totals.outputTokens, 7),
    numberColumn('Cache write', (totals) => totals.cacheCreationTokens, 4),
    numberColumn('Cache read', (totals) => totals.cacheReadTokens, 5),
    numberColumn('Total tokens', (totals) => totals.totalTokens),
    {
      header: 'Cost (USD)',
      align: 'right',
      cells: lines.map((line) => styled(line, formatUsd(line.totals))),
    },
  );
  const { text, dropped } = renderTextTable(columns, { width: options.width, rules: [lines.length - 1], headerStyle: paint.bold });
  const notes = wrapToWidth(`${TITLE[report.kind]}${describeScope(options.scope)}, times in ${report.timeZone}.`, options.width);
  notes.push(...hiddenColumnsNote(dropped, '--format json', options.width));
  if (report.totals.unpricedModels.length > 0) {
    const unpriced = `! cost leaves out model(s) with no price: ${printable(report.totals.unpricedModels.join(', '))}; add one in config.json (see \`cw prices\`).`;
    notes.push(...wrapToWidth(unpriced, options.width).map((line) => paint.yellow(line)));
  }
  return `${text}\n${notes.join('\n')}\n`;
}

function formatUsd(totals: UsageTotals): string {
  return `$${totals.costUsd.toFixed(2)}${totals.unpricedModels.length > 0 ? '!' : ''}`;
}

function compactNumber(value: number): string {
  if (value < 10_000) return String(value);
  if (value < 1_000_000) return `${(value / 1000).toFixed(1)}k`;
  if (value < 1_000_000_000) return `${(value / 1_000_000).toFixed(2)}M`;
  return `${(value / 1_000_000_000).toFixed(2)}B`;
}

function describeScope(scope: ReportScope): string {
  const parts: string[] = [];
  if (scope.since) parts.push(`from ${scope.since}`);
  if (scope.until) parts.push(`until ${scope.until}`);
  if (scope.project) parts.push(`in projects matching "${printable(scope.project)}"`);
  return parts.length === 0 ? '' : ` ${parts.join(' ')}`;
}

const CSV_HEADER = [
  'key', 'model', 'project', 'first_at', 'last_at', 'models', 'input_tokens', 'output_tokens', 'cache_creation_tokens', 'cache_read_tokens',
  'total_tokens', 'cost_usd', 'messages', 'sessions', 'unpriced_models',
];

/** RFC 4180. A row's per-model lines repeat its key with the model filled in; no totals line, so sums stay sums. */
function renderCsv(report: Report): string {
  const numbers = (totals: UsageTotals): Array<string | number> => [
    totals.inputTokens, totals.outputTokens, totals.cacheCreationTokens, totals.cacheReadTokens, totals.totalTokens, roundUsd(totals.costUsd),
    totals.messages, totals.sessions, totals.unpricedModels.join(' '),
  ];
  const lines = [CSV_HEADER.join(',')];
  for (const row of report.rows) {
    lines.push([row.key, '', row.project ?? '', row.firstAt, row.lastAt, row.models.join(' '), ...numbers(row)].map(csvCell).join(','));
    for (const model of row.breakdown ?? []) lines.push([row.key, model.model, '', '', '', '', ...numbers(model)].map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

const DOCUMENT_HEADERS = ['Input', 'Output', 'Cache write', 'Cache read', 'Total tokens', 'Cost (USD)'];

function documentCells(line: Line): string[] {
  const t = line.totals;
  return [
    t.inputTokens.toLocaleString('en-US'), t.outputTokens.toLocaleString('en-US'), t.cacheCreationTokens.toLocaleString('en-US'),
    t.cacheReadTokens.toLocaleString('en-US'), t.totalTokens.toLocaleString('en-US'), formatUsd(t),
  ];
}

function documentHeaders(kind: ReportKind): string[] {
  return [KEY_HEADER[kind], ...(kind === 'session' ? ['Project'] : []), ...(kind === 'model' ? [] : ['Models']), ...DOCUMENT_HEADERS];
}

function documentRow(kind: ReportKind, line: Line): string[] {
  return [line.key.trim(), ...(kind === 'session' ? [line.project] : []), ...(kind === 'model' ? [] : [line.models]), ...documentCells(line)];
}

function renderMarkdown(report: Report, scope: ReportScope): string {
  const headers = documentHeaders(report.kind);
  const row = (cells: string[], bold = false): string => `| ${cells.map((cell) => (bold && cell ? `**${markdownCell(cell)}**` : markdownCell(cell))).join(' | ')} |`;
  const align = headers.map((_, index) => (index >= headers.length - DOCUMENT_HEADERS.length ? '---:' : '---'));
  const body = linesOf(report).map((line) => row(documentRow(report.kind, line), line.kind === 'total'));
  return [`## ${markdownCell(`${TITLE[report.kind]}${describeScope(scope)}`)}`, '', `Times in ${report.timeZone}.`, '', row(headers), `| ${align.join(' | ')} |`, ...body, ''].join('\n');
}

function renderHtml(report: Report, scope: ReportScope): string {
  const headers = documentHeaders(report.kind);
  const numeric = (index: number): boolean => index >= headers.length - DOCUMENT_HEADERS.length;
  const classOf = (index: number): string => (numeric(index) ? ' class="n"' : headers[index] === 'Models' ? ' class="models"' : '');
  const cell = (tag: 'td' | 'th', text: string, index: number): string => `<${tag}${classOf(index)}>${escapeMarkup(text)}</${tag}>`;
  const body = linesOf(report).map((line) => {
    const cells = documentRow(report.kind, line).map((text, index) => cell('td', text, index)).join('');
    return `<tr class="${line.kind}">${cells}</tr>`;
  });
  const title = `${TITLE[report.kind]}${describeScope(scope)}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeMarkup(title)} · ClaudeWatch</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #1d1d1f; }
table { border-collapse: collapse; }
th, td { padding: 0.3rem 0.8rem; border-bottom: 1px solid #ddd; text-align: left; white-space: nowrap; }
td.models { white-space: normal; min-width: 12rem; }
.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.model td { color: #666; }
tr.model td:first-child { padding-left: 2rem; }
tr.total td { font-weight: 600; border-top: 2px solid #999; }
figure { margin: 1rem 0 2rem; max-width: 100%; overflow-x: auto; }
</style>
</head>
<body>
<h1>${escapeMarkup(title)}</h1>
<p>Times in ${escapeMarkup(report.timeZone)}.</p>
${report.rows.length > 0 ? charts(report).map((chart) => `<figure>${chart}</figure>`).join('\n') : '<p>No usage.</p>'}
<table>
<thead><tr>${headers.map((text, index) => cell('th', text, index)).join('')}</tr></thead>
<tbody>
${body.join('\n')}
</tbody>
</table>
</body>
</html>
`;
}

/** Cost per row by model (when the rows are broken down) and tokens per row by kind. */
function charts(report: Report): string[] {
  const rows = report.kind === 'session' ? report.rows.slice(-60) : report.rows;
  const label = (row: ReportRow): string => (report.kind === 'model' ? shortModelName(row.key) : report.kind === 'session' ? row.key.slice(0, 8) : row.key);
  const cost = stackedBarChart({
    title: `Cost (USD) by ${KEY_HEADER[report.kind].toLowerCase()}${report.kind === 'session' && report.rows.length > rows.length ? ', last 60' : ''}`,
    bars: rows.map((row) => ({
      label: label(row),
      segments: row.breakdown ? row.breakdown.map((model) => ({ key: shortModelName(model.model), value: model.costUsd })) : [{ key: 'cost', value: row.costUsd }],
    })),
    format: (value) => `$${value < 10 ? value.toFixed(2) : Math.round(value).toLocaleString('en-US')}`,
  });
  const tokens = stackedBarChart({
    title: 'Tokens by kind',
    bars: rows.map((row) => ({
      label: label(row),
      segments: [
        { key: 'input', value: row.inputTokens },
        { key: 'output', value: row.outputTokens },
        { key: 'cache write', value: row.cacheCreationTokens },
        { key: 'cache read', value: row.cacheReadTokens },
      ],
    })),
    format: compactNumber,
  });
  return [cost, tokens];
}
