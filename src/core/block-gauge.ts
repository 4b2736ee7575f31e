import { BLOCK_MS, MIN_PROJECTION_SPAN_MS, projectBlock, type TokenLimit, type UsageBlock } from './blocks.js';
import { MIN_P90_SAMPLES } from './plan-limits.js';

/**
 * The open 5-hour window as a gauge: how much of its limit is used, how much of its time has
 * gone, and when the limit is reached at the current rate. Claude's own reading of the window
 * comes first where it gave one; our figure (the tokens counted against a configured or learned
 * limit) stands beside it, labelled, or alone. Nothing is projected from too little activity, and
 * what is missing is said. Pure.
 */
export interface BlockGauge {
  /** The window the gauge spans: Claude's (its reset less five hours) when it said, else our block. */
  startAt: number;
  endAt: number;
  elapsedShare: number;
  /** Claude's share of the window used, 0..1 and past it once spent. */
  claude: { share: number } | null;
  /** Our share of the limit: the block's tokens over a configured or learned limit. */
  ours: { share: number; tokens: number; limitTokens: number; source: TokenLimit['source']; basis: string | null } | null;
  /** What fills the bar: Claude's figure where known, else ours; null with neither. */
  fill: { share: number; source: 'claude' | TokenLimit['source'] } | null;
  projection: GaugeProjection;
}

export type GaugeProjection =
  | { state: 'reached' }
  /** At the current rate the limit is reached at `at`, before the window ends. */
  | { state: 'reached-at'; at: number; basis: 'claude' | 'ours' }
  /** At the current rate the window ends first. */
  | { state: 'holds'; basis: 'claude' | 'ours' }
  /** Too little activity to call it a rate: `haveMs` of the `needMs` needed. */
  | { state: 'too-little-data'; haveMs: number; needMs: number }
  /** No limit to project against: learning one waits for `needBlocks` finished blocks (`haveBlocks` so far). */
  | { state: 'no-limit'; haveBlocks: number; needBlocks: number };

export interface GaugeInput {
  /** The open block, if one is. */
  block: UsageBlock | null;
  /** Claude's latest reading of its 5-hour window, while it has not reset. */
  claude: { utilization: number; resetsAt: number | null } | null;
  /** The first message in Claude's window (it may have opened before our block). */
  firstInWindowAt: number | null;
  /** The configured or learned limit (plan-limits.ts limitOfEstimate), or one the user gave. */
  limit: TokenLimit | null;
  finishedBlocks: number;
  now: number;
}

export function gaugeBlock(input: GaugeInput): BlockGauge | null {
  const { block, claude, now } = input;
  if (block === null && claude === null) return null;
  const windowEnd = claude?.resetsAt ?? null;
  const [startAt, endAt] = windowEnd !== null ? [windowEnd - BLOCK_MS, windowEnd] : block !== null ? [block.startAt, block.endAt] : [now, now + BLOCK_MS];
  const elapsedShare = Math.min(1, Math.max(0, (now - startAt) / (endAt - startAt)));
  const limit = input.limit;
  const projection = block === null ? null : projectBlock(block, now, limit);
  const ours =
    block !== null && limit !== null
      ? { share: block.totals.totalTokens / limit.tokens, tokens: block.totals.totalTokens, limitTokens: limit.tokens, source: limit.source, basis: limit.basis ?? null }
      : null;
  const fill = claude !== null ? { share: claude.utilization, source: 'claude' as const } : ours !== null ? { share: ours.share, source: ours.source } : null;
  return {
    startAt,
    endAt,
    elapsedShare,
    claude: claude === null ? null : { share: claude.utilization },
    ours,
    fill,
    projection: claude !== null ? projectClaude(claude.utilization, input.firstInWindowAt ?? startAt, endAt, now) : projectOurs(projection, ours, input.finishedBlocks),
  };
}

/** Claude's share grows with use: at the pace since the window's first message, when does it reach the whole? */
function projectClaude(share: number, firstAt: number, endAt: number, now: number): GaugeProjection {
  if (share >= 1) return { state: 'reached' };
  const span = Math.max(0, now - firstAt);
  if (span < MIN_PROJECTION_SPAN_MS || share <= 0) return { state: 'too-little-data', haveMs: span, needMs: MIN_PROJECTION_SPAN_MS };
  const at = now + (span * (1 - share)) / share;
  return at < endAt ? { state: 'reached-at', at, basis: 'claude' } : { state: 'holds', basis: 'claude' };
}

function projectOurs(projection: ReturnType<typeof projectBlock> | null, ours: BlockGauge['ours'], finishedBlocks: number): GaugeProjection {
  if (ours === null || projection === null) return { state: 'no-limit', haveBlocks: finishedBlocks, needBlocks: MIN_P90_SAMPLES };
  if (ours.share >= 1) return { state: 'reached' };
  if (projection.tokensPerHour === null) return { state: 'too-little-data', haveMs: projection.measuredMs, needMs: MIN_PROJECTION_SPAN_MS };
  return projection.limitReachedAt !== null ? { state: 'reached-at', at: projection.limitReachedAt, basis: 'ours' } : { state: 'holds', basis: 'ours' };
}
