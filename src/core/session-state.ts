import { NO_ATTENTION, reduceAttention, type Activity, type Waiting } from './attention.js';
import { NO_COST_FIGURES, runCostShare, type RunCostFigures } from './cost-share.js';
import { isSameLimitEvent, mergeLimitReports, type LimitReport } from './limit-event.js';
import { statusOfReading, type WindowReading } from './limit-windows.js';
import type { AccountLimit, AccountPeer, Fact, LimitKind, ModelTotals, TokenUsage, UsageObservedFact } from './facts.js';
import type { Isolation } from './isolation.js';
import type { RunContext } from './run-context.js';
import { ZERO_USAGE } from './facts.js';
import { addUsage, subtractUsage } from './token-usage.js';

export type SessionStatus = 'ACTIVE' | 'RATE_LIMITED' | 'COMPLETED' | 'FAILED' | 'INTERRUPTED';
export type RunMode = 'interactive' | 'print' | 'pipe';
export type CostSource = 'claude' | 'computed';

/** The latest reading of one window (core/limit-windows.ts), by whichever source or session gave it. */
export type LimitWindowState = Omit<WindowReading, 'kind'>;

export type RateLimitState = LimitReport;

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
  /** The cost we show: Claude's own figure for this run when it gave one, else ours. */
  costUsd: number | null;
  costSource: CostSource | null;
  /** This run's share of Claude's own figures (core/cost-share.ts), and ours, kept side by side. */
  reportedCostUsd: number | null;
  costFigures: RunCostFigures;
  computedCostUsd: number;
  unpricedModels: string[];
  /** Prompts the user sent that Claude answered, counted alike in every mode. */
  numTurns: number;
  /** Claude's own `num_turns` (model round trips, by its own rules), where it reported one. */
  claudeNumTurns: number | null;
  /** What this run added: every message counted once, earlier work left out. */
  tokens: TokenUsage;
  /** Messages this run added. */
  messageCount: number;
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
  /** The latest reading of each limit window Claude reported for the account, by window. */
  limitWindows: Partial<Record<LimitKind, LimitWindowState>>;
  /** When Claude last answered (a message with output), from the message's own time. */
  lastAnswerAt: number | null;
  apiRetries: number;
  rejectedLines: number;
  resultSubtype: string | null;
  isError: boolean;
  apiError: string | null;
  updatedAt: number;
  /** Claude's per-model figures from the latest result, as it reported them (cumulative for a resumed session). */
  claudeModelTotals: ModelTotals[] | null;
  /** The latest result's own `usage`: the process's requests (2.x: this run's). */
  claudeResultUsage: TokenUsage | null;
  /** What Claude waits for the user to answer mid-turn, if anything (core/attention.ts). */
  waiting: Waiting | null;
  /** Working on a turn, or idle until the next prompt; null until a hook or the screen tells. */
  activity: Activity | null;
  /** When the opt-in continue after a limit will type its prompt into the screen; null if it will not. */
  resumeAt: number | null;
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
    costFigures: NO_COST_FIGURES,
    computedCostUsd: 0,
    unpricedModels: [],
    numTurns: 0,
    claudeNumTurns: null,
    tokens: { ...ZERO_USAGE },
    messageCount: 0,
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
    claudeModelTotals: null,
    claudeResultUsage: null,
    ...NO_ATTENTION,
    resumeAt: null,
  };
}

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
        costFigures: fact.transcriptPath !== undefined && fact.costBaselineUsd !== undefined ? withBaseline(state.costFigures, fact.transcriptPath, fact.costBaselineUsd) : state.costFigures,
        model: state.model ?? fact.model ?? null,
        models: fact.model ? addModel(state.models, fact.model) : state.models,
      };
    case 'usage':
      return countUsage(state, fact, now, priceUsage);
    case 'cost-reported': {
      const costFigures =
        fact.scope === undefined ? { ...state.costFigures, processUsd: fact.costUsd } : withLatest(state.costFigures, fact.scope, fact.costUsd, fact.baselineUsd);
      return withCost({ ...state, costFigures, reportedCostUsd: runCostShare(costFigures) });
    }
    case 'result': {
      const totals = fact.modelTotals ?? null;
      return {
        ...state,
        resultSubtype: fact.subtype,
        isError: fact.isError,
        apiError: fact.apiError ?? state.apiError,
        claudeNumTurns: fact.numTurns ?? state.claudeNumTurns,
        durationApiMs: fact.durationApiMs ?? state.durationApiMs,
        claudeModelTotals: totals ?? state.claudeModelTotals,
        claudeResultUsage: fact.totals ?? state.claudeResultUsage,
        // Before any message names it, the model Claude reported is the run's.
        model: state.model ?? mainModelOf(totals),
        models: (totals ?? []).reduce((models, total) => addModel(models, total.model), state.models),
      };
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
        resetPrecision: fact.resetPrecision ?? 'second',
      };
      const status = !isFinalStatus(state.status) && fact.severity === 'limit' ? 'RATE_LIMITED' : state.status;
      const limitHolds = state.status === 'RATE_LIMITED' || isFinalStatus(state.status);
      return { ...state, rateLimit: chooseRateLimit(state.rateLimit, observed, limitHolds), status, rateLimitEvents: state.rateLimitEvents + 1 };
    }
    case 'hook':
    case 'prompt-seen': {
      if (isFinalStatus(state.status)) return state;
      const { waiting, activity } = reduceAttention(state, fact);
      return waiting === state.waiting && activity === state.activity ? state : { ...state, waiting, activity };
    }
    case 'git-commits':
      return state;
    case 'session-started':
      return { ...state, place: fact.place, gitBranch: fact.gitBranch };
    case 'process-stats':
      if (fact.cpuMs === state.cpuMs && fact.peakRssBytes === state.peakRssBytes) return state;
      return { ...state, cpuMs: fact.cpuMs, peakRssBytes: fact.peakRssBytes };
    case 'limit-window': {
      const previous = state.limitWindows[fact.window];
      const status = statusOfReading(fact.utilization, fact.status, previous, fact.resetsAt);
      // Claude refreshes the statusline with the same numbers many times a minute: only a change is news.
      if (previous && previous.utilization === fact.utilization && previous.resetsAt === fact.resetsAt && previous.status === status) return state;
      const reading: LimitWindowState = { utilization: fact.utilization, resetsAt: fact.resetsAt, status, source: fact.source, observedAt: fact.at };
      return { ...state, limitWindows: { ...state.limitWindows, [fact.window]: reading } };
    }
    case 'account-limits': {
      const peers = fact.peers ?? [];
      const limitWindows = withAccountWindows(state.limitWindows, fact.windows ?? []);
      if (sameJson(state.accountLimits, fact.limits) && sameJson(state.accountPeers, peers) && limitWindows === state.limitWindows) return state;
      return { ...state, accountLimits: fact.limits, accountPeers: peers, limitWindows };
    }
    case 'api-retry':
      return { ...state, apiRetries: state.apiRetries + 1 };
    case 'turn-completed':
      // Turns are counted where a prompt's first answer is (a usage report that answers it): a
      // copy of an earlier turn in a resumed transcript is then counted no more than its message.
      return state;
    case 'line-rejected':
      return { ...state, rejectedLines: state.rejectedLines + 1 };
    case 'limit-resume': {
      const resumeAt = fact.stage === 'planned' ? fact.resumeAt : null;
      return resumeAt === state.resumeAt ? state : { ...state, resumeAt };
    }
    case 'child-exited':
      return {
        ...state,
        resumeAt: null,
        exitCode: fact.exitCode,
        signal: fact.signal,
        endedAt: fact.at,
        durationMs: Math.max(0, fact.at - state.startedAt),
        status: finalStatus(fact.exitCode, fact.signal),
        ...NO_ATTENTION,
      };
    default:
      return assertNever(fact);
  }
}

