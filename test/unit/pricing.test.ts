import { describe, expect, it } from 'vitest';
import type { TokenUsage } from '../../src/core/facts.js';
import { PRICE_TABLE, PRICE_TABLE_VERSION } from '../../src/core/price-table.js';
import {
  canonicalModelId,
  computeCostUsd,
  mergePriceOverrides,
  normalizeModelId,
  resolveModelPrice,
  validatePriceOverrides,
} from '../../src/core/pricing.js';
import { fixtureNames, readFixture, readJsonLines } from '../support/fixtures.js';

function usage(partial: Partial<TokenUsage>): TokenUsage {
  return { inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, ...partial };
}

function cost(model: string, tokens: Partial<TokenUsage>): number {
  return computeCostUsd(model, usage(tokens), PRICE_TABLE).costUsd;
}

interface ModelUsageEntry {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens: number;
  cacheCreationInputTokens: number;
  costUSD: number;
}

/**
 * `modelUsage` has no 5m/1h split, but the assistant events of the same run do: sum the
 * one-hour writes per model over distinct messages (the last event of a message wins).
 */
function oneHourWritesByModel(events: Record<string, unknown>[]): Map<string, number> {
  const lastByMessage = new Map<string, { model: string; oneHour: number }>();
  for (const event of events) {
    if (event.type !== 'assistant') continue;
    const message = event.message as { id: string; model: string; usage?: { cache_creation?: { ephemeral_1h_input_tokens?: number } } };
    lastByMessage.set(message.id, { model: message.model, oneHour: message.usage?.cache_creation?.ephemeral_1h_input_tokens ?? 0 });
  }
  const byModel = new Map<string, number>();
  for (const { model, oneHour } of lastByMessage.values()) byModel.set(model, (byModel.get(model) ?? 0) + oneHour);
  return byModel;
}

describe('Claude Code reproduces', () => {
  // Each of these results carries Claude Code's own costUSD per model and total_cost_usd.
  const headlessFiles = [
    'v2.1.4-stream-json-three-models.jsonl', // haiku-4-5, opus-4-5, sonnet-4-5 (5m cache writes)
    'v2.1.4-stream-json-overloaded-529.jsonl', // haiku-4-5, opus-4-5
    'v2.1.283-stream-json-weekly-warning.jsonl', // claude-sonnet-5 with 1h cache writes
    'v2.1.283-stream-json-opus.jsonl', // claude-opus-5-5 with 1h cache writes
    'v2.1.330-stream-json-tool-use.jsonl', // claude-opus-5-5, 5m and 1h writes in one call (captured)
  ];

  for (const file of headlessFiles) {
    it(`every modelUsage costUSD and total_cost_usd of headless/${file}`, () => {
      const events = readJsonLines('headless', file);
      const result = events.find((event) => event.type === 'result');
      expect(result).toBeDefined();
      const modelUsage = result?.modelUsage as Record<string, ModelUsageEntry>;
      const oneHour = oneHourWritesByModel(events);
      let total = 0;
      expect(Object.keys(modelUsage).length).toBeGreaterThan(0);
      for (const [model, entry] of Object.entries(modelUsage)) {
        const priced = computeCostUsd(
          model,
          {
            inputTokens: entry.inputTokens,
            outputTokens: entry.outputTokens,
            cacheReadTokens: entry.cacheReadInputTokens,
            cacheCreationTokens: entry.cacheCreationInputTokens,
            cacheCreation1hTokens: oneHour.get(model) ?? 0,
          },
          PRICE_TABLE,
          { aggregate: true },
        );
        expect(priced.known, model).toBe(true);
        expect(Math.abs(priced.costUsd - entry.costUSD), model).toBeLessThan(1e-9);
        total += priced.costUsd;
      }
      expect(Math.abs(total - (result?.total_cost_usd as number))).toBeLessThan(1e-9);
    });
  }

  it('11,954 input + 7 output tokens on claude-opus-5-5 cost 0.047956 USD, as 2.1.330 reported offline', () => {
    expect(Math.abs(cost('claude-opus-5-5', { inputTokens: 11_954, outputTokens: 7 }) - 0.047956)).toBeLessThan(1e-12);
  });

  it('the executor figure needs the 1h rate: priced as 5m writes it would be too low', () => {
    // headless/v2.1.283-stream-json-weekly-warning.jsonl: costUSD 0.0178546.
    const tokens = { inputTokens: 2, outputTokens: 113, cacheReadTokens: 12_743, cacheCreationTokens: 3_543 };
    expect(cost('claude-sonnet-5', { ...tokens, cacheCreation1hTokens: 3_543 })).toBeCloseTo(0.0178546, 12);
    expect(cost('claude-sonnet-5', tokens)).toBeCloseTo(0.0178546 - (3_543 / 1e6) * (4 - 2.5), 12);
  });
});

