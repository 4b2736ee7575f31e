import { formatDay, type Calendar } from './calendar.js';
import { buildReport, type ModelTotals, type UsageRecord, type UsageTotals } from './usage-report.js';

/** One local day of the dashboard's history: totals and the same per model, most expensive first. */
export interface DayUsage {
  day: string;
  costUsd: number;
  totalTokens: number;
  byModel: Array<Pick<ModelTotals, 'model' | 'costUsd' | 'totalTokens'>>;
}

export interface DailyUsage {
  timeZone: string;
  /** The first and last day shown, `YYYY-MM-DD`; every day between is listed, idle ones as zero. */
  from: string;
  to: string;
  days: DayUsage[];
  totals: UsageTotals;
  /** The whole span per model, most expensive first. */
  models: ModelTotals[];
}

/**
 * The last `dayCount` local days up to the one holding `now`, from the daily report with its model
 * breakdown. Days without usage are kept, so a chart's bars stand for equal spans of time.
 */
export function summarizeDailyUsage(records: readonly UsageRecord[], calendar: Calendar, now: number, dayCount: number): DailyUsage {
  const today = calendar.dayOf(now);
  const firstDay = today - dayCount + 1;
  const from = calendar.startOfDay(firstDay);
  const to = calendar.startOfDay(today + 1);
  const inSpan = records.filter((record) => record.at >= from && record.at < to);
  const daily = buildReport(inSpan, { kind: 'daily', calendar, breakdown: true });
  const byDay = new Map(daily.rows.map((row) => [row.key, row]));
  const days: DayUsage[] = [];
  for (let day = firstDay; day <= today; day += 1) {
    const key = formatDay(day);
    const row = byDay.get(key);
    days.push({
      day: key,
      costUsd: row?.costUsd ?? 0,
      totalTokens: row?.totalTokens ?? 0,
      byModel: (row?.breakdown ?? []).map(({ model, costUsd, totalTokens }) => ({ model, costUsd, totalTokens })),
    });
  }
  const models = buildReport(inSpan, { kind: 'model', calendar, breakdown: false }).rows.map(({ key, firstAt: _first, lastAt: _last, models: _models, ...totals }) => ({ model: key, ...totals }));
  return { timeZone: calendar.timeZone, from: formatDay(firstDay), to: formatDay(today), days, totals: daily.totals, models };
}
