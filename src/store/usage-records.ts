import type { UsageRecord } from '../core/usage-report.js';
import type { Db } from './database.js';

export interface UsageQuery {
  /** Instants, ms: records at or after `from` and before `to`. */
  from?: number;
  to?: number;
  /** Keep records whose project path contains this text. */
  project?: string;
  claudeSessionId?: string;
}

/**
 * Every usage record in the history, each message counted once: the imported assistant messages,
 * summed per quarter hour, session, project and model (the usage_buckets table, kept by triggers),
 * plus one record per wrapped run whose transcript was never imported (a run without a
 * transcript on this machine still cost what it cost).
 *
 * Where Claude reported a session's cost itself (`total_cost_usd` of every wrapped run of it, or
 * the cost lines of its transcript), that figure wins: the session's messages are scaled so they
 * add up to it, which keeps daily, project and model reports consistent with the session report.
 * A wrapped figure is used only when those runs saw all of the session's messages, so a resumed
 * session with runs outside the shim keeps the computed cost.
 */
export function loadUsageRecords(db: Db, query: UsageQuery = {}): UsageRecord[] {
  const rows = db
    .prepare(
      `WITH transcript_reported AS (
         SELECT claude_session_id AS id, SUM(reported_cost_usd) AS reported FROM transcript_files
         WHERE claude_session_id IS NOT NULL AND reported_cost_usd IS NOT NULL GROUP BY claude_session_id
       ),
       wrapped_reported AS (
         SELECT claude_session_id AS id, SUM(reported_cost_usd) AS reported, SUM(computed_cost_usd) AS computed FROM sessions
         WHERE claude_session_id IS NOT NULL GROUP BY claude_session_id HAVING COUNT(reported_cost_usd) = COUNT(*)
       ),
       claimed AS (
         SELECT id, reported, NULL AS wrapped_computed FROM transcript_reported
         UNION ALL
         SELECT id, reported, computed FROM wrapped_reported WHERE id NOT IN (SELECT id FROM transcript_reported)
       ),
       scale AS (
         SELECT claimed.id, claimed.reported / computed.cost AS factor
         FROM claimed JOIN (
           SELECT claude_session_id AS id, SUM(cost_usd) AS cost FROM usage_buckets
           WHERE claude_session_id IN (SELECT id FROM claimed) GROUP BY claude_session_id
         ) AS computed ON computed.id = claimed.id
         WHERE computed.cost > 0 AND (claimed.wrapped_computed IS NULL OR claimed.wrapped_computed >= computed.cost * 0.999)
       )
       SELECT b.first_at, b.last_at, NULLIF(b.claude_session_id, ''), NULLIF(b.cwd, ''), b.model, b.input_tokens, b.output_tokens,
         b.cache_creation_tokens, b.cache_read_tokens, b.cost_usd * COALESCE(scale.factor, 1), b.priced, b.messages
       FROM usage_buckets AS b LEFT JOIN scale ON scale.id = b.claude_session_id
       WHERE b.first_at >= @from AND b.first_at < @to AND (@project IS NULL OR instr(b.cwd, @project) > 0)
         AND (@session IS NULL OR b.claude_session_id = @session)
       UNION ALL
       SELECT s.started_at, s.started_at, COALESCE(s.claude_session_id, s.id), COALESCE(s.project_path, s.cwd), COALESCE(s.model, '(unknown)'),
         s.input_tokens, s.output_tokens, s.cache_creation_tokens, s.cache_read_tokens, COALESCE(s.cost_usd, 0),
         s.unpriced_models = '[]', 0
       FROM sessions AS s
       WHERE (s.claude_session_id IS NULL OR NOT EXISTS (SELECT 1 FROM messages WHERE messages.claude_session_id = s.claude_session_id))
         AND s.started_at >= @from AND s.started_at < @to
         AND (@project IS NULL OR instr(COALESCE(s.project_path, s.cwd), @project) > 0)
         AND (@session IS NULL OR s.claude_session_id = @session OR s.id = @session)
         AND (s.input_tokens + s.output_tokens + s.cache_creation_tokens + s.cache_read_tokens > 0 OR COALESCE(s.cost_usd, 0) > 0)`,
    )
    .raw()
    .all({
      from: query.from ?? Number.MIN_SAFE_INTEGER,
      to: query.to ?? Number.MAX_SAFE_INTEGER,
      project: query.project ?? null,
      session: query.claudeSessionId ?? null,
    }) as Array<[number, number, string | null, string | null, string, number, number, number, number, number, number, number]>;
  return rows.map(([at, lastAt, sessionId, project, model, input, output, cacheCreation, cacheRead, cost, priced, messages]) => ({
    at,
    lastAt,
    sessionId,
    project,
    model,
    inputTokens: input,
    outputTokens: output,
    cacheCreationTokens: cacheCreation,
    cacheReadTokens: cacheRead,
    costUsd: cost,
    priced: priced === 1,
    messages,
  }));
}
