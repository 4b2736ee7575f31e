import type { Db } from './database.js';
import { MESSAGE_SUMS, type MessageSums } from './message-rows.js';
import { machineName, userName } from '../shared/identity.js';
import type { Fact } from '../core/facts.js';
import type { RunContext } from '../core/run-context.js';
import type { RateLimitState, SessionState, SessionStatus } from '../core/session-state.js';
import { isoTime as iso, viewOfWindows, type SessionView } from '../core/session-view.js';

export type SessionRecord = SessionView;

/**
 * Run rows: one per wrapped run, with what the run was (mode, place, start, end, exit) and what
 * Claude reported for it. Its usage is not here: it is what the run added to the ledger.
 */
const COLUMNS = `id, claude_session_id, status, mode, session_type, project_path, cwd, argv, pid, host, user_name,
  claude_version, transcript_path, model, started_at, ended_at, duration_ms, duration_api_ms, exit_code,
  signal, reported_cost_usd, rate_limit, rate_limit_events, api_retries, rejected_lines, result_subtype, is_error, api_error,
  heartbeat_at, updated_at, account, identify_method, transcript_offset, isolation, isolation_key, place_kind, place,
  git_branch, cpu_ms, peak_rss_bytes, claude_num_turns, claude_model_totals, limit_windows`;

const PARAMS = COLUMNS.split(',').map((column) => `@${column.trim()}`).join(', ');
const UPDATES = COLUMNS.split(',')
  .map((column) => column.trim())
  .filter((column) => column !== 'id')
  .map((column) => `${column} = excluded.${column}`)
  .join(', ');

type Row = Record<string, string | number | null>;

/** A run's row as written: plain values, so it can also wait in the journal (journal.ts). */
export type SessionRow = Row;

export function upsertSession(db: Db, state: SessionState, heartbeatAt: number): void {
  upsertSessionRow(db, sessionRow(state, heartbeatAt));
}

export function upsertSessionRow(db: Db, row: SessionRow): void {
  db.prepare(`INSERT INTO sessions (${COLUMNS}) VALUES (${PARAMS}) ON CONFLICT (id) DO UPDATE SET ${UPDATES}`).run(row);
}

export function sessionRow(state: SessionState, heartbeatAt: number): SessionRow {
  return rowFromState(state, heartbeatAt);
}

/**
 * The run's event log. Usage is the ledger's, and limits are written there too; the log keeps
 * what happened (start, prompts, answers, limits as they were seen, errors, end).
 */
export function appendEvents(db: Db, sessionId: string, facts: readonly { fact: Fact; at: number }[]): void {
  const logged = facts.filter(({ fact }) => fact.kind !== 'usage');
  if (logged.length === 0) return;
  const insertEvent = db.prepare('INSERT INTO events (session_id, at, kind, source, data) VALUES (?, ?, ?, ?, ?)');
  for (const { fact, at } of logged) insertEvent.run(sessionId, at, fact.kind, fact.source, JSON.stringify(fact));
}

/** What a run added to the ledger, summed. */
interface RunUsage {
  messages: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  costUsd: number;
  computedCostUsd: number;
  turns: number;
  /** Models in the order of their share of the run's cost, the main loop's first. */
  models: string[];
  unpricedModels: string[];
}

/** Runs, newest first, each with what it added to the ledger. */
export function listSessions(db: Db, options: { limit?: number; statuses?: SessionStatus[] } = {}): SessionRecord[] {
  const where = options.statuses?.length ? `WHERE status IN (${options.statuses.map(() => '?').join(', ')})` : '';
  const limit = options.limit && options.limit > 0 ? `LIMIT ${Math.floor(options.limit)}` : '';
  const rows = db
    .prepare(`SELECT ${COLUMNS} FROM sessions ${where} ORDER BY started_at DESC, rowid DESC ${limit}`)
    .all(...(options.statuses ?? [])) as Row[];
  const usage = runUsage(db, rows.map((row) => String(row.id)));
  return rows.map((row) => recordFromRow(row, usage.get(String(row.id)) ?? null));
}

/** One run by its exact id, with what it added. */
export function getRun(db: Db, id: string): SessionRecord | null {
  const row = db.prepare(`SELECT ${COLUMNS} FROM sessions WHERE id = ?`).get(id) as Row | undefined;
  return row ? recordFromRow(row, runUsage(db, [id]).get(id) ?? null) : null;
}

