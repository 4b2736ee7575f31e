import type { RunContext } from './run-context.js';

/**
 * Facts are what observers learn from Claude's output. They are plain data: observers emit
 * them, the session reducer folds them into state, and the recorder stores them as history.
 * Every timestamp is epoch milliseconds.
 */

/** Token counts of one model request, as the Messages API reports them. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** Cache writes of all lifetimes; the split below is present when Claude reports it. */
  cacheCreationTokens: number;
  cacheCreation5mTokens?: number;
  cacheCreation1hTokens?: number;
  cacheReadTokens: number;
}

/** Where a fact came from; the reducer uses it to decide which source wins. */
export type FactSource =
  | 'stream-json'
  | 'print-text'
  | 'transcript'
  | 'hook'
  | 'statusline'
  | 'screen'
  | 'runner';

/**
 * The limit windows Claude Code knows, named as its `rate_limit_event` names them, plus the
 * kinds that only appear as text.
 */
export type LimitKind =
  | 'five_hour'
  | 'seven_day'
  | 'seven_day_opus'
  | 'seven_day_sonnet'
  /** The weekly window that counts extra usage too (2.1.x `unifiedWindows`). */
  | 'seven_day_overage_included'
  /** The weekly window of third-party apps signed in with Claude (statusline `rate_limits`). */
  | 'seven_day_oauth_apps'
  | 'overage'
  /** A subscription limit whose window the message does not name ("You've hit your limit"). */
  | 'subscription'
  /** An API-key 429 (`rate_limit_error`), retried by the caller after a short wait. */
  | 'api_rate_limit'
  /** "Server is temporarily limiting requests (not your usage limit)". */
  | 'server_rate_limit'
  /** Spend caps and exhausted credits of API accounts ("credit balance is too low"). */
  | 'credits';

export type LimitSeverity = 'limit' | 'warning';

export interface SessionIdentifiedFact {
  kind: 'session-identified';
  source: FactSource;
  claudeSessionId: string;
  model?: string;
  cwd?: string;
  claudeVersion?: string;
  transcriptPath?: string;
  /** Where in the transcript this session's own lines begin (a resumed transcript holds earlier ones). */
  transcriptOffset?: number;
  /** Claude's cumulative cost figure in the transcript before that offset: what the session had before this run. */
  costBaselineUsd?: number;
}

/**
 * How a run's message book placed a usage report (see core/message-book.ts). Set by the recorder
 * before the reducer sees the fact; observers never set it.
 */
export type UsagePlacement =
  /** A message this run had not counted. */
  | { kind: 'new' }
  /** A fuller report of a message this run counted: the counts it replaces. */
  | { kind: 'replaces'; model: string; usage: TokenUsage; answersPrompt: boolean }
  /** A message from before this run (a resumed transcript's copy): not this run's. */
  | { kind: 'inherited' }
  /** A message counted as this run's that the ledger knew as earlier work: its counts come back out. */
  | { kind: 'withdrawn'; model: string; usage: TokenUsage; answersPrompt: boolean };

export interface UsageObservedFact {
  kind: 'usage';
  source: FactSource;
  /** `message.id` + `requestId` where both exist (see core/message-identity.ts). */
  messageKey: string;
  messageId: string;
  requestId: string | null;
  model: string;
  usage: TokenUsage;
  /** The Claude session the line or event names, when it names one. */
  claudeSessionId?: string;
  /** Subagent (sidechain) traffic: counted once, like any other message. */
  sidechain?: boolean;
  /** Claude's first answer to a prompt the user sent: that prompt is a turn. */
  answersPrompt?: boolean;
  at?: number;
  placement?: UsagePlacement;
}

/** Per-model totals as Claude itself reports them (the `result` event's `modelUsage`). */
export interface ModelTotals extends TokenUsage {
  model: string;
  costUsd?: number;
}

export interface CostReportedFact {
  kind: 'cost-reported';
  source: FactSource;
  /** Claude's own cumulative figure (never a delta): of the process, or of a transcript's session. */
  costUsd: number;
  /**
   * The transcript the figure is cumulative over; absent for the process's own figure (a print
   * result). See core/cost-share.ts for how figures become this run's cost.
   */
  scope?: string;
  /** What the scope's figure was before the run began, when the reader knows it with the figure. */
  baselineUsd?: number;
}

export interface ResultReportedFact {
  kind: 'result';
  source: FactSource;
  subtype: string;
  isError: boolean;
  numTurns?: number;
  durationMs?: number;
  durationApiMs?: number;
  apiError?: string;
  /** Cumulative totals for the process, by model, when Claude reports them. */
  modelTotals?: ModelTotals[];
  /** Cumulative totals for the process, when Claude reports them without a per-model split. */
  totals?: TokenUsage;
}

export interface RateLimitObservedFact {
  kind: 'rate-limit';
  source: FactSource;
  severity: LimitSeverity;
  limitKind: LimitKind;
  /** The instant the limit lifts, when known. */
  resetsAt: number | null;
  /** The words Claude showed, when the fact came from text. */
  text?: string;
  /** 0..1, when Claude reports how much of the window is used. */
  utilization?: number;
  /**
   * How exact `resetsAt` is: an epoch from an event or a header is to the second; a time read
   * from text ("resets 1:12am") only to the minute. Absent means to the second.
   */
  resetPrecision?: ResetPrecision;
  at: number;
}

export type ResetPrecision = 'second' | 'minute';

