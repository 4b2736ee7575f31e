import { describe, expect, it } from 'vitest';
import { formatJson, roundByName, toJson, USD_DECIMALS, versioned } from '../../src/core/json-output.js';
import { PRICE_TABLE } from '../../src/core/price-table.js';

describe('formatJson', () => {
  it('writes money without float noise and tokens whole, by the names of their fields', () => {
    const text = formatJson({ costUsd: 0.35528600000000005, computedCostUsd: 0.1 + 0.2, costPerHour: 1 / 3, projectedTokens: 1234.6, tokensPerHour: 99.5, inputTokens: 7, utilization: 0.123456789123 });
    expect(JSON.parse(text)).toEqual({ costUsd: 0.355286, computedCostUsd: 0.3, costPerHour: 0.333333333, projectedTokens: 1235, tokensPerHour: 100, inputTokens: 7, utilization: 0.123456789123 });
    expect(text).not.toMatch(/0000000000|9999999999/);
  });

  it('rounds inside lists and nested objects, and leaves other numbers and names alone', () => {
    expect(JSON.parse(formatJson({ rows: [{ totals: { costUsd: 0.30000000000000004 } }], pid: 12345, costSource: 'claude' }))).toEqual({
      rows: [{ totals: { costUsd: 0.3 } }],
      pid: 12345,
      costSource: 'claude',
    });
    expect(roundByName('durationMs', 1.5)).toBe(1.5);
  });

  it('escapes C1 controls and bidirectional overrides, and the value read back is the same', () => {
    const value = { project: '/work/\u009b2J\u202ereadme\u2028x' };
    const text = formatJson(value);
    expect(text).toContain('\\u009b2J\\u202ereadme\\u2028x');
    expect(text).not.toMatch(/[\u0080-\u009f\u2028\u202e]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('writes one line for a server, rounded and escaped alike', () => {
    expect(toJson({ costUsd: 0.1 + 0.2, project: '\u009b' })).toBe('{"costUsd":0.3,"project":"\\u009b"}');
  });

  it('puts the schema version first', () => {
    expect(Object.keys(versioned({ live: [] }))).toEqual(['schemaVersion', 'live']);
    expect(formatJson(versioned({ a: 1 }))).toBe('{\n  "schemaVersion": 1,\n  "a": 1\n}\n');
  });
});

describe('USD_DECIMALS', () => {
  it('holds the cost of one token at every built-in price exactly', () => {
    for (const [model, price] of Object.entries(PRICE_TABLE.models)) {
      for (const rates of [price, ...(price.longContext ? [price.longContext] : [])]) {
        for (const perMillion of [rates.input, rates.output, rates.cacheWrite5m, rates.cacheWrite1h ?? rates.cacheWrite5m, rates.cacheRead]) {
          const perToken = perMillion / 1e6;
          expect(Number(perToken.toFixed(USD_DECIMALS)), `${model} ${perMillion}`).toBeCloseTo(perToken, 15);
        }
      }
    }
  });
});
