import { type Calendar, weekStartOf } from './calendar.js';
import { modelFamily, SYNTHETIC_MODEL, UsageSums, type UsageRecord, type UsageTotals } from './usage-report.js';

/**
 * Claude's usage windows, as they can be seen from the outside: a block opens with the first
 * message after the previous block closed, at the start of that message's hour (UTC), and lasts
 * five hours. A message more than five hours after the last one also opens a new block. Time
 * between blocks is a gap. Everything here is pure: the clock comes in as `now`.
 */

export const BLOCK_MS = 5 * 3_600_000;
const HOUR_MS = 3_600_000;
/** Below this much activity a rate is noise, not a rate: nothing is projected from less. */
export const MIN_PROJECTION_SPAN_MS = 15 * 60_000;

export type BlockTotals = Omit<UsageTotals, 'sessions'>;

export interface UsageBlock {
  kind: 'block';
  startAt: number;
  endAt: number;
  /** The first and last message in it. */
  firstAt: number;
  lastAt: number;
  /** Still open at `now`: its five hours have not run out. */
  active: boolean;
  /** The first usage limit Claude reported inside the block, if one was. */
  limitHit: { at: number; kind: string } | null;
  models: string[];
  totals: BlockTotals;
}

export interface UsageGap {
  kind: 'gap';
  startAt: number;
  endAt: number;
}

export type Timeline = Array<UsageBlock | UsageGap>;

/** Records in any order; blocks and the gaps between them, oldest first, each with the first limit met in it. */
export function identifyBlocks(records: readonly UsageRecord[], now: number, limits: ReadonlyArray<{ at: number; kind: string }> = []): Timeline {
  const sorted = [...records].sort((a, b) => a.at - b.at);
  const timeline: Timeline = [];
  let open: BlockBuilder | null = null;
  for (const record of sorted) {
    if (open && (record.at >= open.endAt || record.at - open.lastAt > BLOCK_MS)) {
      timeline.push(open.build(now));
      open = null;
    }
    if (!open) {
      const startAt = Math.floor(record.at / HOUR_MS) * HOUR_MS;
      const previous = timeline.at(-1);
      if (previous && previous.kind === 'block' && startAt > previous.endAt) timeline.push({ kind: 'gap', startAt: previous.endAt, endAt: startAt });
      open = new BlockBuilder(startAt);
    }
    open.add(record);
  }
  if (open) timeline.push(open.build(now));
  markLimits(timeline, limits);
  return timeline;
}

function markLimits(timeline: Timeline, limits: ReadonlyArray<{ at: number; kind: string }>): void {
  const sorted = [...limits].sort((a, b) => a.at - b.at);
  let next = 0;
  for (const entry of timeline) {
    if (entry.kind !== 'block') continue;
    while (next < sorted.length && sorted[next]!.at < entry.startAt) next += 1;
    const first = sorted[next];
    if (first && first.at < entry.endAt) entry.limitHit = { at: first.at, kind: first.kind };
  }
}

class BlockBuilder {
  readonly endAt: number;
  firstAt = Infinity;
  lastAt = -Infinity;
  private readonly sums = new UsageSums();
  private readonly models = new Set<string>();

  constructor(readonly startAt: number) {
    this.endAt = startAt + BLOCK_MS;
  }

  add(record: UsageRecord): void {
    this.firstAt = Math.min(this.firstAt, record.at);
    this.lastAt = Math.max(this.lastAt, record.lastAt ?? record.at);
    this.sums.add(record);
    if (record.model !== SYNTHETIC_MODEL) this.models.add(record.model);
  }

  build(now: number): UsageBlock {
    // A block's totals are a report row's, less the count of sessions (blocks cut across them).
    const { sessions: _sessions, ...totals } = this.sums.totals();
    return {
      kind: 'block',
      startAt: this.startAt,
      endAt: this.endAt,
      firstAt: this.firstAt,
      lastAt: this.lastAt,
      active: now >= this.startAt && now < this.endAt,
      limitHit: null,
      models: [...this.models].sort(),
      totals,
    };
  }
}

export interface BlockProjection {
  elapsedMs: number;
  remainingMs: number;
  /** Activity a rate could be measured over: from the block's first message until now. */
  measuredMs: number;
  /** Per hour, from the block's first message until now; null until MIN_PROJECTION_SPAN_MS of it. */
  tokensPerHour: number | null;
  costPerHour: number | null;
  projectedTokens: number | null;
  projectedCostUsd: number | null;
  limit: TokenLimit | null;
  /** Share of the limit used now, and projected at the block's end (1 = the whole limit). */
  usedShare: number | null;
  projectedShare: number | null;
  /** When the limit is reached at the current rate: null when it is not reached in this block. */
  limitReachedAt: number | null;
}

