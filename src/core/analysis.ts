import type { Timeline, UsageBlock } from './blocks.js';
import { type Calendar, formatDay } from './calendar.js';
import { estimateBlockLimit, median, percentile, type BlockLimitEstimate } from './plan-limits.js';
import type { TokenRates } from './price-table.js';
import { modelFamily, type UsageRecord } from './usage-report.js';

/**
 * What a month of history says about how Claude is used, each finding with the evidence behind it
 * and, where a setting of ours would help, the change to make. Pure: the history, the config and
 * the clock come in; nothing is read or written here.
 */

export interface Finding {
  id: 'limits' | 'plan-fit' | 'model-mix' | 'cache' | 'peak-hours' | 'daily-cost' | 'weekly-cost';
  title: string;
  evidence: string[];
  suggestion?: Suggestion;
}

export interface Suggestion {
  key: string;
  value: unknown;
  reason: string;
}

export interface AnalysisInput {
  records: readonly UsageRecord[];
  timeline: Timeline;
  calendar: Calendar;
  now: number;
  days: number;
  config: {
    plan?: string;
    tokensPerBlock?: number;
    blockPercent: number;
    dailyCostUsd?: number;
    weeklyCostUsd?: number;
  };
  /** Rates of the cheaper model that routine Opus work is compared with. */
  cheaperRates: { model: string; rates: TokenRates };
}

export interface Analysis {
  since: string;
  until: string;
  findings: Finding[];
  limit: BlockLimitEstimate | null;
  days: DayScore[];
  sessions: SessionScore[];
}

export interface DayScore {
  day: string;
  costUsd: number;
  totalTokens: number;
  efficiency: number | null;
}

export interface SessionScore {
  sessionId: string;
  costUsd: number;
  outputTokens: number;
  efficiency: number | null;
}

/** How much more each plan allows than the one below it, as Anthropic names them (Max 5x, Max 20x). */
const PLAN_STEPS: Record<string, { up?: string; down?: string; factorUp?: number }> = {
  pro: { up: 'max5', factorUp: 5 },
  max5: { up: 'max20', down: 'pro', factorUp: 4 },
  max20: { down: 'max5' },
};
/** A message this short from Opus is routine work a cheaper model does as well. */
const ROUTINE_OUTPUT_TOKENS = 400;
const LOW_CACHE_HIT_RATE = 0.5;

export function analyzeHistory(input: AnalysisInput): Analysis {
  const { calendar, now } = input;
  const today = calendar.dayOf(now);
  const from = calendar.startOfDay(today - input.days + 1);
  const records = input.records.filter((record) => record.at >= from && record.at <= now);
  const blocks = input.timeline.filter((entry): entry is UsageBlock => entry.kind === 'block' && entry.endAt > from);
  const limit = estimateBlockLimit(input.timeline, input.config.tokensPerBlock === undefined ? {} : { tokensPerBlock: input.config.tokensPerBlock });
  const findings: Finding[] = [];
  const push = (finding: Finding | null): void => {
    if (finding) findings.push(finding);
  };
  push(limitsFinding(blocks, calendar, input.config.blockPercent));
  push(planFitFinding(blocks, limit, input.config.plan));
  push(modelMixFinding(records, input.cheaperRates));
  push(cacheFinding(records));
  push(peakHoursFinding(records, calendar));
  const days = dayScores(records, calendar);
  push(costAlertFinding('daily-cost', 'alerts.dailyCostUsd', 'day', days.map((day) => day.costUsd), input.config.dailyCostUsd));
  push(costAlertFinding('weekly-cost', 'alerts.weeklyCostUsd', 'week', weeklyCosts(records, calendar), input.config.weeklyCostUsd));
  return { since: formatDay(today - input.days + 1), until: formatDay(today), findings, limit, days, sessions: sessionScores(records) };
}

function limitsFinding(blocks: UsageBlock[], calendar: Calendar, blockPercent: number): Finding | null {
  const limited = blocks.filter((block) => block.limitHit !== null);
  if (limited.length === 0) return null;
  const hours = new Map<number, number>();
  for (const block of limited) {
    const hour = localHour(block.limitHit!.at, calendar);
    hours.set(hour, (hours.get(hour) ?? 0) + 1);
  }
  const byHour = [...hours].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const finding: Finding = {
    id: 'limits',
    title: `Limits were hit in ${limited.length} of ${blocks.length} blocks`,
    evidence: [
      `most often at ${byHour.slice(0, 3).map(([hour, count]) => `${String(hour).padStart(2, '0')}:00 (${count}×)`).join(', ')} (${calendar.timeZone})`,
      `on ${[...new Set(limited.map((block) => formatDay(calendar.dayOf(block.limitHit!.at))))].join(', ')}`,
    ],
  };
  if (blockPercent > 70) {
    finding.suggestion = { key: 'alerts.blockPercent', value: 70, reason: `an alert at 70% of a block instead of ${blockPercent}% leaves time to wind down before the limit` };
  }
  return finding;
}