export interface ApiRetryFact {
  kind: 'api-retry';
  source: FactSource;
  attempt: number;
  maxRetries?: number;
  retryDelayMs?: number;
  errorStatus?: number;
  error?: string;
  at: number;
}

export interface TurnCompletedFact {
  kind: 'turn-completed';
  source: FactSource;
  at: number;
}

/** A line we could not use: counted so `status` can show it, never fatal. */
export interface LineRejectedFact {
  kind: 'line-rejected';
  source: FactSource;
  reason: string;
}

/** The server's word on a window: still allowed, past a warning threshold, or spent. */
export type WindowStatus = 'allowed' | 'allowed_warning' | 'rejected';

/**
 * How much of a limit window is used, as Claude reports it to subscribers: the statusline input,
 * a `rate_limit_event`, the unified headers of a response (see core/limit-windows.ts).
 */
export interface LimitWindowFact {
  kind: 'limit-window';
  source: FactSource;
  window: LimitKind;
  /** 0..1 (and above 1 once the window is spent). */
  utilization: number;
  resetsAt: number | null;
  /** Absent where the source gives none (the statusline). */
  status?: WindowStatus;
  at: number;
}

/** A hook Claude ran for the session (SessionStart, UserPromptSubmit, PermissionRequest, Notification, Stop, ...). */
export interface HookFact {
  kind: 'hook';
  source: FactSource;
  event: string;
  /** SessionEnd's reason, when given. */
  detail?: string;
  /** The prompt's words: only when the user turned prompt capture on. */
  text?: string;
  /** The tool a PreToolUse, PermissionRequest or PostToolUse hook is about. */
  toolName?: string;
  /** A Notification's type (permission_prompt, idle_prompt, elicitation_dialog, ...) and Claude's own words for it. */
  notificationType?: string;
  message?: string;
  at: number;
}

/**
 * What Claude's interactive screen shows of a question to the user: a permission prompt drawn,
 * the prompt gone again (answered), or the turn interrupted (a prompt denied with Esc fires no hook).
 */
export interface PromptSeenFact {
  kind: 'prompt-seen';
  source: 'screen';
  prompt: 'permission' | 'gone' | 'interrupted';
  at: number;
}

/** A limit another session of the same account saw, still in force. */
export interface AccountLimit {
  kind: LimitKind;
  resetsAt: number | null;
  text: string | null;
  observedAt: number;
  /** The wrapped session that saw it. */
  sessionId: string;
}

/** One window's reading as the session and every reader hold it (see core/limit-windows.ts). */
export interface WindowReading {
  kind: LimitKind;
  /** 0..1, past 1 once the window is spent. */
  utilization: number;
  resetsAt: number | null;
  /** The server's word for the window; where the source gave none, what the reading implies. */
  status: WindowStatus;
  source: FactSource;
  observedAt: number;
}

/** Another live session of the same account, as a unified session lists it. */
export interface AccountPeer {
  id: string;
  status: string;
  project: string;
  costUsd: number | null;
  startedAt: number;
}

/** What the shared history says is in force for this session's account now (replaces the last report). */
export interface AccountLimitsFact {
  kind: 'account-limits';
  source: 'runner';
  limits: AccountLimit[];
  /** The latest reading of each window the account's sessions made (a newer one replaces the session's own). */
  windows?: WindowReading[];
  /** The account's other live sessions, read only for `unified` isolation. */
  peers?: AccountPeer[];
}

/** Where and how the session runs, recorded once when it starts. */
export interface SessionStartedFact {
  kind: 'session-started';
  source: 'runner';
  at: number;
  mode: string;
  cwd: string;
  /** The branch checked out in the project when the session started. */
  gitBranch: string | null;
  /** Null when the place could not be told. */
  place: RunContext | null;
}

export interface GitCommit {
  hash: string;
  subject: string;
  at: number;
}

/** Commits made in the project while the session ran, read when it ends. */
export interface GitCommitsFact {
  kind: 'git-commits';
  source: 'runner';
  at: number;
  commits: GitCommit[];
}

/** What Claude's process tree has cost so far: CPU time of every process seen, peak memory. */
export interface ProcessStatsFact {
  kind: 'process-stats';
  source: 'runner';
  cpuMs: number;
  peakRssBytes: number;
  processes: number;
}

/**
 * The opt-in continue after a limit in an interactive session: planned for a time, the prompt
 * typed, or not typed and why (Claude continues by itself, the user is back, a menu is open).
 */
export interface LimitResumeFact {
  kind: 'limit-resume';
  source: 'runner';
  stage: 'planned' | 'typed' | 'skipped';
  limitKind: string;
  /** When the prompt is to be typed (planned) or was (typed). */
  resumeAt: number | null;
  /** Why it was not typed (skipped). */
  reason?: string;
  at: number;
}

export interface ChildExitedFact {
  kind: 'child-exited';
  source: 'runner';
  exitCode: number;
  signal: string | null;
  at: number;
}

export type Fact =
  | SessionIdentifiedFact
  | UsageObservedFact
  | CostReportedFact
  | ResultReportedFact
  | RateLimitObservedFact
  | ApiRetryFact
  | TurnCompletedFact
  | LineRejectedFact
  | HookFact
  | PromptSeenFact
  | LimitWindowFact
  | AccountLimitsFact
  | SessionStartedFact
  | GitCommitsFact
  | ProcessStatsFact
  | LimitResumeFact
  | ChildExitedFact;

export type FactKind = Fact['kind'];

export const ZERO_USAGE: Readonly<TokenUsage> = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  cacheCreationTokens: 0,
  cacheReadTokens: 0,
});
