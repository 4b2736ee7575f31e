import { formatJson, versioned } from '../core/json-output.js';
import { findClaudeProcesses } from '../runner/process-table.js';
import { openSettledHistory } from '../history/open.js';
import { readLiveStatus, type LimitInForce, type LiveStatus, type LiveStatusOptions } from '../store/live-status.js';
import { printable } from '../core/text-escape.js';
import { loadConfig } from '../shared/config.js';
import { resolvePaths } from '../shared/paths.js';
import { createPainter, formatBytes, formatDuration, formatLimit, formatSessionCost, formatTokens, outputWidth, totalTokens, unpricedFootnotes } from '../ui/format.js';
import { wrapToWidth } from '../ui/screen-text.js';
import { hiddenColumnsNote, renderRows, type Cell } from '../ui/table.js';
import { activityWord, resumeLines, waitingLines } from '../ui/waiting-text.js';
import { windowLines } from '../ui/window-text.js';
import { zoneTime, type ZoneTime } from '../core/zone-time.js';
import { resolveTimeZone } from './options/history-options.js';
import { type CommandOptions, parseCommandArgs, parsePositiveInt } from './options/parse.js';

export type { LimitInForce } from '../store/live-status.js';

/** A Claude Code process running without our shim: its usage is not recorded. */
export interface UnwrappedClaude {
  pid: number;
  cwd: string | null;
  startedAt: string;
}

export interface StatusData extends LiveStatus {
  unwrapped: UnwrappedClaude[];
}

export type StatusOptions = LiveStatusOptions;

export function collectStatus(env = process.env, now = Date.now(), options: StatusOptions = {}): StatusData {
  const { db, paths } = openSettledHistory(env, now);
  let status: LiveStatus;
  try {
    status = readLiveStatus(db, paths, now, options);
  } finally {
    db.close();
  }
  const { current, live, limits, windows, sharedProjects } = status;
  // Spelled out so `--json` keeps its key order.
  return { current, live, limits, windows, unwrapped: options.singleSession ? [] : unwrappedClaudes(), sharedProjects };
}

function unwrappedClaudes(): UnwrappedClaude[] {
  return findClaudeProcesses()
    .filter((found) => !found.wrapped)
    .map((found) => ({ pid: found.pid, cwd: found.cwd, startedAt: new Date(found.startedAt).toISOString() }));
}

/** The options `cw status` takes, for its parser and for shell completion. */
export const OPTIONS = {
    json: { type: 'boolean' },
    watch: { type: 'boolean', short: 'w' },
    interval: { type: 'string' },
    'single-session': { type: 'boolean' },
    timezone: { type: 'string' },
  } as const satisfies CommandOptions;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('status', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(
      'Usage: cw status [--json] [--watch [--interval SECONDS]] [--single-session] [--timezone ZONE]\n\n' +
        'Live sessions on this machine (wrapped or not), limits in force, Claude\'s limit windows, and the\n' +
        'current session.\n' +
        '  --watch            redraw every --interval seconds (default 2) until Ctrl+C\n' +
        '  --single-session   only the current session and its limits\n' +
        '  --timezone ZONE    times in this zone (default: config "timezone", else TZ, else the system\'s)\n',
    );
    return 0;
  }
  const options: StatusOptions = { singleSession: values['single-session'] === true };
  const env = process.env;
  const time = zoneTime(resolveTimeZone('status', values.timezone, loadConfig(resolvePaths(env).configFile).config.timezone, env));
  const show = (): void => {
    const now = Date.now();
    const data = collectStatus(env, now, options);
    process.stdout.write(values.json ? formatJson(versioned(data)) : renderStatus(data, now, time));
  };
  if (!values.watch) {
    show();
    return 0;
  }
  const seconds = parsePositiveInt('status', 'interval', values.interval, 2);
  return watch(show, seconds * 1000);
}