describe('resolveModelPrice', () => {
  it('resolves every model id in the fixtures except <synthetic>', () => {
    const ids = new Set<string>();
    for (const dir of ['transcripts', 'headless']) {
      for (const file of fixtureNames(dir, ['.jsonl', '.json'])) {
        for (const match of readFixture(dir, file).matchAll(/"model":"([^"]+)"/g)) if (match[1]) ids.add(match[1]);
      }
    }
    ids.add('claude-opus-5-5[1m]'); // statusline/v2.1.283-stdin.jsonl
    ids.delete('<synthetic>');
    expect(ids.size).toBeGreaterThanOrEqual(12);
    for (const id of ids) expect(resolveModelPrice(id, PRICE_TABLE), id).not.toBeNull();
  });

  it.each([
    // First-party dated ids, as the API reports them.
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5'],
    ['claude-sonnet-4-20250514', 'claude-sonnet-4-0'],
    ['claude-opus-4-20250514', 'claude-opus-4-0'],
    ['claude-opus-4-1-20250805', 'claude-opus-4-1'],
    ['claude-opus-4-5-20251101', 'claude-opus-4-5'],
    ['claude-haiku-4-5-20251001', 'claude-haiku-4-5'],
    ['claude-3-5-haiku-20241022', 'claude-3-5-haiku'],
    ['claude-3-5-sonnet-20241022', 'claude-3-5-sonnet'],
    ['claude-3-5-sonnet-20240620', 'claude-3-5-sonnet'],
    ['claude-3-7-sonnet-20250219', 'claude-3-7-sonnet'],
    ['claude-3-opus-20240229', 'claude-3-opus'],
    ['claude-3-haiku-20240307', 'claude-3-haiku'],
    ['claude-3-7-sonnet-latest', 'claude-3-7-sonnet'],
    // Undated ids of newer models, short forms and the 1M-context suffix.
    ['claude-opus-4-8', 'claude-opus-4-8'],
    ['claude-opus-4', 'claude-opus-4-0'],
    ['claude-sonnet-4', 'claude-sonnet-4-0'],
    ['claude-opus-5-5[1m]', 'claude-opus-5-5'],
    ['claude-sonnet-4-5-20250929[1m]', 'claude-sonnet-4-5'],
    ['Claude-Sonnet-4-6[1M]', 'claude-sonnet-4-6'],
    ['claude-opus-4.5', 'claude-opus-4-5'],
    ['claude-sonnet-4.5-20250929', 'claude-sonnet-4-5'],
    // Bedrock, Vertex, Foundry/Mantle and gateway spellings.
    ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5'],
    ['eu.anthropic.claude-haiku-4-5-20251001-v1:0', 'claude-haiku-4-5'],
    ['global.anthropic.claude-opus-4-6-v1', 'claude-opus-4-6'],
    ['anthropic.claude-3-5-sonnet-20241022-v2:0', 'claude-3-5-sonnet'],
    ['anthropic.claude-haiku-4-5', 'claude-haiku-4-5'],
    ['claude-sonnet-4-5@20250929', 'claude-sonnet-4-5'],
    ['claude-3-5-sonnet-v2@20241022', 'claude-3-5-sonnet'],
    ['anthropic/claude-sonnet-4.5', 'claude-sonnet-4-5'],
    ['arn:aws:bedrock:us-east-1:123:inference-profile/us.anthropic.claude-opus-4-1-20250805-v1:0', 'claude-opus-4-1'],
    // Names Claude Code finds by search when the id does not parse.
    ['claude-sonnet-4-5-thinking', 'claude-sonnet-4-5'],
    ['claude-fable-5-2', 'claude-fable-5-2'],
    // Aliases, as Claude Code 2.1.330 resolves them for the first-party API.
    ['opus', 'claude-opus-5-5'],
    ['sonnet[1m]', 'claude-sonnet-5-5'],
    ['haiku', 'claude-haiku-5-5'],
  ])('%s → %s', (model, expected) => {
    expect(resolveModelPrice(model, PRICE_TABLE)?.modelId).toBe(expected);
  });

  it.each(['<synthetic>', 'claude-opus-9', 'claude-sonnet-4-9-20300101', 'claude-3-sonnet-20240229', 'gpt-4o', '', '   ', 'unknown'])(
    'knows nothing of %j',
    (model) => {
      expect(resolveModelPrice(model, PRICE_TABLE)).toBeNull();
      expect(computeCostUsd(model, usage({ inputTokens: 1_000_000, outputTokens: 1_000_000 }), PRICE_TABLE)).toEqual({ costUsd: 0, known: false });
    },
  );

  it('does not take a dated opus-4-5 for opus-4-0 or a fable-5 date for fable-5-2', () => {
    expect(canonicalModelId('claude-opus-4-5-20251101', PRICE_TABLE)).toBe('claude-opus-4-5');
    expect(canonicalModelId('claude-fable-5-20260101', PRICE_TABLE)).toBe('claude-fable-5');
  });

  it('normalizes case, suffixes and dotted versions the way Claude Code does', () => {
    expect(normalizeModelId('  Claude-Opus-4.5[1m] ')).toBe('claude-opus-4-5');
    expect(normalizeModelId('claude-3.5-sonnet')).toBe('claude-3-5-sonnet');
  });
});

