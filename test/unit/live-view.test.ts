import { describe, expect, it } from 'vitest';
import { buildLiveView, SPARK_BUCKET_MS } from '../../src/core/live-view.js';
import { at, NOW, sessionView, snapshot, usage } from '../support/live-fixtures.js';

describe('buildLiveView', () => {
  it('is live with every running session, oldest first, timed from now', () => {
    const later = sessionView({ id: 'later', startedAt: '2026-11-30T14:20:00.000Z' });
    const view = buildLiveView(snapshot({ sessions: [later, sessionView()] }), NOW);
    expect(view.live).toBe(true);
    expect(view.sessions.map((row) => [row.session.id.slice(0, 8), row.runningMs, row.totalTokens])).toEqual([
      ['a1b2c3d4', 30 * 60_000, 43_300],
      ['later', 10 * 60_000, 43_300],
    ]);
    expect(view.dataAgeMs).toBe(2000);
  });

  it('is idle with the last session and how long ago it ended', () => {
    const last = sessionView({ status: 'COMPLETED', endedAt: '2026-11-30T14:25:00.000Z', durationMs: 25 * 60_000 });
    const view = buildLiveView(snapshot({ lastSession: last }), NOW);
    expect(view.live).toBe(false);
    expect(view.lastSession).toMatchObject({ totalTokens: 43_300, endedAgoMs: 5 * 60_000 });
  });

  it('keeps limits not yet reset, soonest first, with the time left; drops those past their reset', () => {
    const limits = [
      { kind: 'seven_day', resetsAt: at('2026-12-02T00:00:00Z'), sessionId: 'x', text: null },
      { kind: 'five_hour', resetsAt: at('2026-11-30T15:00:00Z'), sessionId: 'x', text: null },
      { kind: 'api_rate_limit', resetsAt: at('2026-11-30T14:29:00Z'), sessionId: 'x', text: null },
      { kind: 'subscription', resetsAt: null, sessionId: 'x', text: 'limit reached' },
    ];
    const view = buildLiveView(snapshot({ limits }), NOW);
    expect(view.limits.map((limit) => [limit.kind, limit.remainingMs])).toEqual([
      ['five_hour', 30 * 60_000],
      ['seven_day', at('2026-12-02T00:00:00Z') - NOW],
      ['subscription', null],
    ]);
  });

  it('gives a rate-limited session its own limit until the reset passes', () => {
    const limited = sessionView({
      status: 'RATE_LIMITED',
      rateLimit: { kind: 'five_hour', severity: 'limit', resetsAt: '2026-11-30T15:00:00.000Z', text: null, source: 'print-json' },
    });
    expect(buildLiveView(snapshot({ sessions: [limited] }), NOW).sessions[0]!.limit).toMatchObject({ kind: 'five_hour', resetsAt: at('2026-11-30T15:00:00Z') });
    expect(buildLiveView(snapshot({ sessions: [limited] }), at('2026-11-30T15:00:01Z')).sessions[0]!.limit).toBeNull();
  });

  it('finds the open block and projects it; none when the last block has closed', () => {
    const records = [usage('2026-11-30T13:10:00Z', 10_000, 1), usage('2026-11-30T14:10:00Z', 20_000, 2)];
    const view = buildLiveView(snapshot({ records }), NOW);
    expect(view.block).not.toBeNull();
    expect(new Date(view.block!.block.startAt).toISOString()).toBe('2026-11-30T13:00:00.000Z');
    expect(view.block!.elapsedShare).toBeCloseTo(1.5 / 5);
    expect(view.block!.projection.remainingMs).toBe(3.5 * 3_600_000);
    // 30k tokens over the 80 minutes since the first message: 22.5k an hour.
    expect(view.block!.projection.tokensPerHour).toBeCloseTo(22_500);
    expect(buildLiveView(snapshot({ records }), at('2026-11-30T18:00:00Z')).block).toBeNull();
  });

  it('sums tokens and cost per quarter hour over the last six hours, the last bucket holding now', () => {
    const records = [usage('2026-11-30T14:30:00Z', 5, 0.5), usage('2026-11-30T14:29:59Z', 7), usage('2026-11-30T14:15:00Z', 11), usage('2026-11-30T08:45:00Z', 100), usage('2026-11-30T08:44:59Z', 13)];
    const { spark } = buildLiveView(snapshot({ records }), NOW);
    expect(spark.bucketMs).toBe(SPARK_BUCKET_MS);
    expect(spark.tokens).toHaveLength(24);
    expect(new Date(spark.from).toISOString()).toBe('2026-11-30T08:45:00.000Z');
    expect(spark.tokens.at(-1)).toBe(5);
    expect(spark.costUsd.at(-1)).toBeCloseTo(0.5);
    expect(spark.tokens.at(-2)).toBe(18);
    expect(spark.tokens[0]).toBe(100);
    // Before the window: left out.
    expect(spark.tokens.reduce((sum, value) => sum + value, 0)).toBe(123);
  });
});