function runUsage(db: Db, runIds: readonly string[]): Map<string, RunUsage> {
  const usage = new Map<string, RunUsage>();
  if (runIds.length === 0) return usage;
  const rows = db
    .prepare(
      `SELECT run_id, model, priced, sidechain, ${MESSAGE_SUMS},
         SUM(input_tokens + output_tokens + cache_creation_tokens + cache_read_tokens) AS tokens
       FROM messages WHERE run_id IN (SELECT value FROM json_each(?)) GROUP BY run_id, model, priced, sidechain`,
    )
    .all(JSON.stringify(runIds)) as Array<MessageSums & { run_id: string; model: string; priced: number; sidechain: number; tokens: number }>;
  const weights = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const total = usage.get(row.run_id) ?? emptyUsage();
    usage.set(row.run_id, total);
    // The run's figure held apart (no message of its own) counts no message.
    const isFigure = row.tokens === 0 && row.computed === 0;
    total.messages += isFigure ? 0 : row.messages;
    total.inputTokens += row.input;
    total.outputTokens += row.output;
    total.cacheCreationTokens += row.cache_creation;
    total.cacheReadTokens += row.cache_read;
    total.costUsd += row.cost;
    total.computedCostUsd += row.computed;
    total.turns += row.turns;
    if (row.priced === 0 && !isFigure && isModelName(row.model) && !total.unpricedModels.includes(row.model)) total.unpricedModels.push(row.model);
    if (isFigure || !isModelName(row.model)) continue;
    const byModel = weights.get(row.run_id) ?? new Map<string, number>();
    weights.set(row.run_id, byModel);
    // The main loop's model before a subagent's, then by what each cost.
    byModel.set(row.model, (byModel.get(row.model) ?? 0) + row.tokens * (row.sidechain === 1 ? 1 : 1e6));
  }
  for (const [runId, byModel] of weights) {
    usage.get(runId)!.models = [...byModel].sort((a, b) => b[1] - a[1]).map(([model]) => model);
  }
  return usage;
}

function emptyUsage(): RunUsage {
  return { messages: 0, inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, costUsd: 0, computedCostUsd: 0, turns: 0, models: [], unpricedModels: [] };
}

function isModelName(model: string): boolean {
  return model !== 'unknown' && model !== '<synthetic>';
}

/** Every fact recorded for a session, in the order it was observed. */
export function readFacts(db: Db, sessionId: string): { at: number; fact: Fact }[] {
  const rows = db.prepare('SELECT at, data FROM events WHERE session_id = ? ORDER BY id').all(sessionId) as { at: number; data: string }[];
  return rows.flatMap((row) => {
    try {
      return [{ at: row.at, fact: JSON.parse(row.data) as Fact }];
    } catch {
      return [];
    }
  });
}

export interface UnpricedModelCount {
  model: string;
  sessions: number;
}

/** Every model the ledger could not price, with how many Claude sessions used it; most used first. */
export function countUnpricedModels(db: Db): UnpricedModelCount[] {
  return db
    .prepare(
      `SELECT model, COUNT(DISTINCT COALESCE(claude_session_id, run_id)) AS sessions FROM messages
       WHERE priced = 0 AND model NOT IN ('unknown', '<synthetic>') GROUP BY model ORDER BY sessions DESC, model`,
    )
    .all() as UnpricedModelCount[];
}

/** Mark sessions whose process is gone without a clean end; returns their ids. */
export function markInterrupted(db: Db, ids: readonly string[], now: number): void {
  const update = db.prepare(
    `UPDATE sessions SET status = 'INTERRUPTED', ended_at = COALESCE(ended_at, heartbeat_at, updated_at),
       duration_ms = COALESCE(duration_ms, COALESCE(heartbeat_at, updated_at) - started_at), updated_at = ?
     WHERE id = ? AND status IN ('ACTIVE', 'RATE_LIMITED')`,
  );
  db.transaction(() => {
    for (const id of ids) update.run(now, id);
  })();
}

function rowFromState(state: SessionState, heartbeatAt: number): Row {
  return {
    id: state.id,
    claude_session_id: state.claudeSessionId,
    status: state.status,
    mode: state.mode,
    session_type: state.sessionType,
    project_path: state.projectPath,
    cwd: state.cwd,
    argv: JSON.stringify(state.argv),
    pid: state.pid,
    host: machineName(),
    user_name: userName(),
    claude_version: state.claudeVersion,
    transcript_path: state.transcriptPath,
    model: state.model,
    started_at: state.startedAt,
    ended_at: state.endedAt,
    duration_ms: state.durationMs,
    duration_api_ms: state.durationApiMs,
    exit_code: state.exitCode,
    signal: state.signal,
    reported_cost_usd: state.reportedCostUsd,
    rate_limit: state.rateLimit ? JSON.stringify(state.rateLimit) : null,
    rate_limit_events: state.rateLimitEvents,
    api_retries: state.apiRetries,
    rejected_lines: state.rejectedLines,
    result_subtype: state.resultSubtype,
    is_error: state.isError ? 1 : 0,
    api_error: state.apiError,
    heartbeat_at: heartbeatAt,
    updated_at: state.updatedAt,
    account: state.account,
    identify_method: state.identifyMethod,
    transcript_offset: state.transcriptOffset,
    isolation: state.isolation,
    isolation_key: state.place?.isolationKey ?? null,
    place_kind: state.place?.kind ?? null,
    place: state.place ? JSON.stringify(state.place) : null,
    git_branch: state.gitBranch,
    cpu_ms: state.cpuMs,
    peak_rss_bytes: state.peakRssBytes,
    claude_num_turns: state.claudeNumTurns,
    claude_model_totals: state.claudeModelTotals ? JSON.stringify(state.claudeModelTotals) : null,
    limit_windows: Object.keys(state.limitWindows).length > 0 ? JSON.stringify(state.limitWindows) : null,
  };
}

