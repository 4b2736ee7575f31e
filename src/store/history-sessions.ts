import { roundByName } from '../core/json-output.js';
import { csvCell } from '../core/text-escape.js';
import { SYNTHETIC_MODEL } from '../core/usage-report.js';
import type { Db } from './database.js';
import { MESSAGE_SUMS } from './message-rows.js';

/**
 * Every Claude session in the history, whether we wrapped its runs, imported its transcript, or
 * both: tokens, turns and cost are the ledger's (each message once, at the cost that stands for
 * it), the context (session type, place, status) the runs' when there are some. A run whose Claude
 * session never became known is a session of its own.
 */
export interface HistorySession {
  claudeSessionId: string | null;
  /** Our ids of the wrapped runs of this Claude session (a resumed session has several). */
  wrappedSessionIds: string[];
  source: 'wrapped' | 'transcript' | 'both';
  project: string | null;
  sessionType: string | null;
  status: string | null;
  isolationKey: string | null;
  placeKind: string | null;
  /** The git branch the first wrapped run started on. */
  gitBranch: string | null;
  claudeVersion: string | null;
  startedAt: string | null;
  endedAt: string | null;
  models: string[];
  messages: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  costUsd: number | null;
  computedCostUsd: number;
  reportedCostUsd: number | null;
  turns: number;
  prompts: number;
}

/** Numbers derived from a session, for comparing sessions with each other. */
export interface SessionAnalytics {
  claudeSessionId: string | null;
  wrappedSessionIds: string[];
  durationMinutes: number | null;
  tokensPerMinute: number | null;
  costPerTurn: number | null;
  tokensPerTurn: number | null;
  /** Of all prompt tokens, the share read from the cache: high is cheap. */
  cacheHitRate: number | null;
  outputShare: number | null;
}

interface Row {
  claude_session_id: string | null;
  wrapped_ids: string | null;
  cwd: string | null;
  session_type: string | null;
  status: string | null;
  isolation_key: string | null;
  place_kind: string | null;
  git_branch: string | null;
  claude_version: string | null;
  first_at: number | null;
  last_at: number | null;
  wrapped_started: number | null;
  wrapped_ended: number | null;
  models: string | null;
  messages: number | null;
  input: number | null;
  output: number | null;
  cache_creation: number | null;
  cache_read: number | null;
  cost: number | null;
  computed: number | null;
  turns: number | null;
  reported: number | null;
  prompts: number | null;
  wrapped_model: string | null;
}

const USAGE_COLUMNS = `${MESSAGE_SUMS},
  MIN(at) AS first_at, MAX(at) AS last_at, GROUP_CONCAT(DISTINCT model) AS models, MAX(cwd) AS cwd`;

export function listHistorySessions(db: Db, options: { claudeSessionId?: string } = {}): HistorySession[] {
  const only = options.claudeSessionId ?? null;
  const rows = db
    .prepare(
      `WITH usage AS (
         SELECT claude_session_id, ${USAGE_COLUMNS} FROM messages WHERE claude_session_id IS NOT NULL GROUP BY claude_session_id
       ),
       files AS (
         SELECT claude_session_id, SUM(prompts) AS prompts, SUM(reported_cost_usd) AS reported, MAX(cwd) AS cwd, MAX(claude_version) AS claude_version
         FROM transcript_files GROUP BY claude_session_id
       ),
       wrapped AS (
         SELECT claude_session_id, GROUP_CONCAT(id) AS wrapped_ids, MAX(session_type) AS session_type, MAX(COALESCE(project_path, cwd)) AS cwd,
           MAX(status) AS status, MAX(isolation_key) AS isolation_key, MAX(place_kind) AS place_kind, MIN(started_at) AS started,
           MAX(git_branch) AS git_branch, MAX(claude_version) AS claude_version, MAX(ended_at) AS ended, MAX(model) AS model,
           CASE WHEN COUNT(reported_cost_usd) = COUNT(*) THEN SUM(reported_cost_usd) END AS reported
         FROM sessions WHERE claude_session_id IS NOT NULL GROUP BY claude_session_id
       ),
       ids AS (SELECT claude_session_id FROM usage UNION SELECT claude_session_id FROM wrapped)
       SELECT * FROM (
         SELECT ids.claude_session_id, wrapped.wrapped_ids, COALESCE(wrapped.cwd, usage.cwd, files.cwd) AS cwd, wrapped.session_type,
           wrapped.status, wrapped.isolation_key, wrapped.place_kind, wrapped.git_branch,
           COALESCE(wrapped.claude_version, files.claude_version) AS claude_version, usage.first_at, usage.last_at, wrapped.started AS wrapped_started,
           wrapped.ended AS wrapped_ended, usage.models, usage.messages, usage.input, usage.output, usage.cache_creation, usage.cache_read,
           usage.cost, usage.computed, usage.turns, COALESCE(files.reported, wrapped.reported) AS reported, files.prompts, wrapped.model AS wrapped_model
         FROM ids
         LEFT JOIN usage ON usage.claude_session_id = ids.claude_session_id
         LEFT JOIN files ON files.claude_session_id = ids.claude_session_id
         LEFT JOIN wrapped ON wrapped.claude_session_id = ids.claude_session_id
         WHERE @only IS NULL OR ids.claude_session_id = @only
         UNION ALL
         -- A run whose Claude session never became known is a session of its own.
         SELECT NULL, s.id, COALESCE(s.project_path, s.cwd), s.session_type, s.status, s.isolation_key, s.place_kind, s.git_branch, s.claude_version,
           u.first_at, u.last_at, s.started_at, s.ended_at, u.models, u.messages, u.input, u.output, u.cache_creation, u.cache_read, u.cost,
           u.computed, u.turns, s.reported_cost_usd, NULL, s.model
         FROM sessions AS s LEFT JOIN (SELECT run_id, ${USAGE_COLUMNS} FROM messages WHERE run_id IS NOT NULL GROUP BY run_id) AS u ON u.run_id = s.id
         WHERE s.claude_session_id IS NULL AND @only IS NULL
       )
       ORDER BY COALESCE(first_at, wrapped_started) DESC`,
    )
    .all({ only }) as Row[];
  return rows.map(sessionOfRow);
}