/** Redraws in place on a terminal; elsewhere each refresh follows the last, so a log keeps them all. */
async function watch(show: () => void, intervalMs: number): Promise<number> {
  const clear = process.stdout.isTTY ? '\x1b[H\x1b[2J' : '\n';
  return new Promise((resolve) => {
    const draw = (): void => {
      process.stdout.write(clear);
      show();
    };
    const timer = setInterval(draw, intervalMs);
    const stop = (): void => {
      clearInterval(timer);
      resolve(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (process.stdout.isTTY) process.stdout.write('\x1b[H\x1b[2J');
    show();
  });
}

function formatLimitInForce(limit: LimitInForce, now: number, time: ZoneTime): string {
  const until = limit.resetsAt === null ? 'reset time unknown' : `until ${time.when(Date.parse(limit.resetsAt), now)} (${formatDuration(Date.parse(limit.resetsAt) - now)} left)`;
  const account = limit.account === null ? '' : `, account ${limit.account}`;
  return printable(`${limit.kind}: ${until}; met by session ${limit.sessionId.slice(0, 8)}${account}`);
}

/**
 * Live sessions, one a row. To fit the terminal, MEM goes first, then CPU, KIND, NOW, LIMIT and
 * DURATION; KEY and PROJECT are cut in the middle after that.
 */
const LIVE_COLUMNS = [
  { header: 'KEY', elastic: true },
  { header: 'KIND', dropOrder: 3 },
  { header: 'PROJECT', elastic: true },
  'STATUS',
  { header: 'NOW', dropOrder: 4 },
  { header: 'DURATION', align: 'right', dropOrder: 6 },
  { header: 'COST', align: 'right' },
  { header: 'TOKENS', align: 'right' },
  { header: 'CPU', align: 'right', dropOrder: 2 },
  { header: 'MEM', align: 'right', dropOrder: 1 },
  { header: 'LIMIT', dropOrder: 5 },
] as const;

export function renderStatus(data: StatusData, now: number, time: ZoneTime, width = outputWidth()): string {
  const paint = createPainter();
  const out: string[] = [];
  const shared = new Set(data.sharedProjects.map((entry) => entry.project));
  // Who needs the user comes first: that is what a look at the status is most often for.
  const waiting = [...waitingLines(data.live, { now, time, paint }), ...resumeLines(data.live, { now, time, paint })];
  if (waiting.length > 0) out.push(...waiting, '');
  if (data.live.length === 0) {
    out.push('No live sessions.');
  } else {
    out.push(paint.bold(`${data.live.length} live session${data.live.length === 1 ? '' : 's'}`));
    const rows = data.live.map((session): Cell[] => {
      const project = session.projectPath ?? session.cwd;
      return [
        session.isolationKey ?? session.id.slice(0, 8),
        session.placeKind ?? session.mode,
        shared.has(project) ? { text: `${project} *`, style: (text) => text.replace(/\*$/, paint.yellow('*')) } : project,
        { text: session.status, style: session.status === 'RATE_LIMITED' ? paint.red : paint.green },
        activityWord(session) ?? '-',
        formatDuration(now - Date.parse(session.startedAt)),
        formatSessionCost(session),
        formatTokens(totalTokens(session)),
        session.cpuMs === null ? '-' : formatDuration(session.cpuMs),
        session.peakRssBytes === null ? '-' : formatBytes(session.peakRssBytes),
        formatLimit(session, now),
      ];
    });
    const { text, dropped } = renderRows(LIVE_COLUMNS, rows, { width, headerStyle: paint.bold });
    out.push(text.trimEnd(), ...hiddenColumnsNote(dropped, '--json', width));
    if (shared.size > 0) out.push(paint.yellow(`* ${shared.size === 1 ? 'a project' : 'projects'} more than one live session works in`));
  }
  if (data.unwrapped.length > 0) {
    out.push('', paint.bold('Claude running without ClaudeWatch (unwrapped, not recorded)'));
    const rows = data.unwrapped.map((found) => [String(found.pid), found.cwd ?? '?', formatDuration(now - Date.parse(found.startedAt))]);
    out.push(renderRows(['PID', { header: 'DIRECTORY', elastic: true }, 'RUNNING'], rows, { width, headerStyle: paint.bold }).text.trimEnd());
  }
  if (data.limits.length > 0) {
    out.push('', paint.bold('Limits in force'));
    for (const limit of data.limits) out.push(`  ${paint.red(formatLimitInForce(limit, now, time))}`);
  }
  if (data.windows.length > 0) {
    out.push('', paint.bold(`Claude's limit windows (times in ${time.timeZone})`));
    const accounts = [...new Set(data.windows.map((window) => window.account))];
    for (const account of accounts) {
      if (accounts.length > 1) out.push(`  account ${account === null ? 'of this session' : printable(account)}`);
      const rows = data.windows.filter((window) => window.account === account).map((window) => ({ ...window, resetsAt: window.resetsAt === null ? null : Date.parse(window.resetsAt) }));
      out.push(...windowLines(rows, { now, time, paint, indent: accounts.length > 1 ? '    ' : '  ' }));
    }
  }
  const current = data.current;
  if (current) {
    const session = current.data;
    out.push('');
    out.push(
      printable(
        `Current: ${session.id.slice(0, 8)} ${current.status} ${session.mode} ${formatSessionCost(session)} ` +
          `${formatTokens(totalTokens(session))} tokens, ${session.numTurns} turns, updated ${time.dateTime(Date.parse(current.updatedAt))}`,
      ),
    );
  }
  const footnotes = unpricedFootnotes(current ? [...data.live, current.data] : data.live);
  if (footnotes.length > 0) out.push('', ...footnotes.map((line) => paint.yellow(line)));
  // Tables fit already; sentences are broken at spaces to fit too.
  return `${out.flatMap((line) => wrapToWidth(line, width)).join('\n')}\n`;
}
