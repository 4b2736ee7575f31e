import { describe, expect, it } from 'vitest';
import { loadPriceTable } from '../../src/core/price-config.js';
import { PRICE_TABLE, PRICE_TABLE_VERSION } from '../../src/core/price-table.js';
import { computeCostUsd } from '../../src/core/pricing.js';
import type { PriceOverrides } from '../../src/core/pricing.js';

const MILLION_IN_AND_OUT = { inputTokens: 1_000_000, outputTokens: 1_000_000, cacheCreationTokens: 0, cacheReadTokens: 0 };

/** config.json as users write it: anything at all may be under `prices`. */
function configWith(prices: unknown): { prices?: PriceOverrides } {
  return JSON.parse(JSON.stringify({ prices })) as { prices?: PriceOverrides };
}

describe('loadPriceTable', () => {
  it('is the built-in table when config.json has no prices', () => {
    expect(loadPriceTable({})).toEqual({ table: PRICE_TABLE, problems: [], fromConfig: [] });
    expect(loadPriceTable(configWith({})).table.version).toBe(PRICE_TABLE_VERSION);
  });

  it('overrides some rates of a known model and keeps the rest', () => {
    const { table, problems, fromConfig } = loadPriceTable(configWith({ 'claude-sonnet-4-5': { output: 12 } }));
    expect(problems).toEqual([]);
    expect(fromConfig).toEqual(['claude-sonnet-4-5']);
    expect(table.version).toBe(`${PRICE_TABLE_VERSION}+config`);
    expect(table.models['claude-sonnet-4-5']).toMatchObject({ input: 3, output: 12, cacheRead: 0.3 });
    // A dated id resolves to the overridden row; the prompt stays under the long-context threshold.
    const short = { ...MILLION_IN_AND_OUT, inputTokens: 100_000 };
    expect(computeCostUsd('claude-sonnet-4-5-20250929', short, table).costUsd).toBeCloseTo(0.3 + 12, 12);
    expect(PRICE_TABLE.models['claude-sonnet-4-5']?.output).toBe(15);
  });

  it('adds a model the table lacks, so it is no longer priced at 0', () => {
    const config = configWith({ 'claude-unknown-9': { input: 1, output: 4, cacheWrite5m: 1.25, cacheRead: 0.1 } });
    expect(computeCostUsd('claude-unknown-9', MILLION_IN_AND_OUT, PRICE_TABLE)).toEqual({ costUsd: 0, known: false });
    const { table, problems, fromConfig } = loadPriceTable(config);
    expect(problems).toEqual([]);
    expect(fromConfig).toEqual(['claude-unknown-9']);
    expect(computeCostUsd('claude-unknown-9', MILLION_IN_AND_OUT, table)).toEqual({ costUsd: 5, known: true });
    expect(table.models['claude-unknown-9']?.source).toBe('config.json prices');
  });

  it('reports bad entries naming config.json, skips them and applies the rest', () => {
    const { table, problems, fromConfig } = loadPriceTable(
      configWith({
        'claude-foo': { output: -2 },
        'claude-bar': { input: 1 },
        'claude-opus-4-7': { input: 'four' },
        'claude-haiku-4-5': { cacheRead: 0.05 },
      }),
    );
    expect(problems).toEqual([
      'config.json: prices["claude-foo"].output: expected a number ≥ 0 (USD per million tokens), got -2',
      `config.json: prices["claude-bar"]: not a model in the price table (version ${PRICE_TABLE_VERSION}), so it needs output, cacheWrite5m, cacheRead as well`,
      'config.json: prices["claude-opus-4-7"].input: expected a number ≥ 0 (USD per million tokens), got "four"',
    ]);
    expect(fromConfig).toEqual(['claude-haiku-4-5']);
    expect(table.version).toBe(`${PRICE_TABLE_VERSION}+config`);
    expect(table.models['claude-haiku-4-5']?.cacheRead).toBe(0.05);
    expect(table.models['claude-opus-4-7']).toBe(PRICE_TABLE.models['claude-opus-4-7']);
    expect(table.models['claude-foo']).toBeUndefined();
    expect(table.models['claude-bar']).toBeUndefined();
  });

  it('keeps the built-in version when no entry could be applied', () => {
    const { table, problems } = loadPriceTable(configWith({ 'claude-foo': { input: 1 } }));
    expect(problems).toHaveLength(1);
    expect(table).toBe(PRICE_TABLE);
  });

  it('reports prices that are not an object of models', () => {
    expect(loadPriceTable(configWith(['claude-sonnet-4-5'])).problems).toEqual([
      'config.json: prices must be an object of model id → rates, e.g. {"claude-sonnet-4-5": {"input": 3, "output": 15}}',
    ]);
  });
});
