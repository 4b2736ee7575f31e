/** The 5-hour window as a gauge: Claude's figure first, ours beside it, projections only from enough use. */
import { describe, expect, it } from 'vitest';
import { gaugeBlock } from '../../src/core/block-gauge.js';
import { identifyBlocks, type UsageBlock } from '../../src/core/blocks.js';
import { at, usage } from '../support/live-fixtures.js';

const NOW = at('2026-11-30T14:30:00Z');
const MINUTE = 60_000;

function openBlock(records = [usage('2026-11-30T13:10:00Z', 10_000), usage('2026-11-30T14:10:00Z', 20_000)]): UsageBlock {
  const block = identifyBlocks(records, NOW).at(-1);
  if (!block || block.kind !== 'block') throw new Error('no block');
  return block;
}

const LEARNED = { tokens: 120_000, source: 'learned' as const, basis: 'medium confidence: median of 3 blocks that ended in a limit' };

describe('gaugeBlock', () => {
  it('fills with Claude’s share of its own window, marks the time gone, and keeps ours beside it', () => {
    const gauge = gaugeBlock({ block: openBlock(), claude: { utilization: 0.6, resetsAt: at('2026-11-30T17:00:00Z') }, firstInWindowAt: at('2026-11-30T13:10:00Z'), limit: LEARNED, finishedBlocks: 9, now: NOW });
    expect(gauge).toMatchObject({
      startAt: at('2026-11-30T12:00:00Z'),
      endAt: at('2026-11-30T17:00:00Z'),
      elapsedShare: 0.5,
      claude: { share: 0.6 },
      fill: { share: 0.6, source: 'claude' },
      ours: { share: 0.25, tokens: 30_000, limitTokens: 120_000, source: 'learned' },
    });
    // 60% in the 80 minutes since the window's first message: the other 40% in 53⅓ more.
    expect(gauge!.projection).toEqual({ state: 'reached-at', at: NOW + (80 * MINUTE * 0.4) / 0.6, basis: 'claude' });
  });

  it('says the window ends first when the pace would not reach the limit', () => {
    const gauge = gaugeBlock({ block: openBlock(), claude: { utilization: 0.1, resetsAt: at('2026-11-30T17:00:00Z') }, firstInWindowAt: at('2026-11-30T13:10:00Z'), limit: null, finishedBlocks: 0, now: NOW });
    expect(gauge!.projection).toEqual({ state: 'holds', basis: 'claude' });
    expect(gaugeBlock({ block: null, claude: { utilization: 1.02, resetsAt: at('2026-11-30T17:00:00Z') }, firstInWindowAt: null, limit: null, finishedBlocks: 0, now: NOW })!.projection).toEqual({ state: 'reached' });
  });

  it('without Claude’s figure, measures our tokens against the configured or learned limit, labelled', () => {
    const gauge = gaugeBlock({ block: openBlock(), claude: null, firstInWindowAt: null, limit: { tokens: 50_000, source: 'given', basis: 'planLimits.tokensPerBlock in config.json' }, finishedBlocks: 0, now: NOW });
    expect(gauge).toMatchObject({ startAt: at('2026-11-30T13:00:00Z'), fill: { share: 0.6, source: 'given' }, claude: null });
    // 30k tokens in 80 minutes: the other 20k in 53⅓ more, before the block ends at 18:00.
    expect(gauge!.projection).toMatchObject({ state: 'reached-at', basis: 'ours' });
    expect((gauge!.projection as { at: number }).at).toBeCloseTo(NOW + (80 * MINUTE * 20) / 30, -3);
  });

  it('projects nothing from too little use, and says what it has and needs', () => {
    const fresh = openBlock([usage('2026-11-30T14:25:00Z', 10_000)]);
    expect(gaugeBlock({ block: fresh, claude: null, firstInWindowAt: null, limit: LEARNED, finishedBlocks: 9, now: NOW })!.projection).toEqual({ state: 'too-little-data', haveMs: 5 * MINUTE, needMs: 15 * MINUTE });
    expect(gaugeBlock({ block: fresh, claude: { utilization: 0.2, resetsAt: at('2026-11-30T19:00:00Z') }, firstInWindowAt: at('2026-11-30T14:25:00Z'), limit: null, finishedBlocks: 0, now: NOW })!.projection).toEqual({
      state: 'too-little-data',
      haveMs: 5 * MINUTE,
      needMs: 15 * MINUTE,
    });
  });

  it('without any limit, says how many finished blocks learning one takes', () => {
    const gauge = gaugeBlock({ block: openBlock(), claude: null, firstInWindowAt: null, limit: null, finishedBlocks: 2, now: NOW });
    expect(gauge).toMatchObject({ fill: null, ours: null, projection: { state: 'no-limit', haveBlocks: 2, needBlocks: 5 } });
    expect(gaugeBlock({ block: null, claude: null, firstInWindowAt: null, limit: null, finishedBlocks: 2, now: NOW })).toBeNull();
  });
});
