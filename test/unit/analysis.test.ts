/**
 * The analysis on a generated 30-day history whose facts are known: limits hit at 14:00 and 15:00
 * Berlin time on known days, 80% of the cost on Opus with short answers, a known cache rate.
 */
import { describe, expect, it } from 'vitest';
import { analyzeHistory, type AnalysisInput } from '../../src/core/analysis.js';
import { identifyBlocks } from '../../src/core/blocks.js';
import { Calendar } from '../../src/core/calendar.js';
import { estimateBlockLimit } from '../../src/core/plan-limits.js';
import { PRICE_TABLE } from '../../src/core/price-table.js';
import type { UsageRecord } from '../../src/core/usage-report.js';

const calendar = new Calendar('Europe/Berlin');
const NOW = Date.parse('2026-11-30T20:00:00Z');
const HOUR = 3_600_000;
const SONNET = PRICE_TABLE.models['claude-sonnet-4-5']!;

/** One session a day for 30 days: four messages from 09:00 to 12:00 Berlin (08:00 UTC in winter). */
function generatedHistory(): { records: UsageRecord[]; limits: Array<{ at: number; kind: string }> } {
  const records: UsageRecord[] = [];
  const limits: Array<{ at: number; kind: string }> = [];
  for (let day = 0; day < 30; day++) {
    const start = calendar.startOfDay(calendar.dayOf(NOW) - day) + 9 * HOUR;
    const session = `s-${day}`;
    for (let message = 0; message < 4; message++) {
      // Opus answers short (100 tokens): routine; Sonnet carries the long ones.
      const opus = message < 3;
      records.push({
        at: start + message * HOUR,
        sessionId: session,
        project: '/work/app',
        model: opus ? 'claude-opus-4-5' : 'claude-sonnet-4-5',
        inputTokens: 1000,
        outputTokens: opus ? 100 : 2000,
        cacheCreationTokens: 1000,
        cacheReadTokens: 8000, // 80% of each prompt from the cache
        costUsd: opus ? 4 : 3,
        priced: true,
        messages: 1,
      });
    }
    // Every fifth day the 5-hour limit, inside that day's block: at 12:30 Berlin on days 0, 10, 20, at 11:30 on 5, 15, 25.
    if (day % 5 === 0) limits.push({ at: start + (day % 10 === 0 ? 3.5 : 2.5) * HOUR, kind: 'five_hour' });
  }
  return { records, limits };
}

function input(overrides: Partial<AnalysisInput['config']> = {}): AnalysisInput {
  const { records, limits } = generatedHistory();
  return {
    records,
    timeline: identifyBlocks(records, NOW, limits),
    calendar,
    now: NOW,
    days: 30,
    config: { blockPercent: 80, ...overrides },
    cheaperRates: { model: 'claude-sonnet-4-5', rates: SONNET },
  };
}

describe('analyzeHistory', () => {
  it('reports the limits hit, on which days and at which hours', () => {
    const analysis = analyzeHistory(input());
    const limits = analysis.findings.find((finding) => finding.id === 'limits')!;
    expect(limits.title).toBe('Limits were hit in 6 of 30 blocks');
    expect(limits.evidence[0]).toBe('most often at 11:00 (3×), 12:00 (3×) (Europe/Berlin)');
    expect(limits.evidence[1]).toContain('2026-11-30');
    expect(limits.suggestion).toEqual({ key: 'alerts.blockPercent', value: 70, reason: expect.stringContaining('70%') });
    // Already warned early: no suggestion.
    expect(analyzeHistory(input({ blockPercent: 60 })).findings.find((finding) => finding.id === 'limits')!.suggestion).toBeUndefined();
  });

  it('learns the block limit from the limited blocks, and says how sure it is', () => {
    const analysis = analyzeHistory(input());
    // Each block: three Opus messages of 10,100 tokens and one Sonnet message of 12,000.
    expect(analysis.limit).toMatchObject({ source: 'limit-hits', samples: 6, confidence: 'high', tokens: 3 * 10_100 + 12_000 });
    const planFit = analysis.findings.find((finding) => finding.id === 'plan-fit')!;
    expect(planFit.evidence[0]).toContain('high confidence, median of 6 block(s) that ended in a limit');
    const onMax5 = analyzeHistory(input({ plan: 'max5' })).findings.find((finding) => finding.id === 'plan-fit')!;
    expect(onMax5.evidence).toContain('on max20 (4× the allowance) none of the 6 limited block(s) would have met its limit');
    expect(onMax5.evidence).toContain('on pro (1/5 of the allowance) 30 of 30 blocks would have met a limit');
  });

  it('reports the model mix and what routine Opus work would have cost on Sonnet', () => {
    const mix = analyzeHistory(input()).findings.find((finding) => finding.id === 'model-mix')!;
    expect(mix.evidence[0]).toBe('cost by model family: opus 80%, sonnet 20% of $450.00');
    // 90 routine Opus messages at Sonnet rates: 1000 in, 100 out, 1000 written, 8000 read each.
    const perMessage = (1000 * SONNET.input + 100 * SONNET.output + 1000 * SONNET.cacheWrite5m + 8000 * SONNET.cacheRead) / 1e6;
    expect(mix.evidence[1]).toBe(`90 Opus message(s) averaged under 400 output tokens: $360.00 at Opus rates, $${(90 * perMessage).toFixed(2)} at claude-sonnet-4-5 rates (saving $${(360 - 90 * perMessage).toFixed(2)}; cache writes priced at the 5-minute rate)`);
  });

  it('reports the cache rate and peak hours in the user’s zone', () => {
    const analysis = analyzeHistory(input());
    expect(analysis.findings.find((finding) => finding.id === 'cache')!.evidence[0]).toMatch(/^80% of prompt tokens were read from the cache/);
    expect(analysis.findings.find((finding) => finding.id === 'peak-hours')!.evidence[0]).toBe('most tokens at 12:00 (28%), 09:00 (24%), 10:00 (24%) (Europe/Berlin)');
  });

  it('suggests cost alerts only where none is set, from the user’s own days', () => {
    const analysis = analyzeHistory(input());
    expect(analysis.findings.find((finding) => finding.id === 'daily-cost')!.suggestion).toEqual({ key: 'alerts.dailyCostUsd', value: 15, reason: expect.any(String) });
    expect(analyzeHistory(input({ dailyCostUsd: 50 })).findings.find((finding) => finding.id === 'daily-cost')!.suggestion).toBeUndefined();
  });

  it('scores days and sessions by the documented formula', () => {
    const analysis = analyzeHistory(input());
    // Every day alike: 80% cache hits, cost per output at the median: 0.5 × 0.8 + 0.5 × 1 = 90.
    expect(analysis.days.length).toBe(30);
    expect(new Set(analysis.days.map((day) => day.efficiency))).toEqual(new Set([90]));
    expect(analysis.sessions.find((session) => session.sessionId === 's-3')!.efficiency).toBe(90);
  });
});

describe('estimateBlockLimit', () => {
  it('prefers the configured figure, else limit hits, else the 90th percentile, else nothing', () => {
    const { timeline } = input();
    expect(estimateBlockLimit(timeline, { tokensPerBlock: 123 })).toMatchObject({ tokens: 123, confidence: 'given' });
    const unlimited = identifyBlocks(generatedHistory().records, NOW);
    expect(estimateBlockLimit(unlimited)).toMatchObject({ source: 'p90', confidence: 'low', samples: 30 });
    expect(estimateBlockLimit(identifyBlocks(generatedHistory().records.slice(0, 8), NOW))).toBeNull();
  });
});
