import { describe, expect, it } from 'vitest';
import { BLOCK_MS, highestBlockTokens, identifyBlocks, projectBlock, summarizeWeeks, type UsageBlock } from '../../src/core/blocks.js';
import { Calendar } from '../../src/core/calendar.js';
import type { UsageRecord } from '../../src/core/usage-report.js';

const at = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;

function record(iso: string, tokens = 1000, model = 'claude-sonnet-4-5', costUsd = 0.01): UsageRecord {
  return {
    at: at(iso),
    sessionId: 's1',
    project: '/work/app',
    model,
    inputTokens: tokens,
    outputTokens: 0,
    cacheCreationTokens: 0,
    cacheReadTokens: 0,
    costUsd,
    priced: true,
    messages: 1,
  };
}

const blocksOf = (timeline: ReturnType<typeof identifyBlocks>) => timeline.filter((entry): entry is UsageBlock => entry.kind === 'block');

describe('identifyBlocks', () => {
  it('opens a block at the hour of its first message and closes it five hours later', () => {
    const timeline = identifyBlocks([record('2026-11-30T09:47:00Z'), record('2026-11-30T13:59:59Z'), record('2026-11-30T14:00:00Z')], at('2026-12-01T00:00:00Z'));
    expect(timeline.map((entry) => [entry.kind, new Date(entry.startAt).toISOString(), new Date(entry.endAt).toISOString()])).toEqual([
      ['block', '2026-11-30T09:00:00.000Z', '2026-11-30T14:00:00.000Z'],
      // 14:00:00 is the first instant past the block: a new block, right after, no gap.
      ['block', '2026-11-30T14:00:00.000Z', '2026-11-30T19:00:00.000Z'],
    ]);
    expect(blocksOf(timeline).map((block) => block.totals.messages)).toEqual([2, 1]);
  });

  it('shows the time between blocks as a gap, across midnight', () => {
    const timeline = identifyBlocks([record('2026-11-30T20:10:00Z'), record('2026-12-01T06:30:00Z')], at('2026-12-02T00:00:00Z'));
    expect(timeline.map((entry) => [entry.kind, new Date(entry.startAt).toISOString(), new Date(entry.endAt).toISOString()])).toEqual([
      ['block', '2026-11-30T20:00:00.000Z', '2026-12-01T01:00:00.000Z'],
      ['gap', '2026-12-01T01:00:00.000Z', '2026-12-01T06:00:00.000Z'],
      ['block', '2026-12-01T06:00:00.000Z', '2026-12-01T11:00:00.000Z'],
    ]);
  });

  it('floors to the UTC hour whatever the zone, so a half-hour zone sees blocks at :30', () => {
    const [block] = blocksOf(identifyBlocks([record('2026-11-30T04:10:00Z')], at('2026-12-01T00:00:00Z')));
    // 09:40 in Kolkata; the block opens at 09:30 local, which is 04:00 UTC.
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Kolkata', timeStyle: 'short' }).format(new Date(block!.startAt))).toBe('09:30');
  });

  it('sorts its input and marks only a block whose five hours are not over as active', () => {
    const now = at('2026-11-30T12:30:00Z');
    const timeline = identifyBlocks([record('2026-11-30T11:15:00Z'), record('2026-11-30T02:00:00Z')], now);
    expect(blocksOf(timeline).map((block) => block.active)).toEqual([false, true]);
    // An hour after the block's end it is no longer active, whatever came before.
    expect(blocksOf(identifyBlocks([record('2026-11-30T11:15:00Z')], at('2026-11-30T16:00:00Z')))[0]!.active).toBe(false);
  });

  it('marks the first limit met inside each block, and none met in a gap', () => {
    const limits = [
      { at: at('2026-11-30T12:00:00Z'), kind: 'seven_day' }, // in the gap
      { at: at('2026-11-30T10:30:00Z'), kind: 'five_hour' },
      { at: at('2026-11-30T10:45:00Z'), kind: 'five_hour' },
    ];
    const timeline = identifyBlocks([record('2026-11-30T06:10:00Z'), record('2026-11-30T10:29:00Z'), record('2026-11-30T18:00:00Z')], at('2026-12-01T00:00:00Z'), limits);
    expect(blocksOf(timeline).map((block) => block.limitHit && [new Date(block.limitHit.at).toISOString(), block.limitHit.kind])).toEqual([
      ['2026-11-30T10:30:00.000Z', 'five_hour'],
      null,
    ]);
  });

  it('adds up tokens, cost and models per block, and flags unpriced models', () => {
    const unpriced = { ...record('2026-11-30T10:20:00Z', 5, 'claude-mystery'), priced: false, costUsd: 0 };
    const [block] = blocksOf(identifyBlocks([record('2026-11-30T10:00:00Z', 100, 'claude-opus-4-5', 0.5), unpriced, record('2026-11-30T10:40:00Z', 10)], 0));
    expect(block!.totals).toMatchObject({ totalTokens: 115, costUsd: 0.51, messages: 3, unpricedModels: ['claude-mystery'] });
    expect(block!.models).toEqual(['claude-mystery', 'claude-opus-4-5', 'claude-sonnet-4-5']);
  });
});