/**
 * A print run whose messages were never seen (no transcript to read: a version or setting that
 * keeps none, or a directory we cannot reach) still answered, and its result says what that
 * cost: the result's figures stand as the run's messages, under keys of their own. Per model
 * where the per-model totals are this run's alone (they add up to its own usage, or are all
 * there is); else the result's usage, which a continued 2.x session's totals would overstate.
 */
export function usageOfUnseenRun(state: SessionState, at: number): UsageObservedFact[] {
  if (state.messageCount > 0) return [];
  const perModel = state.claudeModelTotals ?? [];
  const own = state.claudeResultUsage;
  const sum = perModel.reduce<TokenUsage>((total, model) => addUsage(total, model), { ...ZERO_USAGE });
  const parts: Array<{ model: string; usage: TokenUsage }> =
    perModel.length > 0 && (own === null || sameCounts(sum, own))
      ? perModel.map((total) => ({ model: total.model, usage: { inputTokens: total.inputTokens, outputTokens: total.outputTokens, cacheCreationTokens: total.cacheCreationTokens, cacheReadTokens: total.cacheReadTokens } }))
      : own !== null
        ? [{ model: state.model ?? 'unknown', usage: own }]
        : [];
  return parts
    .filter((part) => part.usage.inputTokens + part.usage.outputTokens + part.usage.cacheCreationTokens + part.usage.cacheReadTokens > 0)
    .map((part, index) => {
      const messageId = `result:${state.id}:${part.model}`;
      return {
        kind: 'usage',
        source: 'runner',
        messageKey: messageId,
        messageId,
        requestId: null,
        model: part.model,
        usage: part.usage,
        ...(state.claudeSessionId !== null ? { claudeSessionId: state.claudeSessionId } : {}),
        // The prompt was answered once, whatever models answered it.
        answersPrompt: index === 0 && !state.isError,
        at,
      };
    });
}

