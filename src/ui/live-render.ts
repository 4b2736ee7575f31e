import type { ChalkInstance } from 'chalk';
import { windowName } from '../core/limit-windows.js';
import { describeAlert } from '../core/alert-rules.js';
import type { LiveView } from '../core/live-view.js';
import type { SessionView } from '../core/session-view.js';
import { printable } from '../core/text-escape.js';
import { MIN_PROJECTION_SPAN_MS } from '../core/blocks.js';
import { zoneTime } from '../core/zone-time.js';
import { formatCost, formatDuration, formatSessionCost, formatTokens } from './format.js';
import { cutMiddle, cutToWidth, spread, visibleWidth } from './screen-text.js';
import { renderTable } from './table.js';
import { gaugeBar, sparkline } from './sparkline.js';
import { resumeLines, waitingLines } from './waiting-text.js';
import { gaugeOurs, gaugeProjection, gaugeUsed, windowPercent, windowStatusWord } from './window-text.js';

export interface LiveRenderOptions {
  width: number;
  height: number;
  paint: ChalkInstance;
  timeZone: string;
}

/** Below this a session is two lines instead of a table row, so nothing it has is hidden. */
const TABLE_MIN_WIDTH = 60;
const BAR_MAX_WIDTH = 52;
/** A project path longer than this is cut in its middle, so a wide table keeps its id and model columns. */
const PROJECT_MAX_WIDTH = 32;

interface Section {
  lines: string[];
  /** Lines it cannot do without; it may be cut to these, with a "+N more" line. */
  minLines: number;
}

/**
 * One frame: exactly the lines to show, none wider than `width`, at most `height` of them. When
 * the screen is short, sections go in reverse order of use: sparkline, block, then limits.
 */
export function renderLiveView(view: LiveView, options: LiveRenderOptions): string[] {
  const { paint } = options;
  const width = Math.max(1, options.width);
  const height = Math.max(1, options.height);
  const clock = clockFormat(options.timeZone);
  const head = [
    spread(`${paint.bold('ClaudeWatch')}  ${clock(view.now, true)}`, paint.dim('q quit'), width),
    indicator(view, width, paint),
  ];
  if (view.problem) head.push(paint.red(`! ${view.problem}`));
  // Most wanted first: what runs now, what stops it, how much is left, what came before.
  const sessions = view.sessions.map((row) => row.session);
  const lineOptions = { now: view.now, time: zoneTime(options.timeZone), paint };
  const waiting = [...waitingLines(sessions, lineOptions), ...resumeLines(sessions, lineOptions)];
  const wanted: Section[] = [
    { lines: waiting, minLines: Math.min(1, waiting.length) },
    view.live ? sessionsSection(view, width, paint) : idleSection(view, paint),
    alertsSection(view, clock, paint),
    limitsSection(view, width, clock, paint),
    windowsSection(view, width, clock, paint),
    blockSection(view, width, clock, paint),
    sparkSection(view, paint),
  ];
  let room = height - head.length;
  const shown = wanted.map((section): string[] => {
    if (section.lines.length === 0 || room < 2) return [];
    const take = Math.min(section.lines.length, room - 1);
    if (take < section.minLines) return [];
    room -= take + 1;
    if (take === section.lines.length) return ['', ...section.lines];
    const hidden = section.lines.length - take + 1;
    return ['', ...section.lines.slice(0, take - 1), paint.dim(`  +${hidden} more lines (make the window taller)`)];
  });
  return [...head, ...shown.flat()].slice(0, height).map((line) => cutToWidth(line, width));
}

function indicator(view: LiveView, width: number, paint: ChalkInstance): string {
  if (!view.live) return paint.dim('○ No active session');
  const label = '● LIVE SESSION ACTIVE';
  const count = view.sessions.length;
  const limited = view.sessions.filter((row) => row.session.status === 'RATE_LIMITED').length;
  const waiting = view.sessions.filter((row) => row.session.waiting).length;
  const long = `${count} session${count === 1 ? '' : 's'}${limited > 0 ? `, ${limited} rate-limited` : ''}${waiting > 0 ? `, ${waiting} waiting for you` : ''}`;
  const short = `${count} live${limited > 0 ? `, ${limited} limited` : ''}${waiting > 0 ? `, ${waiting} waiting` : ''}`;
  return `${paint.green.bold(label)}  ${label.length + 2 + long.length <= width ? long : short}`;
}

