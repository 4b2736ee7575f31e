import type { Activity, WaitingReason } from './attention.js';
import type { LimitKind, WindowReading, WindowStatus } from './facts.js';
import type { RunContext } from './run-context.js';
import type { SessionState, SessionStatus } from './session-state.js';

/** A session as readers see it: the shape of state files' `data` and of `cw sessions --json`. */
export interface SessionView {
  id: string;
  claudeSessionId: string | null;
  status: SessionStatus;
  mode: string;
  sessionType: string | null;
  projectPath: string | null;
  cwd: string;
  argv: string[];
  pid: number | null;
  host: string | null;
  claudeVersion: string | null;
  transcriptPath: string | null;
  identifyMethod: string | null;
  model: string | null;
  models: string[];
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  durationApiMs: number | null;
  exitCode: number | null;
  signal: string | null;
  costUsd: number | null;
  costSource: string | null;
  reportedCostUsd: number | null;
  computedCostUsd: number;
  unpricedModels: string[];
  /** Prompts the user sent that Claude answered. */
  numTurns: number;
  /** Claude's own `num_turns`, where it reported one (its model round trips). */
  claudeNumTurns: number | null;
  /** Messages the run added to the history; what it saw again of earlier work is not counted. */
  messages: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  rateLimit: RateLimitView | null;
  rateLimitEvents: number;
  /** Limits other sessions of the same account saw, in force now: this session will meet them too. */
  accountLimits: AccountLimitView[];
  isolation: string;
  /** `<tty or kind>:<transport>:<user>:<host>:<pid>`; null for sessions recorded before it was kept. */
  isolationKey: string | null;
  /** Where the session runs: local, ssh, vscode, jupyter, container or script. */
  placeKind: string | null;
  /** The whole place: tty, SSH client, multiplexer, container, editor, pid, parent pid, user, host. */
  place: RunContext | null;
  gitBranch: string | null;
  cpuMs: number | null;
  peakRssBytes: number | null;
  /** The account's other live sessions; listed only by a session with `unified` isolation. */
  accountPeers: Array<{ id: string; status: string; project: string; costUsd: number | null; startedAt: string }>;
  /** Each limit window Claude reported for the account: its use (0..1), reset, status and source. */
  limitWindows: Record<string, LimitWindowView>;
  /** What Claude waits for the user to answer mid-turn; live sessions only, null in the history. */
  waiting: WaitingView | null;
  /** "working" on a turn or "idle" until the next prompt; null where nothing told (print runs, the history). */
  activity: Activity | null;
  /** When the opt-in continue after a limit types its prompt into the screen; live sessions only. */
  resumeAt: string | null;
  apiRetries: number;
  rejectedLines: number;
  isError: boolean;
  apiError: string | null;
  heartbeatAt: string | null;
  updatedAt: string;
}

/** A wrapped run in the one list of sessions (see store/session-list.ts). */
export interface WrappedSession extends SessionView {
  source: 'wrapped';
}

/** The part of a Claude session that no wrapped run added, as its transcript told it. */
export interface ImportedSession {
  source: 'imported';
  /** Claude's session id. */
  id: string;
  claudeSessionId: string;
  project: string | null;
  claudeVersion: string | null;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  model: string | null;
  models: string[];
  costUsd: number;
  costSource: 'claude' | 'computed';
  computedCostUsd: number;
  unpricedModels: string[];
  numTurns: number;
  messages: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  /** Our ids of the wrapped runs of the same Claude session, if any. */
  runs: string[];
}

export type SessionListRow = WrappedSession | ImportedSession;

export interface RateLimitView {
  kind: string;
  severity: string;
  resetsAt: string | null;
  text: string | null;
  source: string;
}

export interface LimitWindowView {
  utilization: number;
  resetsAt: string | null;
  status: WindowStatus;
  source: string;
  observedAt: string;
}

export interface WaitingView {
  since: string;
  reason: WaitingReason;
  message: string;
}

export interface AccountLimitView {
  kind: string;
  resetsAt: string | null;
  text: string | null;
  observedAt: string;
  sessionId: string;
}

