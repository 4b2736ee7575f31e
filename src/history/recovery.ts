import { runCostShare } from '../core/cost-share.js';
import type { PriceUsage } from '../core/session-state.js';
import { costFigureBefore } from '../ingest/transcript-cost.js';
import { transcriptLines } from '../ingest/transcript-file.js';
import { INITIAL_TRANSCRIPT_STATE, parseTranscriptLine } from '../ingest/transcript-line.js';
import { isProcessAlive, machineName } from '../shared/identity.js';
import type { Db } from '../store/database.js';
import { Ledger, ledgerLimitOf, ledgerMessageOf } from '../store/ledger.js';
import { getRun, markInterrupted } from '../store/session-rows.js';
import { readStateDocument, sessionStateFile, writeStateDocument } from '../store/state-files.js';

export interface RecoveryOptions {
  sessionStateDir: string;
  now: number;
  priceUsage: PriceUsage;
  timeZone: string;
}

/**
 * Runs recorded as live whose runner is gone from this machine (kill -9, a crash, power loss) are
 * marked INTERRUPTED. What they recorded stays, and what their transcript holds beyond it (the
 * last lines before the end, not yet written when the runner died) is read into the ledger for
 * them, through the same write a live run uses. A stopped (Ctrl+Z) run still has its process and
 * is left alone. Returns the runs settled.
 */
export function recoverDeadSessions(db: Db, options: RecoveryOptions): string[] {
  const host = machineName();
  const rows = db
    .prepare(`SELECT id, pid, host, started_at FROM sessions WHERE status IN ('ACTIVE', 'RATE_LIMITED')`)
    .all() as { id: string; pid: number | null; host: string | null; started_at: number }[];
  const dead = rows.filter((row) => row.host === host && row.pid !== null && !isProcessAlive(row.pid, row.started_at)).map((row) => row.id);
  if (dead.length === 0) return [];
  db.transaction(() => {
    markInterrupted(db, dead, options.now);
    const ledger = new Ledger(db, options.priceUsage);
    for (const id of dead) completeFromTranscript(db, ledger, id, options);
    ledger.settle();
  }).immediate();
  for (const id of dead) markStateFileInterrupted(db, id, options);
  return dead;
}

interface RunRow {
  claude_session_id: string | null;
  transcript_path: string | null;
  transcript_offset: number | null;
  started_at: number;
  project_path: string | null;
  cwd: string;
  account: string | null;
  reported_cost_usd: number | null;
}

/** The run's part of its transcript, read again into the ledger under the run's claim. */
function completeFromTranscript(db: Db, ledger: Ledger, runId: string, options: RecoveryOptions): void {
  const run = db.prepare('SELECT * FROM sessions WHERE id = ?').get(runId) as RunRow | undefined;
  if (!run?.transcript_path) return;
  const file = run.transcript_path;
  const offset = run.transcript_offset ?? 0;
  const claim = { runId, runStartedAt: run.started_at };
  let state = INITIAL_TRANSCRIPT_STATE;
  let latestCost: number | null = null;
  for (const line of transcriptLines(file, offset)) {
    const result = parseTranscriptLine(line, { now: options.now, timeZone: options.timeZone, state });
    state = result.state;
    for (const fact of result.facts) {
      if (fact.kind === 'usage') ledger.writeMessage(ledgerMessageOf(fact, { claudeSessionId: run.claude_session_id, file, cwd: run.project_path ?? run.cwd, at: run.started_at }), claim);
      else if (fact.kind === 'rate-limit') ledger.writeLimit(ledgerLimitOf(fact, { account: run.account, claudeSessionId: run.claude_session_id, runId, file }, { keepText: true }));
      else if (fact.kind === 'cost-reported') latestCost = fact.costUsd;
    }
  }
  // Claude's cost line written after our last write: the run's share grows to what it says.
  if (latestCost !== null) {
    const share = runCostShare({ processUsd: null, transcripts: { [file]: { baselineUsd: costFigureBefore(file, offset), latestUsd: latestCost } } });
    if (share !== null && share > (run.reported_cost_usd ?? 0)) db.prepare('UPDATE sessions SET reported_cost_usd = ? WHERE id = ?').run(share, runId);
  }
  ledger.noteRunFigure(runId);
}

/** The state file shows what the ledger now says the run added. */
function markStateFileInterrupted(db: Db, runId: string, options: RecoveryOptions): void {
  const file = sessionStateFile(options.sessionStateDir, runId);
  const document = readStateDocument(file);
  const run = getRun(db, runId);
  if (document === null || run === null) return;
  try {
    writeStateDocument(file, {
      status: 'INTERRUPTED',
      data: { ...document.data, ...run, accountLimits: document.data.accountLimits, limitWindows: document.data.limitWindows, status: 'INTERRUPTED' },
      updatedAt: new Date(options.now).toISOString(),
    });
  } catch {
    // Readers will see the stale heartbeat instead.
  }
}
