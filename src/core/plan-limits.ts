import type { Timeline, TokenLimit, UsageBlock } from './blocks.js';

/**
 * How many tokens a 5-hour block allows, and how sure we are. Anthropic publishes no token figure
 * for its plans, so the number is the user's own (config), or learned from history, and always
 * says where it came from: blocks that ended in a limit show what the limit was; without any,
 * the 90th percentile of finished blocks shows only what fit, a floor for the limit. A guess is
 * never presented as a fact.
 */

export type LimitConfidence = 'given' | 'high' | 'medium' | 'low';

export interface BlockLimitEstimate {
  tokens: number;
  source: 'config' | 'limit-hits' | 'p90';
  /** How many blocks the figure rests on (0 for a configured one). */
  samples: number;
  confidence: LimitConfidence;
  /** One line for people: where the figure comes from. */
  basis: string;
}

/** Fewer finished blocks than this say nothing about a limit. */
export const MIN_P90_SAMPLES = 5;

/** Finished blocks so far: what learning a limit waits for when none was configured or met. */
export function finishedBlockCount(timeline: Timeline): number {
  return timeline.filter((entry) => entry.kind === 'block' && !entry.active).length;
}

export function estimateBlockLimit(timeline: Timeline, configured: { tokensPerBlock?: number } = {}): BlockLimitEstimate | null {
  if (configured.tokensPerBlock !== undefined) {
    return { tokens: configured.tokensPerBlock, source: 'config', samples: 0, confidence: 'given', basis: 'planLimits.tokensPerBlock in config.json' };
  }
  const finished = timeline.filter((entry): entry is UsageBlock => entry.kind === 'block' && !entry.active);
  // Blocks that met the 5-hour limit (or a limit of unknown window) tell the limit; a weekly one does not.
  const limited = finished.filter((block) => block.limitHit !== null && block.limitHit.kind !== 'seven_day' && block.limitHit.kind !== 'api_rate_limit');
  if (limited.length > 0) {
    const tokens = median(limited.map((block) => block.totals.totalTokens));
    const confidence: LimitConfidence = limited.length >= 5 ? 'high' : limited.length >= 2 ? 'medium' : 'low';
    return { tokens, source: 'limit-hits', samples: limited.length, confidence, basis: `median of ${limited.length} block(s) that ended in a limit` };
  }
  if (finished.length < MIN_P90_SAMPLES) return null;
  const tokens = percentile(finished.map((block) => block.totals.totalTokens), 0.9);
  return {
    tokens,
    source: 'p90',
    samples: finished.length,
    confidence: 'low',
    basis: `90th percentile of ${finished.length} finished blocks; none met a limit, so the real limit is higher`,
  };
}

/** "≈ 4.2M tokens (medium confidence: median of 3 blocks that ended in a limit)" */
export function describeEstimate(estimate: BlockLimitEstimate, formatTokens: (tokens: number) => string): string {
  const figure = estimate.source === 'config' ? formatTokens(estimate.tokens) : `≈ ${formatTokens(estimate.tokens)}`;
  return `${figure} tokens (${estimate.confidence === 'given' ? 'given' : `${estimate.confidence} confidence`}: ${estimate.basis})`;
}

/** The limit a block is projected against, carrying where it came from. */
export function limitOfEstimate(estimate: BlockLimitEstimate | null): TokenLimit | null {
  if (!estimate) return null;
  return estimate.source === 'config'
    ? { tokens: estimate.tokens, source: 'given', basis: estimate.basis }
    : { tokens: Math.round(estimate.tokens), source: 'learned', basis: `${estimate.confidence} confidence: ${estimate.basis}` };
}

export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

/** Linear interpolation between closest ranks; the list need not be sorted. */
export function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = fraction * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}
