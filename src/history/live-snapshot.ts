import { BLOCK_MS } from '../core/blocks.js';
import { SPARK_SPAN_MS, type LiveLimit, type LiveSnapshot } from '../core/live-view.js';
import type { SessionView } from '../core/session-view.js';
import { loadConfig } from '../shared/config.js';
import { describeError } from '../shared/errors.js';
import { listAlerts } from '../store/alerts.js';
import { refreshHistory } from './refresh.js';
import { readLiveStatus } from '../store/live-status.js';
import { openSettledHistory } from './open.js';
import { listSessions } from '../store/session-rows.js';
import { isLiveDocument, listSessionDocuments, type StateDocument } from '../store/state-files.js';
import { loadUsageRecords } from '../store/usage-records.js';

/**
 * Blocks chain: each opens at the first message after the last one closed, so the open block can
 * only be placed by reading back past its start. Two days covers all but days of unbroken use.
 */
const RECORDS_LOOKBACK_MS = Math.max(2 * 24 * 3_600_000, SPARK_SPAN_MS, 2 * BLOCK_MS);

/** A view has room for a few alerts; `cw alerts list` has them all. */
const MAX_ALERTS = 3;

export interface SnapshotOptions {
  /** Read new transcript lines into the history first (costs tens of milliseconds or more). */
  importTranscripts: boolean;
}

/** Everything `cw watch` shows, read once. A failure becomes `problem`, so the view stays up. */
export function loadLiveSnapshot(env: NodeJS.ProcessEnv, now: number, options: SnapshotOptions): LiveSnapshot {
  try {
    const { db, paths } = openSettledHistory(env, now);
    try {
      if (options.importTranscripts) refreshHistory(db, loadConfig(paths.configFile).config, env);
      const status = readLiveStatus(db, paths, now);
      const documents = listSessionDocuments(paths.sessionStateDir);
      const sessions = mergeLive(status.live, documents, now);
      const live = new Set(sessions.map((session) => session.id));
      const newest = [status.current?.data, ...listSessions(db, { limit: 5 })].filter((session): session is SessionView => session !== undefined && !live.has(session.id));
      return {
        sessions,
        limits: mergeLimits(
          status.limits.map((limit) => ({ kind: limit.kind, resetsAt: limit.resetsAt === null ? null : Date.parse(limit.resetsAt), sessionId: limit.sessionId, text: limit.text })),
          sessions,
        ),
        lastSession: newestOf(newest),
        records: loadUsageRecords(db, { from: now - RECORDS_LOOKBACK_MS }),
        loadedAt: now,
        alerts: listAlerts(db, { limit: MAX_ALERTS }).map(({ id, severity, message, createdAt }) => ({ id, severity, message, createdAt })),
        problem: null,
      };
    } finally {
      db.close();
    }
  } catch (error) {
    return { sessions: [], limits: [], lastSession: null, records: [], loadedAt: now, alerts: [], problem: `history not read: ${describeError(error)}` };
  }
}

/** The database's live rows, each replaced by its state file where that is fresher; ended files drop a row. */
function mergeLive(rows: readonly SessionView[], documents: readonly StateDocument[], now: number): SessionView[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  for (const document of documents) {
    const id = document.data.id;
    if (isLiveDocument(document, now)) byId.set(id, { ...document.data, status: document.status });
    else if (document.status !== 'ACTIVE' && document.status !== 'RATE_LIMITED') byId.delete(id);
  }
  return [...byId.values()];
}

/** Limits from the database, plus a live session's own limit its row may not hold yet. */
function mergeLimits(limits: LiveLimit[], sessions: readonly SessionView[]): LiveLimit[] {
  const merged = [...limits];
  for (const session of sessions) {
    const own = session.rateLimit;
    if (session.status !== 'RATE_LIMITED' || !own || own.severity !== 'limit' || merged.some((limit) => limit.kind === own.kind)) continue;
    merged.push({ kind: own.kind, resetsAt: own.resetsAt === null ? null : Date.parse(own.resetsAt), sessionId: session.id, text: own.text });
  }
  return merged;
}

function newestOf(sessions: readonly SessionView[]): SessionView | null {
  const at = (session: SessionView) => Date.parse(session.endedAt ?? session.updatedAt);
  return sessions.reduce<SessionView | null>((best, session) => (best === null || at(session) > at(best) ? session : best), null);
}