function sameCounts(a: TokenUsage, b: TokenUsage): boolean {
  return a.inputTokens === b.inputTokens && a.outputTokens === b.outputTokens && a.cacheCreationTokens === b.cacheCreationTokens && a.cacheReadTokens === b.cacheReadTokens;
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
 * Claude answers again it is over and a newer warning may take its place. Several sources often
 * report one event (the transcript, a hook, the screen): they are merged (core/limit-event.ts).
 */
function chooseRateLimit(current: RateLimitState | null, observed: RateLimitState, limitHolds: boolean): RateLimitState {
  if (current === null) return observed;
  if (current.severity === 'limit' && observed.severity === 'warning' && limitHolds) return current;
  return isSameLimitEvent(current, observed) ? mergeLimitReports(current, observed) : observed;
}

function finalStatus(exitCode: number, signal: string | null): SessionStatus {
  if (signal !== null && INTERRUPT_SIGNALS.has(signal)) return 'INTERRUPTED';
  return exitCode === 0 ? 'COMPLETED' : 'FAILED';
}

/**
 * A usage report, placed by the run's message book: the running totals take the difference it
 * makes, so a long session costs no more per message than a short one.
 */
function countUsage(state: SessionState, fact: UsageObservedFact, now: number, priceUsage?: PriceUsage): SessionState {
  const placement = fact.placement ?? { kind: 'new' };
  if (placement.kind === 'inherited') return state;
  if (placement.kind === 'withdrawn') return withdrawUsage(state, placement, priceUsage);
  const previous = placement.kind === 'replaces' ? placement : null;
  let computedCostUsd = state.computedCostUsd;
  let unpricedModels = state.unpricedModels;
  if (priceUsage) {
    const added = priceUsage(fact.model, fact.usage);
    computedCostUsd += added.costUsd - (previous ? priceUsage(previous.model, previous.usage).costUsd : 0);
    if (!added.known && !unpricedModels.includes(fact.model)) unpricedModels = [...unpricedModels, fact.model];
  }
  const tokens = addUsage(previous ? subtractUsage(state.tokens, previous.usage) : state.tokens, fact.usage);
  const numTurns = state.numTurns + (fact.answersPrompt ? 1 : 0) - (previous?.answersPrompt ? 1 : 0);
  // Claude answering again means a limit no longer holds it back.
  const answered = fact.usage.outputTokens > (previous?.usage.outputTokens ?? 0);
  const status = state.status === 'RATE_LIMITED' && answered ? 'ACTIVE' : state.status;
  const lastAnswerAt = answered ? Math.max(state.lastAnswerAt ?? 0, fact.at ?? now) : state.lastAnswerAt;
  const mainModel = fact.sidechain !== true && isModelName(fact.model) ? fact.model : null;
  return withCost({
    ...state,
    tokens,
    computedCostUsd,
    unpricedModels,
    numTurns,
    messageCount: state.messageCount + (previous ? 0 : 1),
    model: mainModel ?? state.model,
    models: addModel(state.models, fact.model),
    status,
    lastAnswerAt,
  });
}

function withdrawUsage(state: SessionState, withdrawn: { model: string; usage: TokenUsage; answersPrompt: boolean }, priceUsage?: PriceUsage): SessionState {
  return withCost({
    ...state,
    tokens: subtractUsage(state.tokens, withdrawn.usage),
    computedCostUsd: state.computedCostUsd - (priceUsage ? priceUsage(withdrawn.model, withdrawn.usage).costUsd : 0),
    numTurns: state.numTurns - (withdrawn.answersPrompt ? 1 : 0),
    messageCount: state.messageCount - 1,
  });
}

function withBaseline(figures: RunCostFigures, transcript: string, baselineUsd: number): RunCostFigures {
  const current = figures.transcripts[transcript];
  return { ...figures, transcripts: { ...figures.transcripts, [transcript]: { baselineUsd, latestUsd: current?.latestUsd ?? null } } };
}

function withLatest(figures: RunCostFigures, transcript: string, latestUsd: number, baselineUsd?: number): RunCostFigures {
  const current = figures.transcripts[transcript];
  return { ...figures, transcripts: { ...figures.transcripts, [transcript]: { baselineUsd: current?.baselineUsd ?? baselineUsd ?? 0, latestUsd } } };
}

/** The model a result names: the one that cost the most (the main loop's, not a helper's). */
function mainModelOf(totals: readonly ModelTotals[] | null): string | null {
  if (!totals || totals.length === 0) return null;
  return [...totals].sort((a, b) => (b.costUsd ?? 0) - (a.costUsd ?? 0))[0]!.model;
}

function withCost(state: SessionState): SessionState {
  if (state.reportedCostUsd !== null) return { ...state, costUsd: state.reportedCostUsd, costSource: 'claude' };
  const hasUsage = state.tokens.inputTokens + state.tokens.outputTokens + state.tokens.cacheCreationTokens + state.tokens.cacheReadTokens > 0;
  return hasUsage ? { ...state, costUsd: state.computedCostUsd, costSource: 'computed' } : state;
}

/** Readings other sessions of the account made since this one last read a window. */
function withAccountWindows(own: SessionState['limitWindows'], readings: readonly WindowReading[]): SessionState['limitWindows'] {
  let merged = own;
  for (const { kind, ...reading } of readings) {
    const known = merged[kind];
    if (known !== undefined && known.observedAt >= reading.observedAt) continue;
    merged = { ...merged, [kind]: reading };
  }
  return merged;
}

function sameJson<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, i) => JSON.stringify(item) === JSON.stringify(b[i]));
}

function addModel(models: string[], model: string): string[] {
  if (!isModelName(model) || models.includes(model)) return models;
  return [...models, model];
}

function isModelName(model: string): boolean {
  return model !== '<synthetic>' && model !== 'unknown';
}

function assertNever(value: never): never {
  throw new Error(`unhandled fact: ${JSON.stringify(value)}`);
}
