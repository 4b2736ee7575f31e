import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Fact } from '../../src/core/facts.js';
import { factsFromPrintEvent } from '../../src/core/print-events.js';

const fixture = (name: string): unknown[] =>
  readFileSync(new URL(`../../../shared/fixtures/public/headless/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);

const NOW = Date.UTC(2026, 0, 14, 14, 0, 0);

function allFacts(events: unknown[]): Fact[] {
  return events.flatMap((event) => factsFromPrintEvent(event, NOW));
}

describe('factsFromPrintEvent on real Claude Code output', () => {
  // headless/vecsum-stream-json-v2.1.4-success.jsonl: Claude Code 2.1.4, three models.
  it('reads init, per-message usage and the result of a 2.1.4 stream', () => {
    const facts = allFacts(fixture('vecsum-stream-json-v2.1.4-success.jsonl'));
    expect(facts.find((fact) => fact.kind === 'session-identified')).toMatchObject({
      claudeSessionId: 'd49d1efb-0239-4aa2-a2b0-f6c86b2320a6',
      model: 'claude-sonnet-4-5-20250929',
      claudeVersion: '2.1.4',
    });
    const usage = facts.filter((fact) => fact.kind === 'usage');
    // Three lines of msg_018gru… (one per content block) share a key, so they replace each other.
    expect(new Set(usage.map((fact) => fact.messageKey))).toEqual(new Set(['msg_018gruYCuKR31QDG2vRkeBrT', 'msg_014M8wxCsJpqrbfgjeLGS1FP']));
    const result = facts.find((fact) => fact.kind === 'result');
    expect(result).toMatchObject({ subtype: 'success', isError: false, numTurns: 3, durationMs: 22631, durationApiMs: 26131 });
    expect(result && result.kind === 'result' ? result.modelTotals?.map((total) => total.model).sort() : []).toEqual([
      'claude-haiku-4-5-20251001',
      'claude-opus-4-5-20251101',
      'claude-sonnet-4-5-20250929',
    ]);
    expect(facts.filter((fact) => fact.kind === 'cost-reported')).toEqual([{ kind: 'cost-reported', source: 'stream-json', costUsd: 0.0745213 }]);
  });

  // headless/shipyard-stream-json-v2.1.283-executor.jsonl: a seven_day allowed_warning event.
  it('reads a rate_limit_event warning with its reset instant and utilisation', () => {
    const limits = allFacts(fixture('shipyard-stream-json-v2.1.283-executor.jsonl')).filter((fact) => fact.kind === 'rate-limit');
    expect(limits).toEqual([
      { kind: 'rate-limit', source: 'stream-json', severity: 'warning', limitKind: 'seven_day', resetsAt: 1790884800 * 1000, utilization: 0.57, at: NOW },
    ]);
  });

  // headless/vecsum-stream-json-v2.1.4-api-error-529.jsonl: a <synthetic> error message.
  it('ignores synthetic error messages and records the failed result', () => {
    const facts = allFacts(fixture('vecsum-stream-json-v2.1.4-api-error-529.jsonl'));
    expect(facts.filter((fact) => fact.kind === 'usage')).toEqual([]);
    expect(facts.find((fact) => fact.kind === 'result')).toMatchObject({ isError: true, subtype: 'success' });
  });

  it('reads a rejected limit and api_retry, and ignores the all-clear', () => {
    expect(
      factsFromPrintEvent({ type: 'rate_limit_event', rate_limit_info: { status: 'rejected', rateLimitType: 'five_hour', resetsAt: 1795328611 } }, NOW),
    ).toEqual([{ kind: 'rate-limit', source: 'stream-json', severity: 'limit', limitKind: 'five_hour', resetsAt: 1795328611000, at: NOW }]);
    expect(factsFromPrintEvent({ type: 'rate_limit_event', rate_limit_info: { status: 'allowed', rateLimitType: 'five_hour' } }, NOW)).toEqual([]);
    expect(factsFromPrintEvent({ type: 'system', subtype: 'api_retry', attempt: 2, max_retries: 10, retry_delay_ms: 1200, error_status: 529 }, NOW)).toEqual([
      { kind: 'api-retry', source: 'stream-json', attempt: 2, maxRetries: 10, retryDelayMs: 1200, errorStatus: 529, at: NOW },
    ]);
  });

  it('rejects what is not an object and ignores unknown event types', () => {
    expect(factsFromPrintEvent(42, NOW)).toEqual([{ kind: 'line-rejected', source: 'stream-json', reason: 'event is not a JSON object' }]);
    expect(factsFromPrintEvent({ type: 'stream_event', event: {} }, NOW)).toEqual([]);
  });
});