function sessionsSection(view: LiveView, width: number, paint: ChalkInstance): Section {
  const rows = view.sessions;
  const statusStyle = (session: SessionView): ((text: string) => string) =>
    session.status === 'RATE_LIMITED' ? paint.red : session.waiting ? paint.magenta.bold : paint.green;
  // A session Claude holds on the user reads as such, unless a limit holds it anyway.
  const statusText = (session: SessionView): string => (session.status !== 'RATE_LIMITED' && session.waiting ? 'WAITING' : session.status);
  if (width < TABLE_MIN_WIDTH) {
    const lines = rows.flatMap((row) => [
      `${statusStyle(row.session)(statusText(row.session))}  ${cutMiddle(projectOf(row.session), width - statusText(row.session).length - 2)}`,
      `  ${[formatSessionCost(row.session), `${formatTokens(row.totalTokens)} tok`, turns(row.session.numTurns), formatDuration(row.runningMs)].join(' · ')}`,
    ]);
    return { lines, minLines: 2 };
  }
  const { text } = renderTable(
    [
      { header: 'SESSION', align: 'left', cells: rows.map((row) => row.session.id.slice(0, 8)), dropOrder: 2 },
      { header: 'PROJECT', align: 'left', cells: rows.map((row) => projectOf(row.session)), elastic: true, maxWidth: PROJECT_MAX_WIDTH },
      { header: 'STATUS', align: 'left', cells: rows.map((row) => ({ text: statusText(row.session), style: statusStyle(row.session) })) },
      { header: 'COST', align: 'right', cells: rows.map((row) => formatSessionCost(row.session)) },
      { header: 'TOKENS', align: 'right', cells: rows.map((row) => formatTokens(row.totalTokens)) },
      { header: 'TURNS', align: 'right', cells: rows.map((row) => String(row.session.numTurns)) },
      { header: 'TIME', align: 'right', cells: rows.map((row) => formatDuration(row.runningMs)) },
      { header: 'MODEL', align: 'left', cells: rows.map((row) => shortModel(row.session.model)), dropOrder: 1 },
    ],
    { width, headerStyle: paint.bold },
  );
  return { lines: text.trimEnd().split('\n'), minLines: 2 };
}

function idleSection(view: LiveView, paint: ChalkInstance): Section {
  const last = view.lastSession;
  if (!last) return { lines: [paint.dim('No session recorded yet. Run `claude` through the shim to see it here.')], minLines: 1 };
  const { session } = last;
  const ended = last.endedAgoMs === null ? '' : ` · ended ${formatDuration(last.endedAgoMs)} ago`;
  return {
    lines: [
      `Last session  ${printable(session.id.slice(0, 8))}  ${session.status}  ${projectOf(session)}`,
      `  ${[formatSessionCost(session), `${formatTokens(last.totalTokens)} tok`, turns(session.numTurns), formatDuration(session.durationMs)].join(' · ')}${ended}`,
    ],
    minLines: 1,
  };
}

function alertsSection(view: LiveView, clock: Clock, paint: ChalkInstance): Section {
  if (view.alerts.length === 0) return { lines: [], minLines: 0 };
  const lines = view.alerts.map((alert) => {
    const mark = alert.severity === 'critical' ? paint.red('!') : paint.yellow('!');
    const words = alert.data === null ? alert.message : describeAlert(alert.data, (at) => clock(at, false));
    return `  ${mark} ${clock(alert.createdAt, false)}  ${printable(words)}`;
  });
  return { lines: [paint.bold.yellow(`Open alert${lines.length === 1 ? '' : 's'} (cw alerts ack ID)`), ...lines], minLines: 2 };
}

function limitsSection(view: LiveView, width: number, clock: Clock, paint: ChalkInstance): Section {
  if (view.limits.length === 0) return { lines: [], minLines: 0 };
  const lines = view.limits.map((limit) => {
    const until = limit.resetsAt === null || limit.remainingMs === null ? 'reset time unknown' : `resets ${clock(limit.resetsAt, false)} in ${countdown(limit.remainingMs)}`;
    const line = `  ${paint.red(printable(windowName(limit.kind)))}  ${until}`;
    const who = `  (session ${printable(limit.sessionId.slice(0, 8))})`;
    return visibleWidth(line) + who.length <= width ? line + paint.dim(who) : line;
  });
  return { lines: [paint.bold.red(`Rate limit${lines.length === 1 ? '' : 's'} in force`), ...lines], minLines: 2 };
}