function recordFromRow(row: Row, usage: RunUsage | null): SessionRecord {
  const limit = row.rate_limit ? (JSON.parse(String(row.rate_limit)) as RateLimitState) : null;
  const reported = num(row.reported_cost_usd);
  const added = usage ?? emptyUsage();
  const hasUsage = added.messages > 0 || added.costUsd > 0;
  const model = str(row.model) ?? added.models[0] ?? null;
  return {
    id: String(row.id),
    claudeSessionId: str(row.claude_session_id),
    status: String(row.status) as SessionStatus,
    mode: String(row.mode),
    sessionType: str(row.session_type),
    projectPath: str(row.project_path),
    cwd: String(row.cwd),
    argv: parseList(row.argv),
    pid: num(row.pid),
    host: str(row.host),
    claudeVersion: str(row.claude_version),
    transcriptPath: str(row.transcript_path),
    identifyMethod: str(row.identify_method),
    model,
    // What its messages used, and what Claude's result says it used besides (helpers that never show as messages).
    models: [...new Set([...(model === null ? [] : [model]), ...added.models, ...reportedModels(row.claude_model_totals)])],
    startedAt: iso(Number(row.started_at)),
    endedAt: row.ended_at === null ? null : iso(Number(row.ended_at)),
    durationMs: num(row.duration_ms),
    durationApiMs: num(row.duration_api_ms),
    exitCode: num(row.exit_code),
    signal: str(row.signal),
    // What stands for the run: Claude's share where it reported one (the ledger's standing costs add up to it), else ours.
    costUsd: reported ?? (hasUsage ? added.costUsd : null),
    costSource: reported !== null ? 'claude' : hasUsage ? 'computed' : null,
    reportedCostUsd: reported,
    computedCostUsd: added.computedCostUsd,
    unpricedModels: added.unpricedModels,
    numTurns: added.turns,
    claudeNumTurns: num(row.claude_num_turns),
    messages: added.messages,
    inputTokens: added.inputTokens,
    outputTokens: added.outputTokens,
    cacheCreationTokens: added.cacheCreationTokens,
    cacheReadTokens: added.cacheReadTokens,
    rateLimit: limit
      ? {
          kind: limit.kind,
          severity: limit.severity,
          resetsAt: limit.resetsAt === null ? null : iso(limit.resetsAt),
          text: limit.text,
          source: limit.source,
        }
      : null,
    rateLimitEvents: Number(row.rate_limit_events ?? 0),
    // Live state of the account, not history: readers ask the limits table for it.
    accountLimits: [],
    accountPeers: [],
    isolation: str(row.isolation) ?? 'shared-learning',
    isolationKey: str(row.isolation_key),
    placeKind: str(row.place_kind),
    place: parsePlace(row.place),
    gitBranch: str(row.git_branch),
    cpuMs: num(row.cpu_ms),
    peakRssBytes: num(row.peak_rss_bytes),
    limitWindows: viewOfWindows(parseWindows(row.limit_windows)),
    // A moment's state, kept only in the live state files.
    waiting: null,
    activity: null,
    resumeAt: null,
    apiRetries: Number(row.api_retries ?? 0),
    rejectedLines: Number(row.rejected_lines ?? 0),
    isError: Number(row.is_error ?? 0) === 1,
    apiError: str(row.api_error),
    heartbeatAt: row.heartbeat_at === null ? null : iso(Number(row.heartbeat_at)),
    updatedAt: iso(Number(row.updated_at)),
  };
}

function str(value: string | number | null | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}

function num(value: string | number | null | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function reportedModels(value: string | number | null | undefined): string[] {
  if (typeof value !== 'string') return [];
  try {
    const parsed: unknown = JSON.parse(value);
    if (!Array.isArray(parsed)) return [];
    return parsed.flatMap((entry: unknown) => {
      const model = typeof entry === 'object' && entry !== null ? (entry as { model?: unknown }).model : undefined;
      return typeof model === 'string' && isModelName(model) ? [model] : [];
    });
  } catch {
    return [];
  }
}

/** The run's window readings as the recorder wrote them (SessionState['limitWindows']). */
export function parseWindows(value: string | number | null | undefined): SessionState['limitWindows'] {
  if (typeof value !== 'string') return {};
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return parsed;
  } catch {
    return {};
  }
}

function parsePlace(value: string | number | null | undefined): RunContext | null {
  if (typeof value !== 'string') return null;
  try {
    return JSON.parse(value) as RunContext;
  } catch {
    return null;
  }
}

function parseList(value: string | number | null | undefined): string[] {
  if (typeof value !== 'string') return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}
