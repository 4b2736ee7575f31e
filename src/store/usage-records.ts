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
 * Every usage record in the history, read plainly from the ledger: its messages summed per
 * quarter hour, session, project and model (usage_buckets, kept by triggers). Each message is
 * there once, whoever saw it, at the cost that stands for it (Claude's own figures shared out over
 * the messages they cover, see store/ledger.ts).
 */
export function loadUsageRecords(db: Db, query: UsageQuery = {}): UsageRecord[] {
  const rows = db
    .prepare(
      `SELECT first_at, last_at, NULLIF(claude_session_id, ''), NULLIF(cwd, ''), model, input_tokens, output_tokens, cache_creation_tokens,
         cache_read_tokens, cost_usd, priced, messages, machine
       FROM usage_buckets
       WHERE first_at >= @from AND first_at < @to AND (@project IS NULL OR instr(cwd, @project) > 0)
         AND (@session IS NULL OR claude_session_id = @session)`,
    )
    .raw()
    .all({
      from: query.from ?? Number.MIN_SAFE_INTEGER,
      to: query.to ?? Number.MAX_SAFE_INTEGER,
      project: query.project ?? null,
      session: query.claudeSessionId ?? null,
    }) as Array<[number, number, string | null, string | null, string, number, number, number, number, number, number, number, string]>;
  return rows.map(([at, lastAt, sessionId, project, model, input, output, cacheCreation, cacheRead, cost, priced, messages, machine]) => ({
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
    ...(machine === '' ? {} : { machine }),
  }));
}

/**
 * The history summed per quarter hour alone, every session, project and model together: what
 * block totals need, at a fraction of the rows (the live views learn a block's limit from it).
 */
export function loadQuarterHourTotals(db: Db): UsageRecord[] {
  const rows = db
    .prepare(
      `SELECT MIN(first_at), MAX(last_at), SUM(input_tokens), SUM(output_tokens), SUM(cache_creation_tokens), SUM(cache_read_tokens),
         SUM(cost_usd), MIN(priced), SUM(messages)
       FROM usage_buckets GROUP BY bucket`,
    )
    .raw()
    .all() as Array<[number, number, number, number, number, number, number, number, number]>;
  return rows.map(([at, lastAt, input, output, cacheCreation, cacheRead, cost, priced, messages]) => ({
    at,
    lastAt,
    sessionId: null,
    project: null,
    model: 'all',
    inputTokens: input,
    outputTokens: output,
    cacheCreationTokens: cacheCreation,
    cacheReadTokens: cacheRead,
    costUsd: cost,
    priced: priced === 1,
    messages,
  }));
}