function sessionOfRow(row: Row): HistorySession {
  const wrappedSessionIds = row.wrapped_ids ? row.wrapped_ids.split(',') : [];
  const imported = row.prompts !== null;
  const started = minDefined(row.first_at, row.wrapped_started);
  const ended = maxDefined(row.last_at, row.wrapped_ended);
  const models = (row.models ?? '').split(',').filter((model) => model !== SYNTHETIC_MODEL && model !== 'unknown' && model !== '');
  return {
    claudeSessionId: row.claude_session_id,
    wrappedSessionIds,
    source: wrappedSessionIds.length > 0 && imported ? 'both' : imported ? 'transcript' : 'wrapped',
    project: row.cwd,
    sessionType: row.session_type,
    status: row.status,
    isolationKey: row.isolation_key,
    placeKind: row.place_kind,
    gitBranch: row.git_branch,
    claudeVersion: row.claude_version,
    startedAt: started === null ? null : new Date(started).toISOString(),
    endedAt: ended === null ? null : new Date(ended).toISOString(),
    models: models.length > 0 ? models : row.wrapped_model ? [row.wrapped_model] : [],
    messages: row.messages ?? 0,
    inputTokens: row.input ?? 0,
    outputTokens: row.output ?? 0,
    cacheCreationTokens: row.cache_creation ?? 0,
    cacheReadTokens: row.cache_read ?? 0,
    costUsd: row.messages ? row.cost : row.reported,
    computedCostUsd: row.computed ?? 0,
    reportedCostUsd: row.reported,
    turns: row.turns ?? 0,
    prompts: row.prompts ?? 0,
  };
}

export function analyticsOf(session: HistorySession): SessionAnalytics {
  const duration = session.startedAt && session.endedAt ? (Date.parse(session.endedAt) - Date.parse(session.startedAt)) / 60_000 : null;
  const tokens = session.inputTokens + session.outputTokens + session.cacheCreationTokens + session.cacheReadTokens;
  const promptTokens = session.inputTokens + session.cacheCreationTokens + session.cacheReadTokens;
  const ratio = (a: number | null, b: number | null): number | null => (a === null || b === null || b <= 0 ? null : a / b);
  return {
    claudeSessionId: session.claudeSessionId,
    wrappedSessionIds: session.wrappedSessionIds,
    durationMinutes: duration,
    tokensPerMinute: ratio(tokens, duration),
    costPerTurn: ratio(session.costUsd, session.turns),
    tokensPerTurn: ratio(tokens, session.turns),
    cacheHitRate: ratio(session.cacheReadTokens, promptTokens),
    outputShare: ratio(session.outputTokens, tokens),
  };
}

const CSV_COLUMNS: Array<keyof HistorySession> = [
  'claudeSessionId', 'wrappedSessionIds', 'source', 'project', 'sessionType', 'status', 'isolationKey', 'placeKind', 'gitBranch', 'claudeVersion', 'startedAt', 'endedAt',
  'models', 'messages', 'inputTokens', 'outputTokens', 'cacheCreationTokens', 'cacheReadTokens', 'costUsd', 'computedCostUsd', 'reportedCostUsd',
  'turns', 'prompts',
];

/** Sessions as CSV (RFC 4180), one row each, lists joined by spaces. */
export function sessionsCsv(sessions: readonly HistorySession[]): string {
  const cell = (session: HistorySession, column: keyof HistorySession): string => {
    const value = session[column];
    return csvCell(typeof value === 'number' ? roundByName(column, value) : value);
  };
  const lines = [CSV_COLUMNS.join(','), ...sessions.map((session) => CSV_COLUMNS.map((column) => cell(session, column)).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

function minDefined(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

function maxDefined(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}
