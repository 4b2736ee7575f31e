import { describe, expect, it } from 'vitest';
import type { Fact, UsageObservedFact } from '../../src/core/facts.js';
import { MessageBook } from '../../src/core/message-book.js';
import { createSessionState, reduceSession, refreshSession, type PriceUsage, type SessionState } from '../../src/core/session-state.js';
import { viewOfSession } from '../../src/core/session-view.js';

const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);

function start(): SessionState {
  return createSessionState({ id: 'ours', mode: 'print', sessionType: null, projectPath: null, cwd: '/w', argv: [], pid: 1, startedAt: T0, account: null, identifyMethod: null, isolation: 'shared-learning' });
}

const price: PriceUsage = (model, usage) => ({ costUsd: usage.outputTokens / 1e6, known: model !== 'mystery' });

/** Facts as the recorder hands them on: usage placed in the run's message book first. */
function fold(facts: Fact[], state = start(), now = T0 + 1000, book = new MessageBook('ours', T0)): SessionState {
  return facts.reduce((current, fact) => {
    const placed = fact.kind === 'usage' ? book.place(fact) : fact;
    return placed === null ? current : reduceSession(current, placed, now, price);
  }, state);
}

const usage = (messageKey: string, outputTokens: number, model = 'claude-sonnet-4-5', extra: Partial<UsageObservedFact> = {}): UsageObservedFact => {
  const [messageId = messageKey, requestId = null] = messageKey.split(':');
  return {
    kind: 'usage',
    source: 'stream-json',
    messageKey,
    messageId,
    requestId,
    model,
    usage: { inputTokens: 10, outputTokens, cacheCreationTokens: 0, cacheReadTokens: 5 },
    ...extra,
  };
};

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

  it('counts what the messages say, keeps Claude’s per-model figures beside them, and takes the model from them until a message names one', () => {
    const totals = [
      { model: 'a', inputTokens: 1, outputTokens: 2, cacheCreationTokens: 3, cacheReadTokens: 4, costUsd: 0.01 },
      { model: 'mystery', inputTokens: 10, outputTokens: 20, cacheCreationTokens: 30, cacheReadTokens: 40, costUsd: 0.5 },
    ];
    const result: Fact = { kind: 'result', source: 'stream-json', subtype: 'success', isError: false, numTurns: 2, modelTotals: totals };
    const before = fold([result]);
    expect(before.model).toBe('mystery');
    expect(before.tokens).toEqual({ inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0 });
    const state = fold([usage('m1', 100, 'claude-sonnet-4-5', { answersPrompt: true }), result]);
    expect(state.tokens).toEqual({ inputTokens: 10, outputTokens: 100, cacheCreationTokens: 0, cacheReadTokens: 5 });
    expect(state).toMatchObject({ numTurns: 1, claudeNumTurns: 2, model: 'claude-sonnet-4-5', claudeModelTotals: totals, messageCount: 1 });
  });

  it('counts a turn once for a prompt’s first answer, however often its message is reported', () => {
    const state = fold([
      usage('m1:r1', 1, 'claude-sonnet-4-5', { answersPrompt: true }),
      usage('m1:r1', 30, 'claude-sonnet-4-5', { answersPrompt: true }),
      usage('m2:r2', 9),
      usage('m3:r3', 4, 'claude-sonnet-4-5', { answersPrompt: true }),
    ]);
    expect(state.numTurns).toBe(2);
    expect(state.messageCount).toBe(3);
  });

  it('adds nothing for a copy of an earlier message, with or without its request id', () => {
    const book = new MessageBook('ours', T0);
    const earlier = { messageId: 'm1', requestId: 'r1', model: 'claude-sonnet-4-5', usage: { inputTokens: 10, outputTokens: 5, cacheCreationTokens: 0, cacheReadTokens: 0 }, answersPrompt: true, runId: 'before', at: T0 - 60_000 };
    const lookup = (id: string) => (id === 'm1' ? [earlier] : []);
    let state = start();
    for (const fact of [usage('m1', 5, 'claude-sonnet-4-5', { answersPrompt: true }), usage('m1:r1', 5), usage('m2:r2', 3, 'claude-sonnet-4-5', { answersPrompt: true })]) {
      const placed = book.place(fact, lookup);
      if (placed) state = reduceSession(state, placed, T0 + 1000, price);
    }
    expect(state.tokens.outputTokens).toBe(3);
    expect(state).toMatchObject({ numTurns: 1, messageCount: 1 });
  });

  it('takes a message back out when the ledger finds it to be earlier work after all', () => {
    const book = new MessageBook('ours', T0);
    let state = fold([usage('m1', 5, 'claude-sonnet-4-5', { answersPrompt: true }), usage('m2', 7)], start(), T0 + 1000, book);
    const entry = book.takeDirty().find((candidate) => candidate.messageId === 'm1')!;
    state = reduceSession(state, book.markInherited(entry)!, T0 + 2000, price);
    expect(state.tokens.outputTokens).toBe(7);
    expect(state).toMatchObject({ numTurns: 0, messageCount: 1 });
    expect(state.computedCostUsd).toBeCloseTo(7e-6, 12);
  });

  it('does the same work for the ten-thousandth message as for the tenth', () => {
    let pricings = 0;
    const counting: PriceUsage = (model, tokens) => {
      pricings += 1;
      return price(model, tokens);
    };
    const book = new MessageBook('ours', T0);
    let state = start();
    const workFor = (index: number): number => {
      const before = pricings;
      // Each message reported twice, as Claude writes a line per content block with growing output.
      for (const output of [1, 40]) state = reduceSession(state, book.place(usage(`m${index}:r${index}`, output))!, T0 + 1000, counting);
      return pricings - before;
    };
    const early: number[] = [];
    const late: number[] = [];
    for (let index = 0; index < 10_000; index++) (index < 10 ? early : late).push(workFor(index));
    expect(new Set([...early, ...late])).toEqual(new Set([early[0]]));
    expect(early[0]).toBeLessThanOrEqual(3);
    expect(Object.keys(state).length).toBe(Object.keys(start()).length);
    expect(state.messageCount).toBe(10_000);
    expect(state.tokens.outputTokens).toBe(400_000);
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

  it('adds up what each transcript’s cumulative figure grew by, and replaces a figure of the same one', () => {
    const state = fold([
      { kind: 'session-identified', source: 'transcript', claudeSessionId: 'a', transcriptPath: '/t/a.jsonl', transcriptOffset: 900, costBaselineUsd: 0.08 },
      { kind: 'cost-reported', source: 'transcript', costUsd: 0.1, scope: '/t/a.jsonl' },
      { kind: 'cost-reported', source: 'transcript', costUsd: 0.3, scope: '/t/a.jsonl' },
      { kind: 'cost-reported', source: 'transcript', costUsd: 0.05, scope: '/t/b.jsonl' },
    ]);
    expect(state.reportedCostUsd).toBeCloseTo(0.27, 12);
    expect(state.costSource).toBe('claude');
  });

  it('turns a continued session’s cumulative print figure into this run’s share', () => {
    const identified: Fact = { kind: 'session-identified', source: 'transcript', claudeSessionId: 's', transcriptPath: '/t/s.jsonl', transcriptOffset: 4000, costBaselineUsd: 0.0099 };
    // 2.1.x: the result restores the session's figure; the transcript's cost line says the same.
    expect(fold([identified, { kind: 'cost-reported', source: 'stream-json', costUsd: 0.0222 }]).reportedCostUsd).toBeCloseTo(0.0123, 12);
    expect(
      fold([identified, { kind: 'cost-reported', source: 'stream-json', costUsd: 0.0222 }, { kind: 'cost-reported', source: 'transcript', costUsd: 0.0222, scope: '/t/s.jsonl' }]).reportedCostUsd,
    ).toBeCloseTo(0.0123, 12);
    // Versions that report per process write no cost lines: the figure is the run's own.
    expect(fold([{ kind: 'cost-reported', source: 'stream-json', costUsd: 0.0103 }]).reportedCostUsd).toBe(0.0103);
  });

  it('keeps the exact reset instant of a limit, whichever report came first', () => {
    const exact = Date.UTC(2026, 10, 22, 13, 12, 1);
    const event: Fact = { kind: 'rate-limit', source: 'stream-json', severity: 'limit', limitKind: 'five_hour', resetsAt: exact, at: T0 };
    const text: Fact = {
      kind: 'rate-limit',
      source: 'stream-json',
      severity: 'limit',
      limitKind: 'five_hour',
      resetsAt: exact - 1000,
      resetPrecision: 'minute',
      text: "You've hit your 5-hour limit · resets 1:12pm (UTC)",
      at: T0 + 300,
    };
    for (const order of [[event, text], [text, event]]) {
      expect(fold(order).rateLimit).toMatchObject({ resetsAt: exact, resetPrecision: 'second', text: "You've hit your 5-hour limit · resets 1:12pm (UTC)" });
    }
  });

  it('shows the limits other sessions of the account saw, changing state only when they change', () => {
    const limits = [{ kind: 'five_hour' as const, resetsAt: T0 + 60_000, text: null, observedAt: T0, sessionId: 'other' }];
    const state = fold([{ kind: 'account-limits', source: 'runner', limits }]);
    expect(state.accountLimits).toEqual(limits);
    expect(state.status).toBe('ACTIVE');
    expect(reduceSession(state, { kind: 'account-limits', source: 'runner', limits: [...limits] }, T0 + 2000)).toBe(state);
  });
});

describe('waiting for the user', () => {
  it('shows the wait in the state and its view, and clears it when Claude exits', () => {
    const waiting = fold([
      { kind: 'hook', source: 'hook', event: 'UserPromptSubmit', at: T0 + 100 },
      { kind: 'hook', source: 'hook', event: 'PermissionRequest', toolName: 'Bash', at: T0 + 200 },
    ]);
    expect(waiting).toMatchObject({ activity: 'working', waiting: { since: T0 + 200, reason: 'permission', message: 'Claude needs your permission to use Bash' } });
    expect(viewOfSession(waiting, { host: null, heartbeatAt: null })).toMatchObject({ activity: 'working', waiting: { since: new Date(T0 + 200).toISOString(), reason: 'permission' } });
    const ended = fold([{ kind: 'child-exited', source: 'runner', exitCode: 0, signal: null, at: T0 + 300 }], waiting);
    expect(ended).toMatchObject({ waiting: null, activity: null });
    // A late hook line of a session that ended changes nothing.
    expect(fold([{ kind: 'hook', source: 'hook', event: 'PermissionRequest', at: T0 + 400 }], ended)).toBe(ended);
  });
});