/** Claude's own readings of each window: its share used, the server's word, the countdown to its reset. */
function windowsSection(view: LiveView, width: number, clock: Clock, paint: ChalkInstance): Section {
  if (view.windows.length === 0) return { lines: [], minLines: 0 };
  const names = view.windows.map((window) => windowName(window.kind));
  const nameWidth = Math.max(...names.map((name) => name.length));
  const wordWidth = Math.max(...view.windows.map((window) => windowStatusWord(window.status).length));
  const lines = view.windows.map((window, index) => {
    const percent = windowPercent(window.utilization, paint);
    const pad = ' '.repeat(Math.max(0, 4 - visibleWidth(percent)));
    const word = windowStatusWord(window.status).padEnd(wordWidth);
    const status = window.status === 'rejected' ? paint.red(word) : window.status === 'allowed_warning' ? paint.yellow(word) : paint.dim(word);
    const reset = window.resetsAt === null || window.remainingMs === null ? '' : `  resets ${clock(window.resetsAt, false)} in ${countdown(window.remainingMs)}`;
    const line = `  ${names[index]!.padEnd(nameWidth)}  ${pad}${percent}  ${status}${reset}`;
    return visibleWidth(line) <= width ? line : `  ${names[index]}  ${percent}${reset}`;
  });
  return { lines: [paint.bold("Claude's limit windows"), ...lines], minLines: 2 };
}

function blockSection(view: LiveView, width: number, clock: Clock, paint: ChalkInstance): Section {
  const open = view.block;
  const gauge = view.gauge;
  if (!gauge) return { lines: [`${paint.bold('5-hour block')}  ${paint.dim('none open')}`], minLines: 1 };
  // Claude's own window where it said when it resets; else our block.
  const title = gauge.claude !== null ? '5-hour window' : '5-hour block';
  const lines = [`${paint.bold(title)}  ${clock(gauge.startAt, false)}–${clock(gauge.endAt, false)}  ${formatDuration(Math.max(0, gauge.endAt - view.now))} left`];
  const elapsed = `┃ ${Math.round(gauge.elapsedShare * 100)}% of the time gone`;
  // With nothing to fill, the bar shows the time alone.
  const label = gauge.fill === null ? elapsed : gaugeUsed(gauge);
  const bar = gaugeBar(gauge.fill?.share ?? null, gauge.elapsedShare, Math.min(BAR_MAX_WIDTH, Math.max(10, width - visibleWidth(label) - 1)));
  lines.push(`${gauge.fill !== null && gauge.fill.share >= 1 ? paint.red(bar) : paint.cyan(bar)} ${gauge.fill === null ? paint.dim(label) : label}`);
  const ours = gaugeOurs(gauge);
  if (gauge.fill !== null) lines.push(paint.dim(elapsed) + (ours === null ? '' : ` · ${ours}`));
  lines.push(gaugeProjection(gauge.projection, (at) => clock(at, false), paint));
  if (open) {
    const { block, projection: p } = open;
    lines.push(`used      ${formatTokens(block.totals.totalTokens)} tok · ${formatCost(block.totals.costUsd)}`);
    if (p.tokensPerHour === null || p.costPerHour === null || p.projectedTokens === null || p.projectedCostUsd === null) {
      lines.push(paint.dim(`burn      after ${formatDuration(MIN_PROJECTION_SPAN_MS)} of use (${formatDuration(p.measuredMs)} so far)`));
    } else {
      lines.push(`burn      ${formatTokens(Math.round(p.tokensPerHour))} tok/h · ${formatCost(p.costPerHour)}/h`);
      lines.push(`by ${clock(block.endAt, false)}  ${formatTokens(Math.round(p.projectedTokens))} tok · ${formatCost(p.projectedCostUsd)} projected`);
    }
  }
  return { lines, minLines: 2 };
}

function sparkSection(view: LiveView, paint: ChalkInstance): Section {
  const { tokens, bucketMs } = view.spark;
  const peak = Math.max(0, ...tokens);
  return {
    lines: [`${paint.bold(`Tokens per ${spanText(bucketMs)}, last ${spanText(tokens.length * bucketMs)}`)}  ${paint.dim(`peak ${formatTokens(peak)}`)}`, paint.cyan(sparkline(tokens))],
    minLines: 2,
  };
}

type Clock = (at: number, withSeconds: boolean) => string;

function clockFormat(timeZone: string): Clock {
  const short = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const long = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  return (at, withSeconds) => (withSeconds ? long : short).format(new Date(at));
}

/** h:mm:ss, so a countdown visibly moves every second. */
export function countdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${Math.floor(total / 3600)}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}`;
}

/** A whole span in its natural unit: "15 min", "6 h". */
function spanText(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
}

function projectOf(session: SessionView): string {
  return printable(session.projectPath ?? session.cwd);
}

function turns(count: number): string {
  return `${count} turn${count === 1 ? '' : 's'}`;
}

function shortModel(model: string | null): string {
  return model === null ? '-' : printable(model.replace(/^claude-/, ''));
}