export function viewOfSession(state: SessionState, extra: { host: string | null; heartbeatAt: number | null }): SessionView {
  return {
    id: state.id,
    claudeSessionId: state.claudeSessionId,
    status: state.status,
    mode: state.mode,
    sessionType: state.sessionType,
    projectPath: state.projectPath,
    cwd: state.cwd,
    argv: state.argv,
    pid: state.pid,
    host: extra.host,
    claudeVersion: state.claudeVersion,
    transcriptPath: state.transcriptPath,
    identifyMethod: state.identifyMethod,
    model: state.model,
    models: state.models,
    startedAt: isoTime(state.startedAt),
    endedAt: state.endedAt === null ? null : isoTime(state.endedAt),
    durationMs: state.durationMs,
    durationApiMs: state.durationApiMs,
    exitCode: state.exitCode,
    signal: state.signal,
    costUsd: state.costUsd,
    costSource: state.costSource,
    reportedCostUsd: state.reportedCostUsd,
    computedCostUsd: state.computedCostUsd,
    unpricedModels: state.unpricedModels,
    numTurns: state.numTurns,
    claudeNumTurns: state.claudeNumTurns,
    messages: state.messageCount,
    inputTokens: state.tokens.inputTokens,
    outputTokens: state.tokens.outputTokens,
    cacheCreationTokens: state.tokens.cacheCreationTokens,
    cacheReadTokens: state.tokens.cacheReadTokens,
    rateLimit: state.rateLimit
      ? {
          kind: state.rateLimit.kind,
          severity: state.rateLimit.severity,
          resetsAt: state.rateLimit.resetsAt === null ? null : isoTime(state.rateLimit.resetsAt),
          text: state.rateLimit.text,
          source: state.rateLimit.source,
        }
      : null,
    rateLimitEvents: state.rateLimitEvents,
    accountLimits: state.accountLimits.map((limit) => ({
      kind: limit.kind,
      resetsAt: limit.resetsAt === null ? null : isoTime(limit.resetsAt),
      text: limit.text,
      observedAt: isoTime(limit.observedAt),
      sessionId: limit.sessionId,
    })),
    isolation: state.isolation,
    isolationKey: state.place?.isolationKey ?? null,
    placeKind: state.place?.kind ?? null,
    place: state.place,
    gitBranch: state.gitBranch,
    cpuMs: state.cpuMs,
    peakRssBytes: state.peakRssBytes,
    accountPeers: state.accountPeers.map((peer) => ({ ...peer, startedAt: isoTime(peer.startedAt) })),
    limitWindows: viewOfWindows(state.limitWindows),
    waiting: state.waiting === null ? null : { ...state.waiting, since: isoTime(state.waiting.since) },
    activity: state.activity,
    resumeAt: state.resumeAt === null ? null : isoTime(state.resumeAt),
    apiRetries: state.apiRetries,
    rejectedLines: state.rejectedLines,
    isError: state.isError,
    apiError: state.apiError,
    heartbeatAt: extra.heartbeatAt === null ? null : isoTime(extra.heartbeatAt),
    updatedAt: isoTime(state.updatedAt),
  };
}

export function viewOfWindows(windows: SessionState['limitWindows']): SessionView['limitWindows'] {
  return Object.fromEntries(
    Object.entries(windows).map(([window, reading]) => [
      window,
      {
        utilization: reading.utilization,
        resetsAt: reading.resetsAt === null ? null : isoTime(reading.resetsAt),
        status: reading.status,
        source: reading.source,
        observedAt: isoTime(reading.observedAt),
      },
    ]),
  );
}

/**
 * A view's windows read back as readings, for readers that only have state files. Files written
 * before windows carried a status or source read as allowed, from the statusline.
 */
export function readingsOfView(view: Pick<SessionView, 'limitWindows' | 'updatedAt'>): WindowReading[] {
  const readings: WindowReading[] = [];
  for (const [kind, window] of Object.entries(view.limitWindows ?? {})) {
    if (typeof window?.utilization !== 'number') continue;
    const resetsAt = window.resetsAt === null ? null : Date.parse(window.resetsAt);
    const observedAt = Date.parse(window.observedAt ?? view.updatedAt);
    readings.push({
      kind: kind as LimitKind,
      utilization: window.utilization,
      resetsAt: resetsAt !== null && Number.isFinite(resetsAt) ? resetsAt : null,
      status: window.status ?? (window.utilization >= 1 ? 'rejected' : 'allowed'),
      source: (window.source ?? 'statusline') as WindowReading['source'],
      observedAt: Number.isFinite(observedAt) ? observedAt : 0,
    });
  }
  return readings;
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
