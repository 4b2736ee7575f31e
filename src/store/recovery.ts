import type { TokenUsage } from '../core/facts.js';
import type { PriceUsage } from '../core/session-state.js';
import { summarizeTranscriptFile } from '../ingest/transcript-file.js';
import type { Db } from './database.js';
import { markInterrupted } from './session-rows.js';
import { readStateDocument, sessionStateFile, writeStateDocument } from './state-files.js';
import { isProcessAlive, machineName } from '../shared/identity.js';

/**
 * Sessions recorded as live whose runner process is gone from this machine (kill -9, a crash,
 * power loss) are marked INTERRUPTED; what they recorded stays, and what their transcript holds
 * beyond it (the last lines before the end, not yet written when the runner died) is added. A
 * stopped (Ctrl+Z) session still has its process and is left alone.
 */
export function recoverInterruptedSessions(db: Db, sessionStateDir: string, now: number, options: { priceUsage?: PriceUsage } = {}): string[] {
  const host = machineName();
  const rows = db
    .prepare(`SELECT id, pid, host FROM sessions WHERE status IN ('ACTIVE', 'RATE_LIMITED')`)
    .all() as { id: string; pid: number | null; host: string | null }[];
  const dead = rows.filter((row) => row.host === host && row.pid !== null && !isProcessAlive(row.pid)).map((row) => row.id);
  if (dead.length === 0) return [];
  markInterrupted(db, dead, now);
  for (const id of dead) {
    const completed = completeFromTranscript(db, id, now, options.priceUsage);
    markStateFileInterrupted(sessionStateFile(sessionStateDir, id), now, completed);
  }
  return dead;
}

interface Completion {
  tokens: TokenUsage;
  numTurns: number;
  costUsd: number | null;
  costSource: 'claude' | 'computed' | null;
}

interface TranscriptRow {
  transcript_path: string | null;
  transcript_offset: number | null;
  input_tokens: number;
  output_tokens: number;
  cache_creation_tokens: number;
  cache_read_tokens: number;
  num_turns: number;
  cost_usd: number | null;
  cost_source: string | null;
  reported_cost_usd: number | null;
}

/** Reads the session's part of its transcript again; where it says more than was recorded, the row takes it. */
function completeFromTranscript(db: Db, id: string, now: number, priceUsage: PriceUsage | undefined): Completion | null {
  const row = db.prepare('SELECT * FROM sessions WHERE id = ?').get(id) as TranscriptRow | undefined;
  if (!row?.transcript_path) return null;
  const offset = row.transcript_offset ?? 0;
  const summary = summarizeTranscriptFile(row.transcript_path, { now, timeZone: 'UTC', offset });
  const recorded = row.input_tokens + row.output_tokens + row.cache_creation_tokens + row.cache_read_tokens;
  const found = summary.totals.inputTokens + summary.totals.outputTokens + summary.totals.cacheCreationTokens + summary.totals.cacheReadTokens;
  if (found <= recorded) return null;
  // Claude's cumulative figure is this session's own only when the transcript began with it.
  const reported = offset === 0 ? summary.reportedCostUsd : null;
  const computed = priceUsage
    ? Object.entries(summary.byModel).reduce((sum, [model, usage]) => sum + priceUsage(model, usage, { aggregate: true }).costUsd, 0)
    : null;
  const completion: Completion = {
    tokens: summary.totals,
    numTurns: Math.max(row.num_turns, summary.turns),
    costUsd: reported ?? computed ?? row.cost_usd,
    costSource: reported !== null ? 'claude' : computed !== null ? 'computed' : (row.cost_source as Completion['costSource']),
  };
  db.prepare(
    `UPDATE sessions SET input_tokens = ?, output_tokens = ?, cache_creation_tokens = ?, cache_read_tokens = ?, num_turns = ?,
       cost_usd = ?, cost_source = ?, reported_cost_usd = COALESCE(?, reported_cost_usd), computed_cost_usd = COALESCE(?, computed_cost_usd), updated_at = ?
     WHERE id = ?`,
  ).run(
    completion.tokens.inputTokens,
    completion.tokens.outputTokens,
    completion.tokens.cacheCreationTokens,
    completion.tokens.cacheReadTokens,
    completion.numTurns,
    completion.costUsd,
    completion.costSource,
    reported,
    computed,
    now,
    id,
  );
  return completion;
}

function markStateFileInterrupted(file: string, now: number, completion: Completion | null): void {
  const document = readStateDocument(file);
  if (document === null) return;
  const numbers = completion
    ? {
        inputTokens: completion.tokens.inputTokens,
        outputTokens: completion.tokens.outputTokens,
        cacheCreationTokens: completion.tokens.cacheCreationTokens,
        cacheReadTokens: completion.tokens.cacheReadTokens,
        numTurns: completion.numTurns,
        costUsd: completion.costUsd,
        costSource: completion.costSource,
      }
    : {};
  try {
    writeStateDocument(file, {
      status: 'INTERRUPTED',
      data: { ...document.data, ...numbers, status: 'INTERRUPTED' },
      updatedAt: new Date(now).toISOString(),
    });
  } catch {
    // Readers will see the stale heartbeat instead.
  }
}
