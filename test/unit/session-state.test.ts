import { describe, expect, it } from 'vitest';
import type { Fact } from '../../src/core/facts.js';
import { createSessionState, reduceSession, refreshSession, type SessionState } from '../../src/core/session-state.js';

const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);

function start(): SessionState {
  return createSessionState({ id: 'ours', mode: 'print', sessionType: null, projectPath: null, cwd: '/w', argv: [], pid: 1, startedAt: T0, account: null, identifyMethod: null, isolation: 'shared-learning' });
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
  it('does not let a vaguer report of the same limit replace one that named the window and the reset', () => {
    const resetsAt = T0 + 3 * 3_600_000;
    const state = fold([
      { kind: 'rate-limit', source: 'transcript', severity: 'limit', limitKind: 'five_hour', resetsAt, text: "You've hit your 5-hour limit · resets 3pm (UTC)", at: T0 },
      { kind: 'rate-limit', source: 'hook', severity: 'limit', limitKind: 'subscription', resetsAt: null, at: T0 + 100 },
      { kind: 'rate-limit', source: 'transcript', severity: 'limit', limitKind: 'subscription', resetsAt: resetsAt - 8000, text: 'Usage limit reached · set to continue automatically at 3pm', at: T0 + 200 },
    ]);
    expect(state.rateLimit).toMatchObject({ kind: 'five_hour', resetsAt, text: "You've hit your 5-hour limit · resets 3pm (UTC)", observedAt: T0 + 200 });
    expect(state.rateLimitEvents).toBe(3);
  });

  it('lets a newer warning replace a limit once Claude answered again', () => {
    let state = fold([{ kind: 'rate-limit', source: 'transcript', severity: 'limit', limitKind: 'five_hour', resetsAt: T0 + 3_600_000, at: T0 }]);
    state = fold([usage('m2', 10), { kind: 'rate-limit', source: 'screen', severity: 'warning', limitKind: 'seven_day', resetsAt: T0 + 86_400_000, utilization: 0.8, text: "You've used 80% of your weekly limit", at: T0 + 5000 }], state);
    expect(state.status).toBe('ACTIVE');
    expect(state.rateLimit).toMatchObject({ kind: 'seven_day', severity: 'warning', utilization: 0.8 });
    expect(state.lastAnswerAt).toBe(T0 + 1000);
  });

  it('adds up cost figures of different transcripts and replaces those of the same one', () => {
    const state = fold([
      { kind: 'cost-reported', source: 'transcript', costUsd: 0.1, scope: '/t/a.jsonl' },
      { kind: 'cost-reported', source: 'transcript', costUsd: 0.3, scope: '/t/a.jsonl' },
      { kind: 'cost-reported', source: 'transcript', costUsd: 0.05, scope: '/t/b.jsonl' },
    ]);
    expect(state.reportedCostUsd).toBeCloseTo(0.35, 12);
    expect(state.costSource).toBe('claude');
  });

  it('shows the limits other sessions of the account saw, changing state only when they change', () => {
    const limits = [{ kind: 'five_hour' as const, resetsAt: T0 + 60_000, text: null, observedAt: T0, sessionId: 'other' }];
    const state = fold([{ kind: 'account-limits', source: 'runner', limits }]);
    expect(state.accountLimits).toEqual(limits);
    expect(state.status).toBe('ACTIVE');
    expect(reduceSession(state, { kind: 'account-limits', source: 'runner', limits: [...limits] }, T0 + 2000)).toBe(state);
  });
});
