import type { ChalkInstance } from 'chalk';
import type { BlockGauge } from '../core/block-gauge.js';
import { MIN_PROJECTION_SPAN_MS, type BlockProjection, type Timeline, type UsageBlock, type WeekSummary } from '../core/blocks.js';
import type { WindowReading } from '../core/limit-windows.js';
import { shortModelName } from '../core/usage-report.js';
import { formatDuration } from './format.js';
import { renderTable, type Cell } from './table.js';
import { gaugeOurs, gaugeProjection, gaugeUsed, windowLines } from './window-text.js';
import { zoneTime } from '../core/zone-time.js';

export interface BlocksView {
  timeZone: string;
  timeline: Timeline;
  active: { block: UsageBlock; projection: BlockProjection } | null;
  weeks: WeekSummary[];
  /** Claude's own readings of its windows, current ones only: facts, shown first. */
  windows: WindowReading[];
  /** The 5-hour window against its limit, Claude's figure first (core/block-gauge.ts). */
  gauge: BlockGauge | null;
  /** What the list covers, for the heading: "last 7 days". */
  scope: string;
}

export function renderBlocks(view: BlocksView, options: { width: number; paint: ChalkInstance; now: number }): string {
  const { paint } = options;
  const clock = new Intl.DateTimeFormat('sv-SE', { timeZone: view.timeZone, dateStyle: 'short', timeStyle: 'short' });
  const time = (at: number): string => clock.format(new Date(at));
  const out: string[] = [];
  const blocks = view.timeline;
  if (blocks.length === 0) {
    out.push(`No usage ${view.scope}.`);
  } else {
    const rows = blocks.map((entry): Cell[] =>
      entry.kind === 'gap'
        ? [{ text: `gap of ${formatDuration(entry.endAt - entry.startAt)}`, style: paint.dim }, '', '', '', '', '']
        : [
            time(entry.startAt),
            time(entry.endAt).slice(11),
            entry.limitHit ? { text: `limit ${time(entry.limitHit.at).slice(11)}`, style: paint.red } : entry.active ? { text: 'active', style: paint.green } : 'done',
            [...new Set(entry.models.map(shortModelName))].join(', '),
            entry.totals.totalTokens.toLocaleString('en-US'),
            `$${entry.totals.costUsd.toFixed(2)}${entry.totals.unpricedModels.length > 0 ? '!' : ''}`,
          ],
    );
    const column = (index: number) => rows.map((row) => row[index]!);
    const { text } = renderTable(
      [
        { header: 'Block start', align: 'left', cells: column(0) },
        { header: 'End', align: 'left', cells: column(1) },
        { header: 'Status', align: 'left', cells: column(2) },
        { header: 'Models', align: 'left', cells: column(3), dropOrder: 1, elastic: true },
        { header: 'Tokens', align: 'right', cells: column(4) },
        { header: 'Cost (USD)', align: 'right', cells: column(5) },
      ],
      { width: options.width, headerStyle: paint.bold },
    );
    out.push(`5-hour blocks ${view.scope}, times in ${view.timeZone}:`, '', text.trimEnd());
  }
  if (view.windows.length > 0) {
    out.push('', paint.bold("Claude's limit windows:"), ...windowLines(view.windows, { now: options.now, time: zoneTime(view.timeZone), paint }));
  }
  if (view.gauge) out.push('', ...describeGauge(view.gauge, time, paint));
  if (view.active) out.push(...describeActive(view.active.block, view.active.projection, time, paint));
  if (view.weeks.length > 0) out.push('', ...describeWeeks(view.weeks));
  return `${out.join('\n')}\n`;
}

/** The 5-hour window against its limit: Claude's share first, ours beside it, and when the limit comes. */
function describeGauge(gauge: BlockGauge, time: (at: number) => string, paint: ChalkInstance): string[] {
  const ours = gaugeOurs(gauge);
  return [
    paint.bold(`${gauge.claude !== null ? "Claude's 5-hour window" : '5-hour block'} ${time(gauge.startAt).slice(11)}–${time(gauge.endAt).slice(11)}: ${gaugeUsed(gauge)}, ${Math.round(gauge.elapsedShare * 100)}% of the time gone`),
    ...(ours === null ? [] : [`  ${ours}`]),
    `  ${gaugeProjection(gauge.projection, (at) => time(at).slice(11), paint)}`,
  ];
}

function describeActive(block: UsageBlock, p: BlockProjection, time: (at: number) => string, paint: ChalkInstance): string[] {
  const lines = [
    paint.bold(`Active block since ${time(block.startAt)}: ${formatDuration(p.elapsedMs)} in, ${formatDuration(p.remainingMs)} left`),
    `  used       ${tokens(block.totals.totalTokens)} tokens, $${block.totals.costUsd.toFixed(2)}`,
  ];
  if (p.tokensPerHour === null || p.costPerHour === null) {
    lines.push(`  burn rate  not yet: it needs ${formatDuration(MIN_PROJECTION_SPAN_MS)} of activity (${formatDuration(p.measuredMs)} so far)`);
  } else {
    lines.push(`  burn rate  ${tokens(p.tokensPerHour)} tokens/h, $${p.costPerHour.toFixed(2)}/h`);
    lines.push(`  projected  ${tokens(p.projectedTokens!)} tokens, $${p.projectedCostUsd!.toFixed(2)} by ${time(block.endAt).slice(11)}`);
  }
  if (p.limit) {
    const source = p.limit.source === 'given' ? (p.limit.basis ?? 'given') : p.limit.source === 'learned' ? p.limit.basis! : 'the highest finished block so far, not a known limit';
    const share = (value: number | null): string => (value === null ? '?' : `${Math.round(value * 100)}%`);
    // When it is reached is the gauge's to say, above.
    lines.push(`  limit      ${tokens(p.limit.tokens)} tokens (${source}): ${share(p.usedShare)} used, ${share(p.projectedShare)} projected`);
  }
  return lines;
}

function describeWeeks(weeks: WeekSummary[]): string[] {
  const lines = ['Weeks (Monday to Sunday):'];
  for (const week of weeks) {
    const mix = (['opus', 'sonnet', 'haiku', 'other'] as const)
      .filter((family) => week.families[family].tokens > 0)
      .map((family) => `${family} ${Math.round((week.families[family].tokens / Math.max(1, week.totalTokens)) * 100)}%`)
      .join(', ');
    const start = new Date(week.weekStart * 86_400_000).toISOString().slice(0, 10);
    const projection = week.projectedCostUsd === null ? '' : `, about $${week.projectedCostUsd.toFixed(2)} by Sunday at this pace`;
    lines.push(`  ${start}  ${tokens(week.totalTokens).padStart(8)} tokens  $${week.costUsd.toFixed(2).padStart(8)}  (${mix} of tokens)${projection}`);
  }
  return lines;
}

function tokens(value: number): string {
  if (value < 10_000) return String(Math.round(value));
  if (value < 1_000_000) return `${(value / 1000).toFixed(1)}k`;
  return `${(value / 1_000_000).toFixed(2)}M`;
}