describe('computeCostUsd', () => {
  it('prices each token class at its own rate (Sonnet 4.5: $3 / $15, writes $3.75 / $6, reads $0.30)', () => {
    const tokens = { inputTokens: 10_000, outputTokens: 10_000, cacheCreationTokens: 10_000, cacheReadTokens: 10_000 };
    expect(cost('claude-sonnet-4-5-20250929', tokens)).toBeCloseTo((3 + 15 + 3.75 + 0.3) / 100, 12);
    expect(cost('claude-sonnet-4-5-20250929', { ...tokens, cacheCreation5mTokens: 4_000, cacheCreation1hTokens: 6_000 })).toBeCloseTo(
      (3 + 15 + 0.4 * 3.75 + 0.6 * 6 + 0.3) / 100,
      12,
    );
  });

  it('treats cache writes without a split as 5-minute writes, and never counts more 1h writes than writes', () => {
    expect(cost('claude-opus-4-7', { cacheCreationTokens: 1_000_000 })).toBeCloseTo(6.25, 12);
    expect(cost('claude-opus-4-7', { cacheCreationTokens: 1_000_000, cacheCreation1hTokens: 5_000_000 })).toBeCloseTo(10, 12);
    expect(cost('claude-opus-4-7', { cacheCreationTokens: 1_000_000, cacheCreation1hTokens: -3 })).toBeCloseTo(6.25, 12);
  });

  it('prices the older models of the table', () => {
    expect(cost('claude-opus-4-1-20250805', { inputTokens: 1_000_000, outputTokens: 1_000_000 })).toBeCloseTo(90, 12);
    expect(cost('claude-3-5-haiku-20241022', { inputTokens: 1_000_000, outputTokens: 1_000_000, cacheReadTokens: 1_000_000 })).toBeCloseTo(4.88, 12);
    expect(cost('claude-3-haiku-20240307', { cacheCreationTokens: 1_000_000 })).toBeCloseTo(0.3, 12);
    expect(cost('claude-sonnet-5-5', { cacheReadTokens: 1_000_000 })).toBeCloseTo(0.1, 12);
  });

  describe('long context', () => {
    it('switches Haiku 5.5 to its long-prompt rates only above 100,000 prompt tokens, counting cache reads and writes', () => {
      // Claude Code: input + cache read + cache creation > above_prompt_tokens.
      expect(cost('claude-haiku-5-5', { inputTokens: 100_000, outputTokens: 1_000 })).toBeCloseTo((100_000 * 0.1 + 1_000 * 0.5) / 1e6, 12);
      expect(cost('claude-haiku-5-5', { inputTokens: 40_000, cacheReadTokens: 40_000, cacheCreationTokens: 20_001, outputTokens: 1_000 })).toBeCloseTo(
        (40_000 * 0.5 + 1_000 * 2.5 + 40_000 * 0.05 + 20_001 * 0.625) / 1e6,
        12,
      );
    });

    it('prices a Sonnet 4.5 request over 200K prompt tokens at $6 / $22.50', () => {
      expect(cost('claude-sonnet-4-5-20250929[1m]', { inputTokens: 200_000, outputTokens: 1_000 })).toBeCloseTo((200_000 * 3 + 1_000 * 15) / 1e6, 12);
      expect(cost('claude-sonnet-4-5-20250929[1m]', { inputTokens: 1, cacheReadTokens: 200_000, outputTokens: 1_000 })).toBeCloseTo(
        (1 * 6 + 1_000 * 22.5 + 200_000 * 0.6) / 1e6,
        12,
      );
    });

    it('keeps Sonnet 4.6 and Opus 4.6+ flat, as Claude Code does', () => {
      expect(cost('claude-sonnet-4-6', { inputTokens: 500_000 })).toBeCloseTo(1.5, 12);
      expect(cost('claude-opus-4-8', { inputTokens: 500_000 })).toBeCloseTo(2.5, 12);
    });

    it('leaves sums of many requests at base rates when told they are a sum', () => {
      const total = usage({ inputTokens: 300_000 });
      expect(computeCostUsd('claude-sonnet-4-5', total, PRICE_TABLE, { aggregate: true }).costUsd).toBeCloseTo(0.9, 12);
      expect(computeCostUsd('claude-sonnet-4-5', total, PRICE_TABLE).costUsd).toBeCloseTo(1.8, 12);
    });
  });
});

