import { describe, expect, it } from 'vitest';
import type { Fact } from '../../src/core/facts.js';
import { factsFromPrintEvent } from '../../src/core/print-events.js';
import { captureRecord } from '../fixtures/cli-captures.js';
import { readJsonLines } from '../support/fixtures.js';

const fixture = (name: string): unknown[] => readJsonLines('headless', name);

const NOW = Date.UTC(2026, 0, 14, 14, 0, 0);

function allFacts(events: unknown[]): Fact[] {
  return events.flatMap((event) => factsFromPrintEvent(event, NOW));
}

describe('factsFromPrintEvent on Claude Code output', () => {
  // headless/v2.1.4-stream-json-three-models.jsonl: the layout of Claude Code 2.1.4, three models.
  it('reads init, per-message usage and the result of a 2.1.4 stream', () => {
    const facts = allFacts(fixture('v2.1.4-stream-json-three-models.jsonl'));
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

  // headless/v2.1.283-stream-json-weekly-warning.jsonl: a seven_day allowed_warning event.
  it('reads a rate_limit_event warning with its reset instant and utilisation', () => {
    const limits = allFacts(fixture('v2.1.283-stream-json-weekly-warning.jsonl')).filter((fact) => fact.kind === 'rate-limit');
    expect(limits).toEqual([
      { kind: 'rate-limit', source: 'stream-json', severity: 'warning', limitKind: 'seven_day', resetsAt: 1790884800 * 1000, utilization: 0.57, at: NOW },
    ]);
  });

  // headless/v2.1.4-stream-json-overloaded-529.jsonl: a <synthetic> error message.
  it('ignores synthetic error messages and records the failed result', () => {
    const facts = allFacts(fixture('v2.1.4-stream-json-overloaded-529.jsonl'));
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

describe('factsFromPrintEvent on what the real CLI printed against the mock', () => {
  const ofKind = <K extends Fact['kind']>(facts: Fact[], kind: K): Extract<Fact, { kind: K }>[] =>
    facts.filter((fact): fact is Extract<Fact, { kind: K }> => fact.kind === kind);

  it.each([
    ['2.1.330', 'claude-opus-5-5'],
    ['1.0.60', 'claude-sonnet-4-20250514'],
  ])('%s stream-json: the session, each model call once, the totals the mock sent and Claude’s cost', (version, model) => {
    const file = `v${version}-stream-json-tool-use.jsonl`;
    const events = fixture(file) as Array<Record<string, unknown>>;
    const facts = allFacts(events);
    const init = events.find((event) => event.type === 'system' && event.subtype === 'init')!;
    const result = events.at(-1)!;
    expect(ofKind(facts, 'session-identified')[0]).toMatchObject({ claudeSessionId: init.session_id, model });
    const sent = captureRecord(`headless/${file}`).mockUsage;
    // One key per model call, however many content blocks it was printed in.
    expect(new Set(ofKind(facts, 'usage').map((fact) => fact.messageKey)).size).toBe(sent.length);
    const [ended] = ofKind(facts, 'result');
    expect(ended).toMatchObject({ subtype: 'success', isError: false });
    const sum = (pick: (usage: (typeof sent)[number]) => number | undefined): number => sent.reduce((total, usage) => total + (pick(usage) ?? 0), 0);
    expect(ended?.totals).toMatchObject({
      inputTokens: sum((usage) => usage.input_tokens),
      cacheCreationTokens: sum((usage) => usage.cache_creation_input_tokens),
      cacheReadTokens: sum((usage) => usage.cache_read_input_tokens),
    });
    expect(ofKind(facts, 'cost-reported')).toEqual([{ kind: 'cost-reported', source: 'stream-json', costUsd: result.total_cost_usd }]);
    expect(Number(result.total_cost_usd)).toBeGreaterThan(0);
  });

  it.each([
    ['2.1.330', 'five_hour'],
    ['1.0.60', null],
  ])('%s: a subscriber 5-hour limit is a failed result; only 2.1.330 sends a structured event', (version, limitKind) => {
    const file = `v${version}-stream-json-five-hour-limit.jsonl`;
    const facts = allFacts(fixture(file));
    expect(ofKind(facts, 'usage')).toEqual([]);
    expect(ofKind(facts, 'result')[0]).toMatchObject({ isError: true });
    const limits = ofKind(facts, 'rate-limit');
    if (limitKind === null) {
      expect(limits).toEqual([]);
    } else {
      expect(limits).toEqual([
        { kind: 'rate-limit', source: 'stream-json', severity: 'limit', limitKind, resetsAt: captureRecord(`headless/${file}`).mockResetAt, at: NOW },
      ]);
    }
  });

  it('2.1.330: a weekly warning with the utilisation the mock sent', () => {
    const file = 'v2.1.330-stream-json-weekly-warning.jsonl';
    const limits = allFacts(fixture(file)).filter((fact) => fact.kind === 'rate-limit');
    expect(limits).toEqual([
      { kind: 'rate-limit', source: 'stream-json', severity: 'warning', limitKind: 'seven_day', resetsAt: captureRecord(`headless/${file}`).mockResetAt, utilization: 0.81, at: NOW },
    ]);
  });

  it.each([
    ['2.1.330', 0],
    ['1.0.60', 1],
  ])('%s json: the result’s output count is the mock’s plus %i (1.0.60 adds message_start’s count)', (version, overcount) => {
    const file = `v${version}-json.json`;
    const [sent] = captureRecord(`headless/${file}`).mockUsage;
    const [ended] = ofKind(allFacts(fixture(file)), 'result');
    expect(ended?.totals).toMatchObject({ inputTokens: sent?.input_tokens, outputTokens: sent!.output_tokens + overcount });
  });

  it.each(['2.1.330', '1.0.60'])('%s: an overloaded API is a failed result with no usage and no limit', (version) => {
    const facts = allFacts(fixture(`v${version}-stream-json-overloaded-529.jsonl`));
    expect(ofKind(facts, 'result')[0]).toMatchObject({ isError: true });
    expect(ofKind(facts, 'usage')).toEqual([]);
    expect(ofKind(facts, 'rate-limit')).toEqual([]);
  });
});
