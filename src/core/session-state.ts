import type { AccountLimit, AccountPeer, Fact, LimitKind, LimitSeverity, ModelTotals, TokenUsage } from './facts.js';
import type { Isolation } from './isolation.js';
import type { RunContext } from './run-context.js';
import { ZERO_USAGE } from './facts.js';
import { addUsage } from './token-usage.js';

export type SessionStatus = 'ACTIVE' | 'RATE_LIMITED' | 'COMPLETED' | 'FAILED' | 'INTERRUPTED';
export type RunMode = 'interactive' | 'print' | 'pipe';
export type CostSource = 'claude' | 'computed';

export interface LimitWindowState {
  utilization: number;
  resetsAt: number | null;
  observedAt: number;
}

export interface RateLimitState {
  kind: LimitKind;
  severity: LimitSeverity;
  resetsAt: number | null;
  text: string | null;
  source: string;
  observedAt: number;
  utilization: number | null;
}

/** Prices a request; injected so the reducer stays pure and the table stays swappable. */
export type PriceUsage = (model: string, usage: TokenUsage, options?: { aggregate?: boolean }) => { costUsd: number; known: boolean };

export interface SessionContext {
  id: string;
  mode: RunMode;
  sessionType: string | null;
  projectPath: string | null;
  cwd: string;
  argv: string[];
  pid: number;
  startedAt: number;
  /** Claude's config directory: sessions sharing it share an account and its limits. */
  account: string | null;
  /** How the session learns its Claude session and transcript (see watch-plan.ts). */
  identifyMethod: string | null;
  isolation: Isolation;
}

export interface SessionState extends SessionContext {
  status: SessionStatus;
  claudeSessionId: string | null;
  claudeVersion: string | null;
  transcriptPath: string | null;
  transcriptOffset: number | null;
  model: string | null;
  models: string[];
  endedAt: number | null;
  durationMs: number | null;
  durationApiMs: number | null;
  exitCode: number | null;
  signal: string | null;
  /** The cost we show: Claude's own figure when it gave one, else ours. */
  costUsd: number | null;
  costSource: CostSource | null;
  /** Claude's reported figure and ours, kept side by side so they can be compared. */
  reportedCostUsd: number | null;
  /** Claude's cumulative figures by scope (see CostReportedFact); `reportedCostUsd` is their sum. */
  reportedCosts: Record<string, number>;
  computedCostUsd: number;
  unpricedModels: string[];
  numTurns: number;
  tokens: TokenUsage;
  /** 'result' once Claude reported totals; they include calls that never show as messages. */
  tokensSource: 'messages' | 'result';
  rateLimit: RateLimitState | null;
  rateLimitEvents: number;
  /** Limits other sessions of the account saw that are still in force. */
  accountLimits: AccountLimit[];
  /** The account's other live sessions (unified isolation only). */
  accountPeers: AccountPeer[];
  /** Where the session runs: terminal, SSH, editor, container; its isolation key. */
  place: RunContext | null;
  gitBranch: string | null;
  /** CPU time of Claude's process tree so far, and its peak resident memory. */
  cpuMs: number | null;
  peakRssBytes: number | null;
  /** The latest reading of each limit window's use (statusline), by window. */
  limitWindows: Partial<Record<LimitKind, LimitWindowState>>;
  /** When Claude last answered (a message with output), from the message's own time. */
  lastAnswerAt: number | null;
  apiRetries: number;
  rejectedLines: number;
  resultSubtype: string | null;
  isError: boolean;
  apiError: string | null;
  updatedAt: number;
  /** Last counts per message key; repeats replace, never add. */
  messages: Record<string, { model: string; usage: TokenUsage }>;
  /** Claude's cumulative per-model totals from the latest result. */
  reportedModelTotals: ModelTotals[] | null;
  /** The result's own `usage`, used only when there is nothing better (no modelUsage, no messages). */
  reportedTotals: TokenUsage | null;
}