function planFitFinding(blocks: UsageBlock[], limit: BlockLimitEstimate | null, plan: string | undefined): Finding | null {
  if (!limit || blocks.length === 0) return null;
  const finished = blocks.filter((block) => !block.active);
  const shares = finished.map((block) => block.totals.totalTokens / limit.tokens);
  const limited = finished.filter((block) => block.limitHit !== null).length;
  const evidence = [
    `a block allows ${limit.source === 'config' ? '' : 'about '}${Math.round(limit.tokens).toLocaleString('en-US')} tokens (${limit.confidence === 'given' ? 'from config.json' : `${limit.confidence} confidence, ${limit.basis}`})`,
    // Against a limit learned from the blocks' own 90th percentile, shares would only restate it.
    limit.source === 'p90'
      ? `finished blocks used a median of ${Math.round(median(finished.map((block) => block.totals.totalTokens))).toLocaleString('en-US')} tokens`
      : `finished blocks used a median of ${Math.round(median(shares) * 100)}% of it, 9 in 10 at most ${Math.round(percentile(shares, 0.9) * 100)}%`,
  ];
  const steps = plan ? PLAN_STEPS[plan] : undefined;
  if (steps?.up && limited > 0) {
    evidence.push(`on ${steps.up} (${steps.factorUp}× the allowance) none of the ${limited} limited block(s) would have met its limit`);
  }
  if (steps?.down && limit.source !== 'p90') {
    const factor = PLAN_STEPS[steps.down]!.factorUp!;
    const wouldHit = shares.filter((share) => share > 1 / factor).length;
    evidence.push(`on ${steps.down} (1/${factor} of the allowance) ${wouldHit} of ${finished.length} blocks would have met a limit`);
  }
  if (!plan) evidence.push('set your plan (cw config set plan max5) to see what a plan up or down would change');
  return { id: 'plan-fit', title: 'Plan fit', evidence };
}

function modelMixFinding(records: readonly UsageRecord[], cheaper: AnalysisInput['cheaperRates']): Finding | null {
  const total = records.reduce((sum, record) => sum + record.costUsd, 0);
  if (total <= 0) return null;
  const families = new Map<string, number>();
  for (const record of records) families.set(modelFamily(record.model), (families.get(modelFamily(record.model)) ?? 0) + record.costUsd);
  const mix = [...families].sort((a, b) => b[1] - a[1]).map(([family, cost]) => `${family} ${Math.round((cost / total) * 100)}%`);
  // Routine: Opus buckets whose messages averaged a short answer.
  const routine = records.filter((record) => modelFamily(record.model) === 'opus' && record.messages > 0 && record.outputTokens / record.messages < ROUTINE_OUTPUT_TOKENS);
  const routineCost = routine.reduce((sum, record) => sum + record.costUsd, 0);
  const atCheaper = routine.reduce((sum, record) => sum + costAt(cheaper.rates, record), 0);
  const evidence = [`cost by model family: ${mix.join(', ')} of $${total.toFixed(2)}`];
  if (routine.length > 0 && routineCost > atCheaper) {
    const messages = routine.reduce((sum, record) => sum + record.messages, 0);
    evidence.push(
      `${messages} Opus message(s) averaged under ${ROUTINE_OUTPUT_TOKENS} output tokens: $${routineCost.toFixed(2)} at Opus rates, $${atCheaper.toFixed(2)} at ${cheaper.model} rates (saving $${(routineCost - atCheaper).toFixed(2)}; cache writes priced at the 5-minute rate)`,
    );
  }
  return { id: 'model-mix', title: 'Model mix', evidence };
}

function cacheFinding(records: readonly UsageRecord[]): Finding | null {
  const read = records.reduce((sum, record) => sum + record.cacheReadTokens, 0);
  const prompt = records.reduce((sum, record) => sum + record.inputTokens + record.cacheCreationTokens + record.cacheReadTokens, 0);
  if (prompt === 0) return null;
  const rate = read / prompt;
  const evidence = [`${Math.round(rate * 100)}% of prompt tokens were read from the cache (${read.toLocaleString('en-US')} of ${prompt.toLocaleString('en-US')})`];
  if (rate < LOW_CACHE_HIT_RATE) evidence.push('below half: long pauses (over 5 minutes) and edited context (CLAUDE.md, /compact) make Claude write the cache again');
  return { id: 'cache', title: 'Cache hit rate', evidence };
}

