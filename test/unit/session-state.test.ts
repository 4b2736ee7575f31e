import { describe, expect, it } from 'vitest';
import type { Fact } from '../../src/core/facts.js';
import { createSessionState, reduceSession, refreshSession, type SessionState } from '../../src/core/session-state.js';

const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);

function start(): SessionState {
  return createSessionState({ id: 'ours', mode: 'print', sessionType: null, projectPath: null, cwd: '/w', argv: [], pid: 1, startedAt: T0 });
}

function fold(facts: Fact[], state = start(), now = T0 + 1000): SessionState {
  return facts.reduce((current, fact) => reduceSession(current, fact, now, (model, usage) => ({ costUsd: usage.outputTokens / 1e6, known: model !== 'mystery' })), state);
}

const usage = (messageKey: string, outputTokens: number, model = 'claude-sonnet-4-5'): Fact => ({
  kind: 'usage',
  source: 'stream-json',
  messageKey,
  model,
  usage: { inputTokens: 10, outputTokens, cacheCreationTokens: 0, cacheReadTokens: 5 },
});

describe('reduceSession', () => {
  it('keeps the last counts of a repeated message key instead of adding them', () => {
    const state = fold([usage('m1:r1', 1), usage('m1:r1', 40), usage('m2:r2', 7)]);
    expect(state.tokens).toEqual({ inputTokens: 20, outputTokens: 47, cacheCreationTokens: 0, cacheReadTokens: 10 });
    expect(state.costSource).toBe('computed');
    expect(state.computedCostUsd).toBeCloseTo(47e-6, 12);
  });

  it('lets Claude’s reported cost win and keeps ours beside it', () => {
    const state = fold([usage('m1', 100), { kind: 'cost-reported', source: 'stream-json', costUsd: 0.25 }]);
    expect(state).toMatchObject({ costUsd: 0.25, costSource: 'claude', reportedCostUsd: 0.25 });
    expect(state.computedCostUsd).toBeCloseTo(100e-6, 12);
  });

  it('takes token totals from the result’s modelUsage over the messages it saw', () => {
    const state = fold([
      usage('m1', 100),
      {
        kind: 'result',
        source: 'stream-json',
        subtype: 'success',
        isError: false,
        numTurns: 2,
        modelTotals: [
          { model: 'a', inputTokens: 1, outputTokens: 2, cacheCreationTokens: 3, cacheReadTokens: 4 },
          { model: 'mystery', inputTokens: 10, outputTokens: 20, cacheCreationTokens: 30, cacheReadTokens: 40 },
        ],
      },
    ]);
    expect(state.tokens).toEqual({ inputTokens: 11, outputTokens: 22, cacheCreationTokens: 33, cacheReadTokens: 44 });
    expect(state.tokensSource).toBe('result');
    expect(state.numTurns).toBe(2);
    expect(state.unpricedModels).toEqual(['mystery']);
  });

  it('goes RATE_LIMITED on a limit, keeps it over a later warning, and ends FAILED on exit 1', () => {
    const resetsAt = T0 + 3_600_000;
    let state = fold([{ kind: 'rate-limit', source: 'stream-json', severity: 'limit', limitKind: 'five_hour', resetsAt, at: T0 }]);
    expect(state.status).toBe('RATE_LIMITED');
    state = fold([{ kind: 'rate-limit', source: 'print-text', severity: 'warning', limitKind: 'seven_day', resetsAt: null, text: 'Over 75%', at: T0 }], state);
    expect(state.rateLimit).toMatchObject({ kind: 'five_hour', severity: 'limit', resetsAt });
    state = fold([{ kind: 'child-exited', source: 'runner', exitCode: 1, signal: null, at: T0 + 5000 }], state);
    expect(state).toMatchObject({ status: 'FAILED', exitCode: 1, durationMs: 5000, endedAt: T0 + 5000 });
    expect(state.rateLimit?.kind).toBe('five_hour');
  });

  it('keeps the structured reset instant and adds the words Claude showed', () => {
    const resetsAt = T0 + 7_200_000;
    const state = fold([
      { kind: 'rate-limit', source: 'stream-json', severity: 'limit', limitKind: 'five_hour', resetsAt, at: T0 },
      { kind: 'rate-limit', source: 'stream-json', severity: 'limit', limitKind: 'subscription', resetsAt: resetsAt + 60_000, text: "You've hit your limit · resets 2pm", at: T0 },
    ]);
    expect(state.rateLimit).toMatchObject({ kind: 'five_hour', resetsAt, text: "You've hit your limit · resets 2pm" });
  });

  it('returns to ACTIVE when Claude answers again or the reset passes', () => {
    const limited = fold([{ kind: 'rate-limit', source: 'screen', severity: 'limit', limitKind: 'five_hour', resetsAt: T0 + 60_000, at: T0 }]);
    expect(fold([usage('m9', 3)], limited).status).toBe('ACTIVE');
    expect(refreshSession(limited, T0 + 59_000).status).toBe('RATE_LIMITED');
    expect(refreshSession(limited, T0 + 61_000).status).toBe('ACTIVE');
  });

  it('maps how Claude ended to a final status', () => {
    const end = (exitCode: number, signal: string | null) => fold([{ kind: 'child-exited', source: 'runner', exitCode, signal, at: T0 + 1 }]).status;
    expect(end(0, null)).toBe('COMPLETED');
    expect(end(3, null)).toBe('FAILED');
    expect(end(130, 'SIGINT')).toBe('INTERRUPTED');
    expect(end(139, 'SIGSEGV')).toBe('FAILED');
  });

  it('counts rejected lines and api retries', () => {
    const state = fold([
      { kind: 'line-rejected', source: 'stream-json', reason: 'x' },
      { kind: 'line-rejected', source: 'stream-json', reason: 'y' },
      { kind: 'api-retry', source: 'stream-json', attempt: 1, at: T0 },
    ]);
    expect(state).toMatchObject({ rejectedLines: 2, apiRetries: 1 });
  });
});
