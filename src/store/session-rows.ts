import type { Db } from './database.js';
import { machineName, userName } from '../shared/identity.js';
import type { Fact } from '../core/facts.js';
import type { RunContext } from '../core/run-context.js';
import type { RateLimitState, SessionState, SessionStatus } from '../core/session-state.js';
import { isoTime as iso, type SessionView } from '../core/session-view.js';

export type SessionRecord = SessionView;

const COLUMNS = `id, claude_session_id, status, mode, session_type, project_path, cwd, argv, pid, host, user_name,
  claude_version, transcript_path, model, models, started_at, ended_at, duration_ms, duration_api_ms, exit_code,
  signal, cost_usd, cost_source, reported_cost_usd, computed_cost_usd, unpriced_models, num_turns, input_tokens,
  output_tokens, cache_creation_tokens, cache_creation_5m_tokens, cache_creation_1h_tokens, cache_read_tokens,
  tokens_source, rate_limit, rate_limit_events, api_retries, rejected_lines, result_subtype, is_error, api_error,
  heartbeat_at, updated_at, account, identify_method, transcript_offset, isolation, isolation_key, place_kind, place,
  git_branch, cpu_ms, peak_rss_bytes`;

const PARAMS = COLUMNS.split(',').map((column) => `@${column.trim()}`).join(', ');
const UPDATES = COLUMNS.split(',')
  .map((column) => column.trim())
  .filter((column) => column !== 'id')
  .map((column) => `${column} = excluded.${column}`)
  .join(', ');

type Row = Record<string, string | number | null>;

export function upsertSession(db: Db, state: SessionState, heartbeatAt: number): void {
  db.prepare(`INSERT INTO sessions (${COLUMNS}) VALUES (${PARAMS}) ON CONFLICT (id) DO UPDATE SET ${UPDATES}`).run(
    rowFromState(state, heartbeatAt),
  );
}

export function appendEvents(db: Db, sessionId: string, account: string | null, facts: readonly { fact: Fact; at: number }[]): void {
  if (facts.length === 0) return;
  const insertEvent = db.prepare('INSERT INTO events (session_id, at, kind, source, data) VALUES (?, ?, ?, ?, ?)');
  const insertLimit = db.prepare(
    `INSERT INTO rate_limits (session_id, account, observed_at, kind, severity, resets_at, text, source, utilization)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const { fact, at } of facts) {
    insertEvent.run(sessionId, at, fact.kind, fact.source, JSON.stringify(fact));
    if (fact.kind === 'rate-limit') {
      insertLimit.run(sessionId, account, fact.at, fact.limitKind, fact.severity, fact.resetsAt, fact.text ?? null, fact.source, fact.utilization ?? null);
    }
  }
}

export function listSessions(db: Db, options: { limit?: number; statuses?: SessionStatus[] } = {}): SessionRecord[] {
  const where = options.statuses?.length ? `WHERE status IN (${options.statuses.map(() => '?').join(', ')})` : '';
  const limit = options.limit && options.limit > 0 ? `LIMIT ${Math.floor(options.limit)}` : '';
  const rows = db
    .prepare(`SELECT ${COLUMNS} FROM sessions ${where} ORDER BY started_at DESC, rowid DESC ${limit}`)
    .all(...(options.statuses ?? [])) as Row[];
  return rows.map(recordFromRow);
}

export function getSession(db: Db, idOrPrefix: string): SessionRecord | null {
  const row = db
    .prepare(`SELECT ${COLUMNS} FROM sessions WHERE id = ? OR claude_session_id = ? OR id LIKE ? ORDER BY started_at DESC LIMIT 1`)
    .get(idOrPrefix, idOrPrefix, `${idOrPrefix}%`) as Row | undefined;
  return row ? recordFromRow(row) : null;
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

/** Every model some recorded session could not price, with how many sessions used it; most used first. */
export function countUnpricedModels(db: Db): UnpricedModelCount[] {
  return db
    .prepare(
      `SELECT model.value AS model, COUNT(DISTINCT sessions.id) AS sessions
       FROM sessions, json_each(CASE WHEN json_valid(sessions.unpriced_models) THEN sessions.unpriced_models ELSE '[]' END) AS model
       GROUP BY model.value ORDER BY sessions DESC, model.value`,
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
    models: JSON.stringify(state.models),
    started_at: state.startedAt,
    ended_at: state.endedAt,
    duration_ms: state.durationMs,
    duration_api_ms: state.durationApiMs,
    exit_code: state.exitCode,
    signal: state.signal,
    cost_usd: state.costUsd,
    cost_source: state.costSource,
    reported_cost_usd: state.reportedCostUsd,
    computed_cost_usd: state.computedCostUsd,
    unpriced_models: JSON.stringify(state.unpricedModels),
    num_turns: state.numTurns,
    input_tokens: state.tokens.inputTokens,
    output_tokens: state.tokens.outputTokens,
    cache_creation_tokens: state.tokens.cacheCreationTokens,
    cache_creation_5m_tokens: state.tokens.cacheCreation5mTokens ?? null,
    cache_creation_1h_tokens: state.tokens.cacheCreation1hTokens ?? null,
    cache_read_tokens: state.tokens.cacheReadTokens,
    tokens_source: state.tokensSource,
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
  };
}

function recordFromRow(row: Row): SessionRecord {
  const limit = row.rate_limit ? (JSON.parse(String(row.rate_limit)) as RateLimitState) : null;
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
    model: str(row.model),
    models: parseList(row.models),
    startedAt: iso(Number(row.started_at)),
    endedAt: row.ended_at === null ? null : iso(Number(row.ended_at)),
    durationMs: num(row.duration_ms),
    durationApiMs: num(row.duration_api_ms),
    exitCode: num(row.exit_code),
    signal: str(row.signal),
    costUsd: num(row.cost_usd),
    costSource: str(row.cost_source),
    reportedCostUsd: num(row.reported_cost_usd),
    computedCostUsd: Number(row.computed_cost_usd ?? 0),
    unpricedModels: parseList(row.unpriced_models),
    numTurns: Number(row.num_turns ?? 0),
    inputTokens: Number(row.input_tokens ?? 0),
    outputTokens: Number(row.output_tokens ?? 0),
    cacheCreationTokens: Number(row.cache_creation_tokens ?? 0),
    cacheReadTokens: Number(row.cache_read_tokens ?? 0),
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
    // Live state of the account, not history: readers ask the rate_limits table for it.
    accountLimits: [],
    accountPeers: [],
    isolation: str(row.isolation) ?? 'shared-learning',
    isolationKey: str(row.isolation_key),
    placeKind: str(row.place_kind),
    place: parsePlace(row.place),
    gitBranch: str(row.git_branch),
    cpuMs: num(row.cpu_ms),
    peakRssBytes: num(row.peak_rss_bytes),
    limitWindows: {},
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