function peakHoursFinding(records: readonly UsageRecord[], calendar: Calendar): Finding | null {
  const hours = new Map<number, number>();
  let total = 0;
  for (const record of records) {
    const tokens = record.inputTokens + record.outputTokens + record.cacheCreationTokens + record.cacheReadTokens;
    const hour = localHour(record.at, calendar);
    hours.set(hour, (hours.get(hour) ?? 0) + tokens);
    total += tokens;
  }
  if (total === 0) return null;
  const top = [...hours].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 3);
  return {
    id: 'peak-hours',
    title: 'Peak hours',
    evidence: [`most tokens at ${top.map(([hour, tokens]) => `${String(hour).padStart(2, '0')}:00 (${Math.round((tokens / total) * 100)}%)`).join(', ')} (${calendar.timeZone})`],
  };
}

function costAlertFinding(id: 'daily-cost' | 'weekly-cost', key: string, unit: string, costs: number[], configured: number | undefined): Finding | null {
  const paid = costs.filter((cost) => cost > 0);
  if (paid.length < 3) return null;
  const high = percentile(paid, 0.9);
  const evidence = [`${paid.length} ${unit}s with usage: median $${median(paid).toFixed(2)}, 9 in 10 under $${high.toFixed(2)}, highest $${Math.max(...paid).toFixed(2)}`];
  const finding: Finding = { id, title: `Cost per ${unit}`, evidence };
  if (configured === undefined) {
    const value = Math.max(1, Math.ceil(high));
    finding.suggestion = { key, value, reason: `an alert on a ${unit} costlier than 9 in 10 of yours ($${value})` };
  }
  return finding;
}

/**
 * Efficiency, 0–100, for a day or a session: half its cache hit rate (prompt tokens read from
 * the cache rather than sent or written again), half how its cost per output token compares with
 * the median of all of them (at or below the median scores full marks). Null without output.
 */
function efficiency(cacheHitRate: number, costPerOutput: number, medianCostPerOutput: number): number {
  const costScore = costPerOutput <= 0 ? 1 : Math.min(1, medianCostPerOutput / costPerOutput);
  return Math.round(100 * (0.5 * cacheHitRate + 0.5 * costScore));
}

interface Totals {
  costUsd: number;
  input: number;
  output: number;
  cacheCreation: number;
  cacheRead: number;
}

function scoreGroups<K>(groups: Map<K, Totals>): Map<K, number | null> {
  const perOutput = [...groups.values()].filter((totals) => totals.output > 0).map((totals) => totals.costUsd / totals.output);
  const typical = median(perOutput);
  return new Map(
    [...groups].map(([key, totals]) => {
      if (totals.output === 0) return [key, null];
      const prompt = totals.input + totals.cacheCreation + totals.cacheRead;
      return [key, efficiency(prompt === 0 ? 0 : totals.cacheRead / prompt, totals.costUsd / totals.output, typical)];
    }),
  );
}

function addTo<K>(groups: Map<K, Totals>, key: K, record: UsageRecord): void {
  let totals = groups.get(key);
  if (!totals) groups.set(key, (totals = { costUsd: 0, input: 0, output: 0, cacheCreation: 0, cacheRead: 0 }));
  totals.costUsd += record.costUsd;
  totals.input += record.inputTokens;
  totals.output += record.outputTokens;
  totals.cacheCreation += record.cacheCreationTokens;
  totals.cacheRead += record.cacheReadTokens;
}

function dayScores(records: readonly UsageRecord[], calendar: Calendar): DayScore[] {
  const groups = new Map<number, Totals>();
  for (const record of records) addTo(groups, calendar.dayOf(record.at), record);
  const scores = scoreGroups(groups);
  return [...groups]
    .sort((a, b) => a[0] - b[0])
    .map(([day, totals]) => ({
      day: formatDay(day),
      costUsd: totals.costUsd,
      totalTokens: totals.input + totals.output + totals.cacheCreation + totals.cacheRead,
      efficiency: scores.get(day) ?? null,
    }));
}

function sessionScores(records: readonly UsageRecord[]): SessionScore[] {
  const groups = new Map<string, Totals>();
  for (const record of records) if (record.sessionId !== null) addTo(groups, record.sessionId, record);
  const scores = scoreGroups(groups);
  return [...groups].map(([sessionId, totals]) => ({ sessionId, costUsd: totals.costUsd, outputTokens: totals.output, efficiency: scores.get(sessionId) ?? null }));
}

function weeklyCosts(records: readonly UsageRecord[], calendar: Calendar): number[] {
  const weeks = new Map<number, number>();
  for (const record of records) {
    const week = Math.floor((calendar.dayOf(record.at) + 3) / 7);
    weeks.set(week, (weeks.get(week) ?? 0) + record.costUsd);
  }
  return [...weeks.values()];
}

function costAt(rates: TokenRates, record: UsageRecord): number {
  return (
    (record.inputTokens * rates.input + record.outputTokens * rates.output + record.cacheCreationTokens * rates.cacheWrite5m + record.cacheReadTokens * rates.cacheRead) / 1e6
  );
}

function localHour(at: number, calendar: Calendar): number {
  return Math.floor((((at + calendar.offsetAt(at)) % 86_400_000) + 86_400_000) % 86_400_000 / 3_600_000);
}