export function createSessionState(context: SessionContext): SessionState {
  return {
    ...context,
    status: 'ACTIVE',
    claudeSessionId: null,
    claudeVersion: null,
    transcriptPath: null,
    transcriptOffset: null,
    model: null,
    models: [],
    endedAt: null,
    durationMs: null,
    durationApiMs: null,
    exitCode: null,
    signal: null,
    costUsd: null,
    costSource: null,
    reportedCostUsd: null,
    reportedCosts: {},
    computedCostUsd: 0,
    unpricedModels: [],
    numTurns: 0,
    tokens: { ...ZERO_USAGE },
    tokensSource: 'messages',
    rateLimit: null,
    rateLimitEvents: 0,
    accountLimits: [],
    accountPeers: [],
    place: null,
    gitBranch: null,
    cpuMs: null,
    peakRssBytes: null,
    limitWindows: {},
    lastAnswerAt: null,
    apiRetries: 0,
    rejectedLines: 0,
    resultSubtype: null,
    isError: false,
    apiError: null,
    updatedAt: context.startedAt,
    messages: {},
    reportedModelTotals: null,
    reportedTotals: null,
  };
}

/** Claude's figures that are not tied to one transcript: the `result` of a print run. */
const PROCESS_SCOPE = 'process';

const FINAL_STATUSES: ReadonlySet<SessionStatus> = new Set(['COMPLETED', 'FAILED', 'INTERRUPTED']);

export function isFinalStatus(status: SessionStatus): boolean {
  return FINAL_STATUSES.has(status);
}

/** Signals a person or a terminal sends to stop a program: the run was interrupted, not broken. */
const INTERRUPT_SIGNALS = new Set(['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGKILL', 'SIGQUIT']);

/** The one place that decides what a fact means for a session. Pure: no clock, no I/O. */
export function reduceSession(state: SessionState, fact: Fact, now: number, priceUsage?: PriceUsage): SessionState {
  const next = reduceFact(state, fact, now, priceUsage);
  return next === state ? state : { ...next, updatedAt: now };
}