describe('projectBlock', () => {
  const now = at('2026-11-30T11:00:00Z');
  // First message at 10:00: two messages of 100k tokens and $1 each in the hour since.
  const [block] = blocksOf(identifyBlocks([record('2026-11-30T10:00:00Z', 100_000, undefined, 1), record('2026-11-30T10:50:00Z', 100_000, undefined, 1)], now));

  it('measures the burn rate from the first message until now and projects it to the block end', () => {
    const projection = projectBlock(block!, now, null);
    expect(projection).toMatchObject({ elapsedMs: HOUR, remainingMs: 4 * HOUR, tokensPerHour: 200_000, projectedTokens: 1_000_000 });
    expect(projection.costPerHour).toBeCloseTo(2);
    expect(projection.projectedCostUsd).toBeCloseTo(10);
    expect(projection.limitReachedAt).toBeNull();
  });

  it('says when a limit is reached at that rate, and only within the block', () => {
    const projection = projectBlock(block!, now, { tokens: 500_000, source: 'given' });
    expect(new Date(projection.limitReachedAt!).toISOString()).toBe('2026-11-30T12:30:00.000Z');
    expect(projection.usedShare).toBeCloseTo(0.4);
    expect(projection.projectedShare).toBeCloseTo(2);
    expect(projectBlock(block!, now, { tokens: 5_000_000, source: 'given' }).limitReachedAt).toBeNull();
    expect(projectBlock(block!, now, { tokens: 150_000, source: 'given' }).limitReachedAt).toBe(now);
  });

  it('gives no rate before a minute of activity', () => {
    const [fresh] = blocksOf(identifyBlocks([record('2026-11-30T10:59:30Z')], now));
    expect(projectBlock(fresh!, now, null)).toMatchObject({ tokensPerHour: null, projectedTokens: null });
  });

  it('takes "max" from finished blocks only', () => {
    const timeline = identifyBlocks([record('2026-11-29T01:00:00Z', 300), record('2026-11-29T12:00:00Z', 700), record('2026-11-30T10:30:00Z', 9000)], now);
    expect(highestBlockTokens(timeline)).toBe(700);
    expect(BLOCK_MS).toBe(5 * HOUR);
  });
});

describe('summarizeWeeks', () => {
  it('groups by local Monday-to-Sunday week with the model mix and a projection for the current week', () => {
    const berlin = new Calendar('Europe/Berlin');
    const records = [
      record('2026-11-22T22:30:00Z', 100, 'claude-opus-4-5', 1), // Sunday 23:30 in Berlin, 22 Nov: the week before
      record('2026-11-22T23:30:00Z', 300, 'claude-opus-4-5', 3), // Monday 00:30 in Berlin
      record('2026-11-24T12:00:00Z', 100, 'claude-haiku-4-5', 0.5),
    ];
    const now = at('2026-11-25T23:00:00Z'); // Thursday 00:00 in Berlin: three days of seven gone
    const weeks = summarizeWeeks(records, berlin, now);
    expect(weeks.map((week) => new Date(week.startAt).toISOString())).toEqual(['2026-11-15T23:00:00.000Z', '2026-11-22T23:00:00.000Z']);
    expect(weeks[0]).toMatchObject({ totalTokens: 100, costUsd: 1, projectedCostUsd: null });
    expect(weeks[1]!.families).toMatchObject({ opus: { tokens: 300, costUsd: 3 }, haiku: { tokens: 100, costUsd: 0.5 }, sonnet: { tokens: 0 } });
    expect(weeks[1]!.projectedCostUsd).toBeCloseTo((3.5 / 3) * 7);
  });
});
