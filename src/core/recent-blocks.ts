import { identifyBlocks, projectBlock, type BlockProjection, type Timeline, type UsageBlock } from './blocks.js';
import { estimateBlockLimit, limitOfEstimate, type BlockLimitEstimate } from './plan-limits.js';
import type { UsageRecord } from './usage-report.js';

export interface RecentBlocks {
  /** Blocks and the gaps between them that overlap the span, oldest first; no gap at either end. */
  timeline: Timeline;
  /** The open block and where it is heading, against the limit below when there is one. */
  active: { block: UsageBlock; projection: BlockProjection } | null;
  /** The configured limit, else one learned from the whole history; null when nothing can be said. */
  limit: BlockLimitEstimate | null;
}

/**
 * The 5-hour blocks since `from`. `records` and `limits` should reach back through the whole
 * history: blocks chain from the first message, and the limit is learned from every finished block.
 */
export function summarizeRecentBlocks(
  records: readonly UsageRecord[],
  limits: ReadonlyArray<{ at: number; kind: string }>,
  now: number,
  options: { from: number; tokensPerBlock?: number },
): RecentBlocks {
  const timeline = identifyBlocks(records, now, limits);
  const estimate = estimateBlockLimit(timeline, options.tokensPerBlock === undefined ? {} : { tokensPerBlock: options.tokensPerBlock });
  const last = timeline.at(-1);
  const open = last && last.kind === 'block' && last.active ? last : null;
  const listed = timeline.filter((entry) => entry.endAt > options.from);
  while (listed[0]?.kind === 'gap') listed.shift();
  return {
    timeline: listed,
    active: open ? { block: open, projection: projectBlock(open, now, limitOfEstimate(estimate)) } : null,
    limit: estimate,
  };
}