export interface TokenLimit {
  tokens: number;
  /**
   * Where the number came from, said wherever it is shown: a user's figure, history's highest
   * block, or one learned from history (see plan-limits.ts, whose basis and confidence go along).
   */
  source: 'given' | 'highest-block' | 'learned';
  basis?: string;
}

/** Where the active block is heading at its current rate. */
export function projectBlock(block: UsageBlock, now: number, limit: TokenLimit | null): BlockProjection {
  const elapsedMs = Math.max(0, now - block.startAt);
  const remainingMs = Math.max(0, block.endAt - now);
  const span = now - block.firstAt;
  const tokensPerHour = span >= MIN_PROJECTION_SPAN_MS ? (block.totals.totalTokens / span) * HOUR_MS : null;
  const costPerHour = span >= MIN_PROJECTION_SPAN_MS ? (block.totals.costUsd / span) * HOUR_MS : null;
  const projectedTokens = tokensPerHour === null ? null : block.totals.totalTokens + (tokensPerHour * remainingMs) / HOUR_MS;
  const projectedCostUsd = costPerHour === null ? null : block.totals.costUsd + (costPerHour * remainingMs) / HOUR_MS;
  let limitReachedAt: number | null = null;
  if (limit && tokensPerHour !== null && tokensPerHour > 0) {
    const at = block.totals.totalTokens >= limit.tokens ? now : now + ((limit.tokens - block.totals.totalTokens) / tokensPerHour) * HOUR_MS;
    limitReachedAt = at <= block.endAt ? at : null;
  } else if (limit && block.totals.totalTokens >= limit.tokens) {
    limitReachedAt = now;
  }
  return {
    elapsedMs,
    remainingMs,
    measuredMs: Math.max(0, span),
    tokensPerHour,
    costPerHour,
    projectedTokens,
    projectedCostUsd,
    limit,
    usedShare: limit ? block.totals.totalTokens / limit.tokens : null,
    projectedShare: limit && projectedTokens !== null ? projectedTokens / limit.tokens : null,
    limitReachedAt,
  };
}

/** The largest token total of a finished block: the `--token-limit max` figure. */
export function highestBlockTokens(timeline: Timeline): number | null {
  let highest: number | null = null;
  for (const entry of timeline) {
    if (entry.kind === 'block' && !entry.active) highest = Math.max(highest ?? 0, entry.totals.totalTokens);
  }
  return highest;
}

export type ModelFamily = ReturnType<typeof modelFamily>;

export interface WeekSummary {
  /** The Monday the week begins, as a local day number. */
  weekStart: number;
  startAt: number;
  endAt: number;
  totalTokens: number;
  costUsd: number;
  /** Tokens and cost per model family. */
  families: Record<ModelFamily, { tokens: number; costUsd: number }>;
  /** For the week holding `now`: its cost if the rest of it goes at the pace so far. */
  projectedCostUsd: number | null;
}

/** Local weeks (Monday to Sunday) with their model mix, oldest first; weeks without usage left out. */
export function summarizeWeeks(records: readonly UsageRecord[], calendar: Calendar, now: number): WeekSummary[] {
  const weeks = new Map<number, WeekSummary>();
  for (const record of records) {
    const weekStart = weekStartOf(calendar.dayOf(record.at));
    let week = weeks.get(weekStart);
    if (!week) {
      const startAt = calendar.startOfDay(weekStart);
      const endAt = calendar.startOfDay(weekStart + 7);
      week = { weekStart, startAt, endAt, totalTokens: 0, costUsd: 0, families: emptyFamilies(), projectedCostUsd: null };
      weeks.set(weekStart, week);
    }
    const tokens = record.inputTokens + record.outputTokens + record.cacheCreationTokens + record.cacheReadTokens;
    week.totalTokens += tokens;
    week.costUsd += record.costUsd;
    const family = week.families[modelFamily(record.model)];
    family.tokens += tokens;
    family.costUsd += record.costUsd;
  }
  for (const week of weeks.values()) {
    if (now >= week.startAt && now < week.endAt) {
      const elapsed = now - week.startAt;
      // Less than a few hours in, a pace says nothing about a week.
      week.projectedCostUsd = elapsed >= 6 * HOUR_MS ? (week.costUsd / elapsed) * (week.endAt - week.startAt) : null;
    }
  }
  return [...weeks.values()].sort((a, b) => a.weekStart - b.weekStart);
}

function emptyFamilies(): WeekSummary['families'] {
  return { opus: { tokens: 0, costUsd: 0 }, sonnet: { tokens: 0, costUsd: 0 }, haiku: { tokens: 0, costUsd: 0 }, other: { tokens: 0, costUsd: 0 } };
}