function reduceFact(state: SessionState, fact: Fact, now: number, priceUsage?: PriceUsage): SessionState {
  switch (fact.kind) {
    case 'session-identified':
      return {
        ...state,
        claudeSessionId: fact.claudeSessionId,
        claudeVersion: fact.claudeVersion ?? state.claudeVersion,
        transcriptPath: fact.transcriptPath ?? state.transcriptPath,
        transcriptOffset: fact.transcriptPath !== undefined ? (fact.transcriptOffset ?? state.transcriptOffset) : state.transcriptOffset,
        model: fact.model ?? state.model,
        models: fact.model ? addModel(state.models, fact.model) : state.models,
      };
    case 'usage': {
      const messages = { ...state.messages, [fact.messageKey]: { model: fact.model, usage: fact.usage } };
      const withUsage = { ...state, messages, models: addModel(state.models, fact.model) };
      // Claude answering again means a limit no longer holds it back.
      const answered = fact.usage.outputTokens > 0;
      const status = state.status === 'RATE_LIMITED' && answered ? 'ACTIVE' : state.status;
      const lastAnswerAt = answered ? Math.max(state.lastAnswerAt ?? 0, fact.at ?? now) : state.lastAnswerAt;
      return recomputeTotals({ ...withUsage, status, lastAnswerAt }, priceUsage);
    }
    case 'cost-reported': {
      const reportedCosts = { ...state.reportedCosts, [fact.scope ?? PROCESS_SCOPE]: fact.costUsd };
      const reportedCostUsd = Object.values(reportedCosts).reduce((sum, cost) => sum + cost, 0);
      return withCost({ ...state, reportedCosts, reportedCostUsd });
    }
    case 'result': {
      const withResult: SessionState = {
        ...state,
        resultSubtype: fact.subtype,
        isError: fact.isError,
        apiError: fact.apiError ?? state.apiError,
        numTurns: fact.numTurns ?? state.numTurns,
        durationApiMs: fact.durationApiMs ?? state.durationApiMs,
        reportedModelTotals: fact.modelTotals ?? state.reportedModelTotals,
        reportedTotals: fact.totals ?? state.reportedTotals,
        models: (fact.modelTotals ?? []).reduce((models, total) => addModel(models, total.model), state.models),
      };
      return recomputeTotals(withResult, priceUsage);
    }
    case 'rate-limit': {
      const observed: RateLimitState = {
        kind: fact.limitKind,
        severity: fact.severity,
        resetsAt: fact.resetsAt,
        text: fact.text ?? null,
        source: fact.source,
        observedAt: fact.at,
        utilization: fact.utilization ?? null,
      };
      const status = !isFinalStatus(state.status) && fact.severity === 'limit' ? 'RATE_LIMITED' : state.status;
      const limitHolds = state.status === 'RATE_LIMITED' || isFinalStatus(state.status);
      return { ...state, rateLimit: chooseRateLimit(state.rateLimit, observed, limitHolds), status, rateLimitEvents: state.rateLimitEvents + 1 };
    }
    case 'hook':
    case 'git-commits':
      return state;
    case 'session-started':
      return { ...state, place: fact.place, gitBranch: fact.gitBranch };
    case 'process-stats':
      if (fact.cpuMs === state.cpuMs && fact.peakRssBytes === state.peakRssBytes) return state;
      return { ...state, cpuMs: fact.cpuMs, peakRssBytes: fact.peakRssBytes };
    case 'limit-window': {
      const previous = state.limitWindows[fact.window];
      if (previous && previous.utilization === fact.utilization && previous.resetsAt === fact.resetsAt) return state;
      return { ...state, limitWindows: { ...state.limitWindows, [fact.window]: { utilization: fact.utilization, resetsAt: fact.resetsAt, observedAt: fact.at } } };
    }
    case 'account-limits': {
      const peers = fact.peers ?? [];
      if (sameJson(state.accountLimits, fact.limits) && sameJson(state.accountPeers, peers)) return state;
      return { ...state, accountLimits: fact.limits, accountPeers: peers };
    }
    case 'api-retry':
      return { ...state, apiRetries: state.apiRetries + 1 };
    case 'turn-completed':
      return { ...state, numTurns: state.numTurns + 1 };
    case 'line-rejected':
      return { ...state, rejectedLines: state.rejectedLines + 1 };
    case 'child-exited':
      return {
        ...state,
        exitCode: fact.exitCode,
        signal: fact.signal,
        endedAt: fact.at,
        durationMs: Math.max(0, fact.at - state.startedAt),
        status: finalStatus(fact.exitCode, fact.signal),
      };
    default:
      return assertNever(fact);
  }
}

/** Re-evaluates the time-dependent part of the state: a limit whose reset has passed is lifted. */
export function refreshSession(state: SessionState, now: number): SessionState {
  if (state.status !== 'RATE_LIMITED' || state.rateLimit === null) return state;
  if (isInForce(state.rateLimit, now)) return state;
  return { ...state, status: 'ACTIVE', updatedAt: now };
}

export function isInForce(limit: RateLimitState | null, now: number): boolean {
  if (limit === null || limit.severity !== 'limit') return false;
  return limit.resetsAt === null || limit.resetsAt > now;
}

/**
 * The session shows the limit that matters now. A limit in force outranks any warning; once
 * Claude answers again it is over and a newer warning may take its place. Several sources
 * often report one event (the transcript, a hook, the screen): a report that says less (no
 * window, no reset time) does not replace one that said more a moment ago; it adds only what
 * was missing, such as the words Claude showed.
 */
