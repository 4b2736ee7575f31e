import { describeSessionEvents, ISO_TIME, type SessionEvent, type StoredFact } from '../core/session-events.js';
import type { SessionListRow, SessionView } from '../core/session-view.js';
import { UserError } from '../shared/errors.js';
import type { Db } from './database.js';
import { getImportedSession, listSessionRows, resolveSessionRef, runsOfClaudeSession } from './session-list.js';
import { getRun, readFacts } from './session-rows.js';

export interface SessionDetail {
  /** The run named, the newest run of the Claude session named, or the session's imported part. */
  session: SessionListRow;
  /** Every run of the same Claude session, newest first (the session's own, for a run). */
  runs: string[];
  events: SessionEvent[];
}

/**
 * One session with its event log: named by our run id, Claude's session id, or a prefix of
 * either (see resolveSessionRef), or the newest when no reference is given. A Claude session's
 * log joins the logs of all its runs; one used only without the shim tells what the ledger knows
 * of it (its answers and limits). Null when nothing is recorded or nothing matches.
 */
export function readSessionDetail(db: Db, reference: string | undefined, options: { time?: (at: number) => string } = {}): SessionDetail | null {
  const time = options.time ?? ISO_TIME;
  let ref;
  try {
    ref = reference === undefined ? newestRef(db) : resolveSessionRef(db, reference);
  } catch (error) {
    if (error instanceof UserError) return null;
    throw error;
  }
  if (ref === null) return null;
  if (ref.kind === 'run') {
    const run = getRun(db, ref.id);
    return run ? { session: { ...run, source: 'wrapped' }, runs: [run.id], events: runEvents(db, [run], time) } : null;
  }
  const runs = runsOfClaudeSession(db, ref.id);
  if (runs.length > 0) return { session: { ...runs[0]!, source: 'wrapped' }, runs: runs.map((run) => run.id), events: runEvents(db, runs, time) };
  const imported = getImportedSession(db, ref.id);
  return imported ? { session: imported, runs: [], events: ledgerEvents(db, ref.id, time) } : null;
}

function newestRef(db: Db): { kind: 'run' | 'claude'; id: string } | null {
  const newest = listSessionRows(db, { limit: 1 })[0];
  if (newest === undefined) return null;
  return newest.source === 'wrapped' ? { kind: 'run', id: newest.id } : { kind: 'claude', id: newest.claudeSessionId };
}

function runEvents(db: Db, runs: readonly SessionView[], time: (at: number) => string): SessionEvent[] {
  const facts: StoredFact[] = [];
  const starts: SessionEvent[] = [];
  for (const run of runs) {
    const own = readFacts(db, run.id);
    facts.push(...own);
    // Runs recorded before starts were logged still begin somewhere.
    if (!own.some(({ fact }) => fact.kind === 'session-started')) {
      starts.push({ at: Date.parse(run.startedAt), type: 'start', detail: `${run.mode} in ${run.projectPath ?? run.cwd}` });
    }
  }
  return [...starts, ...describeSessionEvents(facts, time)].sort((a, b) => a.at - b.at);
}

/** A session seen only in its transcript: its answered prompts and its limits, as the ledger holds them. */
function ledgerEvents(db: Db, claudeSessionId: string, time: (at: number) => string): SessionEvent[] {
  const answers = db
    .prepare('SELECT at FROM messages WHERE claude_session_id = ? AND answers_prompt = 1 ORDER BY at')
    .pluck()
    .all(claudeSessionId) as number[];
  const limits = db.prepare('SELECT * FROM limits WHERE claude_session_id = ? ORDER BY observed_at').all(claudeSessionId) as Array<{
    observed_at: number;
    kind: string;
    severity: string;
    resets_at: number | null;
    reset_precision: string;
    utilization: number | null;
    sources: string;
  }>;
  const facts: StoredFact[] = [
    ...answers.map((at) => ({ at, fact: { kind: 'turn-completed' as const, source: 'transcript' as const, at } })),
    ...limits.map((limit) => ({
      at: limit.observed_at,
      fact: {
        kind: 'rate-limit' as const,
        source: 'transcript' as const,
        severity: limit.severity === 'warning' ? ('warning' as const) : ('limit' as const),
        limitKind: limit.kind as Extract<StoredFact['fact'], { kind: 'rate-limit' }>['limitKind'],
        resetsAt: limit.resets_at,
        resetPrecision: limit.reset_precision === 'minute' ? ('minute' as const) : ('second' as const),
        ...(limit.utilization !== null ? { utilization: limit.utilization } : {}),
        at: limit.observed_at,
      },
    })),
  ];
  return describeSessionEvents(facts, time);
}
