/** The rules every writer of the ledger shares: which reports are one message, which stands, what a run's cost share is, which limits are one. */
import { describe, expect, it } from 'vitest';
import { runCostShare } from '../../src/core/cost-share.js';
import { isSameLimitEvent, mergeLimitReports, type LimitReport } from '../../src/core/limit-event.js';
import { findSameMessage, isMoreComplete, messageKeyOf } from '../../src/core/message-identity.js';

const tokens = (output: number, input = 10) => ({ inputTokens: input, outputTokens: output, cacheCreationTokens: 0, cacheReadTokens: 0 });

describe('message identity', () => {
  const stored = [
    { messageId: 'msg_1', requestId: 'req_1' },
    { messageId: 'msg_2', requestId: null },
    { messageId: 'msg_mock', requestId: 'req_a' },
  ];

  it('keys a message by its id and request where both exist', () => {
    expect(messageKeyOf({ messageId: 'msg_1', requestId: 'req_1' })).toBe('msg_1:req_1');
    expect(messageKeyOf({ messageId: 'msg_1', requestId: null })).toBe('msg_1');
  });

  it('takes a report without a request id for the known message of its id (a resumed transcript’s copy)', () => {
    expect(findSameMessage({ messageId: 'msg_1', requestId: null }, stored)).toBe(0);
    expect(findSameMessage({ messageId: 'msg_9', requestId: null }, stored)).toBe(-1);
  });

  it('takes a report with a request id for a known message that lacked one, and for its exact twin', () => {
    expect(findSameMessage({ messageId: 'msg_2', requestId: 'req_2' }, stored)).toBe(1);
    expect(findSameMessage({ messageId: 'msg_1', requestId: 'req_1' }, stored)).toBe(0);
  });

  it('keeps one id with two different requests apart (a mock API reusing ids)', () => {
    expect(findSameMessage({ messageId: 'msg_mock', requestId: 'req_b' }, stored)).toBe(-1);
  });

  it('lets the fullest report stand: output first, then the prompt side; never one that says no more', () => {
    expect(isMoreComplete(tokens(40), tokens(1))).toBe(true);
    expect(isMoreComplete(tokens(1), tokens(40))).toBe(false);
    expect(isMoreComplete(tokens(5, 20), tokens(5, 10))).toBe(true);
    expect(isMoreComplete(tokens(5), tokens(5))).toBe(false);
  });
});

describe('runCostShare', () => {
  it('is what the transcripts’ cumulative figures grew by while the run lasted', () => {
    expect(runCostShare({ processUsd: 0.04, transcripts: { a: { baselineUsd: 0.01, latestUsd: 0.04 } } })).toBeCloseTo(0.03, 12);
    expect(runCostShare({ processUsd: null, transcripts: { a: { baselineUsd: 0, latestUsd: 0.02 }, b: { baselineUsd: 0.5, latestUsd: 0.6 } } })).toBeCloseTo(0.12, 12);
  });

  it('is the process figure less what the run’s transcripts held before it, when no cost line was written since', () => {
    expect(runCostShare({ processUsd: 0.04, transcripts: { a: { baselineUsd: 0.01, latestUsd: null } } })).toBeCloseTo(0.03, 12);
    expect(runCostShare({ processUsd: 0.04, transcripts: {} })).toBe(0.04);
  });

  it('is unknown when Claude reported nothing, and never below zero', () => {
    expect(runCostShare({ processUsd: null, transcripts: { a: { baselineUsd: 0.2, latestUsd: null } } })).toBeNull();
    expect(runCostShare({ processUsd: 0.1, transcripts: { a: { baselineUsd: 0.2, latestUsd: null } } })).toBe(0);
  });
});

describe('limit events', () => {
  const T0 = Date.UTC(2026, 11, 7, 1, 0, 0);
  const report = (fields: Partial<LimitReport>): LimitReport => ({
    kind: 'five_hour',
    severity: 'limit',
    resetsAt: T0 + 3_600_000,
    resetPrecision: 'second',
    text: null,
    source: 'stream-json',
    utilization: null,
    observedAt: T0,
    ...fields,
  });

  it('are one when a minute apart at most, of one severity and of the same window or an unnamed subscription one', () => {
    expect(isSameLimitEvent(report({}), report({ observedAt: T0 + 60_000 }))).toBe(true);
    expect(isSameLimitEvent(report({}), report({ observedAt: T0 + 60_001 }))).toBe(false);
    expect(isSameLimitEvent(report({}), report({ kind: 'subscription' }))).toBe(true);
    expect(isSameLimitEvent(report({}), report({ kind: 'seven_day' }))).toBe(false);
    expect(isSameLimitEvent(report({ kind: 'api_rate_limit' }), report({ kind: 'subscription' }))).toBe(false);
    expect(isSameLimitEvent(report({}), report({ severity: 'warning' }))).toBe(false);
  });

  it('keep the exact reset of an event or header over a minute read from text, in either order, and the words', () => {
    const exact = report({ resetsAt: T0 + 3_601_000 });
    const text = report({ source: 'screen', resetsAt: T0 + 3_600_000, resetPrecision: 'minute', text: "You've hit your 5-hour limit · resets 2am (UTC)", observedAt: T0 + 500 });
    for (const [first, second] of [
      [exact, text],
      [text, exact],
    ] as const) {
      expect(mergeLimitReports(first, second)).toMatchObject({ resetsAt: T0 + 3_601_000, resetPrecision: 'second', text: "You've hit your 5-hour limit · resets 2am (UTC)", kind: 'five_hour' });
    }
  });

  it('keep the named window over an unnamed report, whichever is newer', () => {
    const named = report({ source: 'transcript' });
    const unnamed = report({ kind: 'subscription', source: 'hook', resetsAt: null, observedAt: T0 + 100 });
    expect(mergeLimitReports(named, unnamed)).toMatchObject({ kind: 'five_hour', resetsAt: T0 + 3_600_000, observedAt: T0 + 100 });
  });
});