function chooseRateLimit(current: RateLimitState | null, observed: RateLimitState, limitHolds: boolean): RateLimitState {
  if (current === null) return observed;
  if (current.severity === 'limit' && observed.severity === 'warning' && limitHolds) return current;
  const sameEvent = current.severity === observed.severity && observed.observedAt - current.observedAt <= SAME_EVENT_MS;
  if (!sameEvent) return observed;
  const [better, other] = detail(observed) >= detail(current) ? [observed, current] : [current, observed];
  const sameWindow = other.kind === better.kind || other.kind === 'subscription';
  return {
    ...better,
    text: better.text ?? other.text,
    resetsAt: better.resetsAt ?? (sameWindow ? other.resetsAt : null),
    utilization: better.utilization ?? (sameWindow ? other.utilization : null),
    observedAt: Math.max(current.observedAt, observed.observedAt),
  };
}

/** Reports of one event arrive within seconds of each other; a later one is a new event. */
const SAME_EVENT_MS = 60_000;

/** How much a report says: its window, then its reset time, then how it was learnt. */
function detail(limit: RateLimitState): number {
  const specificWindow = limit.kind !== 'subscription' ? 4 : 0;
  const reset = limit.resetsAt !== null ? 2 : 0;
  const structured = limit.source !== 'screen' && limit.source !== 'print-text' ? 1 : 0;
  return specificWindow + reset + structured;
}

function finalStatus(exitCode: number, signal: string | null): SessionStatus {
  if (signal !== null && INTERRUPT_SIGNALS.has(signal)) return 'INTERRUPTED';
  return exitCode === 0 ? 'COMPLETED' : 'FAILED';
}

/**
 * Token totals, best source first: Claude's per-model totals (they include calls that never show
 * as messages), then the messages we saw (de-duplicated by key), then the result's bare `usage`.
 */
function recomputeTotals(state: SessionState, priceUsage?: PriceUsage): SessionState {
  let tokens: TokenUsage = { ...ZERO_USAGE };
  let computedCostUsd = 0;
  const unpriced = new Set(state.unpricedModels);
  const price = (model: string, usage: TokenUsage, aggregate: boolean): void => {
    if (!priceUsage) return;
    const { costUsd, known } = priceUsage(model, usage, { aggregate });
    computedCostUsd += costUsd;
    if (!known) unpriced.add(model);
  };
  const messages = Object.values(state.messages);
  let tokensSource: SessionState['tokensSource'] = 'messages';
  if (state.reportedModelTotals && state.reportedModelTotals.length > 0) {
    tokensSource = 'result';
    for (const total of state.reportedModelTotals) {
      tokens = addUsage(tokens, total);
      price(total.model, total, true);
    }
  } else if (messages.length > 0) {
    for (const { model, usage } of messages) {
      tokens = addUsage(tokens, usage);
      price(model, usage, false);
    }
  } else if (state.reportedTotals) {
    tokensSource = 'result';
    tokens = { ...state.reportedTotals };
    if (state.model) price(state.model, tokens, true);
  }
  return withCost({ ...state, tokens, tokensSource, computedCostUsd, unpricedModels: [...unpriced] });
}

function withCost(state: SessionState): SessionState {
  if (state.reportedCostUsd !== null) return { ...state, costUsd: state.reportedCostUsd, costSource: 'claude' };
  const hasUsage = state.tokens.inputTokens + state.tokens.outputTokens + state.tokens.cacheCreationTokens + state.tokens.cacheReadTokens > 0;
  return hasUsage ? { ...state, costUsd: state.computedCostUsd, costSource: 'computed' } : state;
}

function sameJson<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, i) => JSON.stringify(item) === JSON.stringify(b[i]));
}

function addModel(models: string[], model: string): string[] {
  if (model === '<synthetic>' || model === 'unknown' || models.includes(model)) return models;
  return [...models, model];
}

function assertNever(value: never): never {
  throw new Error(`unhandled fact: ${JSON.stringify(value)}`);
}
