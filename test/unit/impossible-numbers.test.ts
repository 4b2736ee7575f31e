/**
 * Numbers no real Claude output holds (1e308 tokens, a fraction of a token, a year-9999 time, a
 * cost beyond any session) are rejected with their line and counted, in transcripts (import and
 * live following) and in print mode's JSON events alike; the lines around them still count.
 */
import { describe, expect, it } from 'vitest';
import type { Fact } from '../../src/core/facts.js';
import { factsFromPrintEvent } from '../../src/core/print-events.js';
import { parseTranscriptLine, summarizeTranscript } from '../../src/ingest/transcript-line.js';

const NOW = Date.UTC(2026, 11, 6, 12, 0, 0);
const CTX = { now: NOW, timeZone: 'UTC' };

const assistant = (id: string, usage: Record<string, unknown>, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ type: 'assistant', sessionId: 's1', timestamp: '2026-12-06T11:00:00Z', requestId: `r-${id}`, message: { id, model: 'claude-sonnet-4-5', usage }, ...extra });

const rejections = (facts: Fact[]): string[] => facts.flatMap((fact) => (fact.kind === 'line-rejected' ? [fact.reason] : []));

describe('a transcript line with an impossible number', () => {
  it.each([
    ['1e308 input tokens', { input_tokens: 1e308, output_tokens: 1 }, 'usage.input_tokens is not a whole number of tokens'],
    ['a fraction of a token', { input_tokens: 10, output_tokens: 2.5 }, 'usage.output_tokens is not a whole number of tokens'],
    ['negative tokens', { input_tokens: -5, output_tokens: 1 }, 'usage.input_tokens is not a whole number of tokens'],
    ['tokens as text', { input_tokens: '12', output_tokens: 1 }, 'usage.input_tokens is not a whole number of tokens'],
    ['more cache reads than any message holds', { input_tokens: 1, cache_read_input_tokens: 200_000_000 }, 'usage.cache_read_input_tokens is more tokens than any message or session holds'],
    ['an impossible cache split', { input_tokens: 1, cache_creation: { ephemeral_5m_input_tokens: 0.5 } }, 'usage.ephemeral_5m_input_tokens is not a whole number of tokens'],
  ])('%s: the line is rejected whole, with the reason', (_name, usage, reason) => {
    const result = parseTranscriptLine(assistant('m1', usage), CTX);
    expect(result.facts).toEqual([{ kind: 'line-rejected', source: 'transcript', reason }]);
  });

  it('a time years ahead of the clock, or decades behind it, is rejected; a week of clock skew is not', () => {
    const at = (timestamp: string): Fact[] => parseTranscriptLine(JSON.stringify({ type: 'assistant', sessionId: 's1', timestamp, message: { id: 'm', model: 'claude-sonnet-4-5', usage: { input_tokens: 1 } } }), CTX).facts;
    expect(rejections(at('9999-01-01T00:00:00Z'))).toEqual(['timestamp is more than 7 days ahead of the clock']);
    expect(rejections(at('1970-01-01T00:00:00Z'))).toEqual(['timestamp is more than 10 years in the past']);
    expect(rejections(at('2026-12-12T00:00:00Z'))).toEqual([]);
    expect(at('2026-12-12T00:00:00Z').some((fact) => fact.kind === 'usage')).toBe(true);
  });

  it('a cost line beyond any session is rejected', () => {
    const line = JSON.stringify({ type: 'cost-state', sessionId: 's1', timestamp: '2026-12-06T11:00:00Z', totalCostUSD: 6e302 });
    expect(rejections(parseTranscriptLine(line, CTX).facts)).toEqual(['totalCostUSD is not a possible cost']);
    const legacy = assistant('m1', { input_tokens: 1 }, { costUSD: -3 });
    expect(rejections(parseTranscriptLine(legacy, CTX).facts)).toEqual(['costUSD is not a possible cost']);
  });

  it('counts the rejected line and keeps the good ones around it', () => {
    const summary = summarizeTranscript(
      [assistant('m1', { input_tokens: 100, output_tokens: 20 }), assistant('m2', { input_tokens: 1e308, output_tokens: 1 }), assistant('m3', { input_tokens: 7, output_tokens: 3 })],
      CTX,
    );
    expect(summary.rejectedLines).toBe(1);
    expect(summary.messages).toBe(2);
    expect(summary.totals).toMatchObject({ inputTokens: 107, outputTokens: 23 });
  });
});

describe('a print-mode event with an impossible number', () => {
  it('an assistant event with impossible usage is rejected, not counted', () => {
    const event = { type: 'assistant', session_id: 's1', message: { id: 'm1', model: 'claude-sonnet-4-5', usage: { input_tokens: 1e308, output_tokens: 4 } } };
    expect(factsFromPrintEvent(event, NOW)).toEqual([{ kind: 'line-rejected', source: 'stream-json', reason: 'usage.input_tokens is not a whole number of tokens' }]);
  });

  it('a result with impossible totals or cost is rejected whole', () => {
    const result = (extra: Record<string, unknown>): Fact[] =>
      factsFromPrintEvent({ type: 'result', subtype: 'success', is_error: false, session_id: 's1', total_cost_usd: 0.5, usage: { input_tokens: 10, output_tokens: 5 }, ...extra }, NOW);
    expect(result({}).map((fact) => fact.kind)).toEqual(['session-identified', 'result', 'cost-reported']);
    expect(rejections(result({ total_cost_usd: 6e302 }))).toEqual(['result: total_cost_usd is not a possible cost']);
    expect(rejections(result({ usage: { input_tokens: 1.5 } }))).toEqual(['result: usage.input_tokens is not a whole number of tokens']);
    expect(rejections(result({ modelUsage: { 'claude-sonnet-4-5': { inputTokens: 200_000_000_000, outputTokens: 1 } } }))).toEqual([
      'result: modelUsage.inputTokens is more tokens than any message or session holds',
    ]);
    // A long session's totals pass the per-message bound and stand.
    expect(rejections(result({ usage: { input_tokens: 10, cache_read_input_tokens: 900_000_000 } }))).toEqual([]);
  });
});
