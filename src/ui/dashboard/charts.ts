import type { DailyUsage } from '../../core/daily-usage.js';
import type { RecentBlocks } from '../../core/recent-blocks.js';
import { shortModelName } from '../../core/usage-report.js';
import { stackedBarChart } from '../svg-chart.js';

/** The dashboard's history charts, drawn on the server so the page needs no chart code of its own. */

export function dailyCostChart(usage: DailyUsage): string {
  return stackedBarChart({
    title: `Cost per day by model (${usage.timeZone})`,
    bars: usage.days.map((day) => ({ label: day.day.slice(5), segments: day.byModel.map((model) => ({ key: shortModelName(model.model), value: model.costUsd })) })),
    format: formatUsd,
  });
}

export function dailyTokensChart(usage: DailyUsage): string {
  return stackedBarChart({
    title: `Tokens per day by model (${usage.timeZone})`,
    bars: usage.days.map((day) => ({ label: day.day.slice(5), segments: day.byModel.map((model) => ({ key: shortModelName(model.model), value: model.totalTokens })) })),
    format: formatCount,
  });
}

export function blocksChart(blocks: RecentBlocks, timeZone: string): string {
  const format = new Intl.DateTimeFormat('en-GB', { timeZone, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const label = (at: number): string => {
    const parts = Object.fromEntries(format.formatToParts(at).map((part) => [part.type, part.value]));
    return `${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
  };
  return stackedBarChart({
    title: `Tokens per 5-hour block by kind (${timeZone})`,
    bars: blocks.timeline.flatMap((entry) =>
      entry.kind === 'block'
        ? [
            {
              label: label(entry.startAt),
              segments: [
                { key: 'input', value: entry.totals.inputTokens },
                { key: 'output', value: entry.totals.outputTokens },
                { key: 'cache write', value: entry.totals.cacheCreationTokens },
                { key: 'cache read', value: entry.totals.cacheReadTokens },
              ],
            },
          ]
        : [],
    ),
    format: formatCount,
  });
}

function formatUsd(value: number): string {
  if (value === 0) return '$0';
  // Axis steps of a cheap month are fractions of a cent: enough digits to tell them apart.
  return `$${value.toFixed(value < 0.1 ? 3 : value < 1 ? 2 : value < 10 ? 1 : 0)}`;
}

function formatCount(value: number): string {
  if (value < 1000) return String(Math.round(value));
  if (value < 1_000_000) return `${+(value / 1000).toFixed(1)}k`;
  return `${+(value / 1_000_000).toFixed(1)}M`;
}