describe('the price table', () => {
  it('is versioned', () => {
    expect(PRICE_TABLE.version).toBe(PRICE_TABLE_VERSION);
    expect(PRICE_TABLE_VERSION).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('gives every model a date, a source and complete rates', () => {
    for (const [id, price] of Object.entries(PRICE_TABLE.models)) {
      expect(price.pricedOn, id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(price.source.length, id).toBeGreaterThan(10);
      for (const rate of [price.input, price.output, price.cacheWrite5m, price.cacheWrite1h, price.cacheRead]) {
        expect(rate, id).toBeGreaterThan(0);
      }
      expect(canonicalModelId(id, PRICE_TABLE), id).toBe(id);
    }
  });

  it('follows the API multipliers in every row from Claude Code: 5m writes 1.25×, 1h writes 2× input', () => {
    for (const [id, price] of Object.entries(PRICE_TABLE.models)) {
      if (!price.source.startsWith('Claude Code')) continue;
      expect(price.cacheWrite5m, id).toBeCloseTo(price.input * 1.25, 12);
      expect(price.cacheWrite1h, id).toBeCloseTo(price.input * 2, 12);
    }
  });

  it('covers the Claude 3.5, 3.7, 4, 4.1, 4.5 families and every fixture model', () => {
    const wanted = [
      'claude-3-5-haiku', 'claude-3-5-sonnet', 'claude-3-7-sonnet', 'claude-sonnet-4-0', 'claude-opus-4-0', 'claude-opus-4-1',
      'claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-5', 'claude-opus-4-6', 'claude-opus-4-7', 'claude-opus-4-8',
      'claude-sonnet-4-6', 'claude-sonnet-5', 'claude-opus-5', 'claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5',
    ];
    for (const id of wanted) expect(PRICE_TABLE.models[id], id).toBeDefined();
  });
});

describe('user overrides', () => {
  it('merges partial rates over the model an id resolves to', () => {
    const { table, errors } = mergePriceOverrides(PRICE_TABLE, { 'claude-sonnet-4-5-20250929': { input: 2, cacheRead: 0.2 } });
    expect(errors).toEqual([]);
    expect(table.version).toBe(`${PRICE_TABLE_VERSION}+config`);
    const price = resolveModelPrice('us.anthropic.claude-sonnet-4-5-20250929-v1:0', table)?.price;
    expect(price).toMatchObject({ input: 2, output: 15, cacheWrite5m: 3.75, cacheWrite1h: 6, cacheRead: 0.2 });
    expect(price?.longContext?.aboveInputTokens).toBe(200_000);
    expect(price?.source).toMatch(/^config\.json prices over /);
    // The built-in table is left alone.
    expect(PRICE_TABLE.models['claude-sonnet-4-5']?.input).toBe(3);
  });

  it('adds a model the table lacks when all its base rates are given', () => {
    const raw = { 'claude-opus-6': { input: 6, output: 30, cacheWrite5m: 7.5, cacheRead: 0.6 } };
    const { table, errors } = mergePriceOverrides(PRICE_TABLE, raw);
    expect(errors).toEqual([]);
    // No 1h rate given: one-hour writes cost the 5-minute rate.
    expect(computeCostUsd('claude-opus-6-20270101', usage({ inputTokens: 1_000_000, cacheCreationTokens: 1_000_000, cacheCreation1hTokens: 1_000_000 }), table)).toEqual({
      costUsd: 13.5,
      known: true,
    });
  });

  it('applies overrides passed to resolveModelPrice directly', () => {
    const { overrides, errors } = validatePriceOverrides(PRICE_TABLE, { 'claude-opus-4-7': { output: 20 } });
    expect(errors).toEqual([]);
    expect(resolveModelPrice('claude-opus-4-7', PRICE_TABLE, overrides)?.price).toMatchObject({ input: 5, output: 20 });
  });

  it('adds and removes long-context rates', () => {
    const { table, errors } = mergePriceOverrides(PRICE_TABLE, {
      'claude-opus-4-6': { longContext: { aboveInputTokens: 200_000, input: 10, output: 37.5, cacheWrite5m: 12.5, cacheWrite1h: 20, cacheRead: 1 } },
      'claude-sonnet-4-5': { longContext: null },
    });
    expect(errors).toEqual([]);
    expect(computeCostUsd('claude-opus-4-6', usage({ inputTokens: 300_000 }), table).costUsd).toBeCloseTo(3, 12);
    expect(computeCostUsd('claude-sonnet-4-5', usage({ inputTokens: 300_000 }), table).costUsd).toBeCloseTo(0.9, 12);
  });

  it('reports every bad entry with a clear message and keeps the good ones', () => {
    const { table, errors } = mergePriceOverrides(PRICE_TABLE, {
      'claude-haiku-4-5': { input: 'cheap' },
      'claude-opus-4-7': { outptu: 30 },
      'claude-sonnet-5': { output: -1 },
      'claude-opus-9': { input: 1 },
      'claude-opus-4-8': 5,
      'claude-sonnet-4-6': { longContext: { input: 6 } },
      'claude-opus-5': { longContext: { aboveInputTokens: 1.5, input: 6, output: 20, cacheWrite5m: 7.5, cacheRead: 0.6 } },
      '  ': { input: 1 },
      'claude-opus-5-5': { output: 25 },
      'claude-opus-5-5[1m]': { output: 30 },
    });
    expect(errors).toEqual([
      'prices["claude-haiku-4-5"].input: expected a number ≥ 0 (USD per million tokens), got "cheap"',
      'prices["claude-opus-4-7"].outptu: unknown field; the fields are input, output, cacheWrite5m, cacheWrite1h, cacheRead, longContext',
      'prices["claude-sonnet-5"].output: expected a number ≥ 0 (USD per million tokens), got -1',
      `prices["claude-opus-9"]: not a model in the price table (version ${PRICE_TABLE_VERSION}), so it needs output, cacheWrite5m, cacheRead as well`,
      'prices["claude-opus-4-8"]: expected an object of USD prices per million tokens, e.g. {"input": 3, "output": 15}',
      'prices["claude-sonnet-4-6"].longContext: this model has no long-context rates to start from, so it needs aboveInputTokens, output, cacheWrite5m, cacheRead',
      'prices["claude-opus-5"].longContext.aboveInputTokens: expected a whole number of tokens above 0, got 1.5',
      'prices: an empty model id is not allowed',
      'prices["claude-opus-5-5[1m]"]: names the same model as "claude-opus-5-5" (claude-opus-5-5); the first one is used',
    ]);
    expect(table.models['claude-opus-5-5']?.output).toBe(25);
    expect(table.models['claude-haiku-4-5']?.input).toBe(1);
    expect(table.models['claude-opus-9']).toBeUndefined();
  });

  it('keeps keys such as __proto__ and constructor plain keys', () => {
    const raw = JSON.parse('{"__proto__": {"input": 1}, "constructor": {"input": 1, "output": 2, "cacheWrite5m": 1.25, "cacheRead": 0.1}}') as unknown;
    const { table, errors } = mergePriceOverrides(PRICE_TABLE, raw);
    expect(errors).toEqual([`prices["__proto__"]: not a model in the price table (version ${PRICE_TABLE_VERSION}), so it needs output, cacheWrite5m, cacheRead as well`]);
    expect(resolveModelPrice('constructor', table)?.price).toMatchObject({ input: 1, output: 2 });
    expect(resolveModelPrice('constructor', PRICE_TABLE)).toBeNull();
    expect(resolveModelPrice('toString', table)).toBeNull();
  });

  it('rejects a config value that is not an object, and accepts none at all', () => {
    expect(mergePriceOverrides(PRICE_TABLE, [1, 2]).errors).toEqual([
      'prices must be an object of model id → rates, e.g. {"claude-sonnet-4-5": {"input": 3, "output": 15}}',
    ]);
    expect(mergePriceOverrides(PRICE_TABLE, undefined)).toEqual({ table: PRICE_TABLE, errors: [] });
    expect(mergePriceOverrides(PRICE_TABLE, null)).toEqual({ table: PRICE_TABLE, errors: [] });
  });
});
