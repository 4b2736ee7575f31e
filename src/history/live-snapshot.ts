import { BLOCK_MS, identifyBlocks } from '../core/blocks.js';
import { configuredTokensPerBlock } from '../core/config-schema.js';
import type { WindowReading } from '../core/limit-windows.js';
import { SPARK_SPAN_MS, type LiveLimit, type LiveSnapshot } from '../core/live-view.js';
import { estimateBlockLimit, finishedBlockCount, limitOfEstimate } from '../core/plan-limits.js';
import { readingsOfView, type SessionView } from '../core/session-view.js';
import { loadConfig } from '../shared/config.js';
import { describeError } from '../shared/errors.js';
import { listAlerts } from '../store/alerts.js';
import { refreshHistory } from './refresh.js';
import { readLiveStatus } from '../store/live-status.js';
import { openSettledHistory } from './open.js';
import { listSessions } from '../store/session-rows.js';
import { isLiveDocument, listSessionDocuments, type StateDocument } from '../store/state-files.js';
import { allWindowsInForce } from '../store/account-limits.js';
import type { Db } from '../store/database.js';
import { loadLimitEvents } from '../store/limit-history.js';
import { loadQuarterHourTotals, loadUsageRecords } from '../store/usage-records.js';

/**
 * Blocks chain: each opens at the first message after the last one closed, so the open block can
 * only be placed by reading back past its start. Two days covers all but days of unbroken use.
 */
const RECORDS_LOOKBACK_MS = Math.max(2 * 24 * 3_600_000, SPARK_SPAN_MS, 2 * BLOCK_MS);

/** A view has room for a few alerts; `cw alerts list` has them all. */
const MAX_ALERTS = 3;

/** The limit a block is measured against changes when a block ends or a limit is met: learned again this often. */
const BLOCK_LIMIT_EVERY_MS = 60_000;

export interface SnapshotOptions {
  /** Read new transcript lines into the history first (costs tens of milliseconds or more). */
  importTranscripts: boolean;
}

export type LiveLoader = (now: number, options: SnapshotOptions) => LiveSnapshot;

/** Everything `cw watch` shows, read once. A failure becomes `problem`, so the view stays up. */
export function loadLiveSnapshot(env: NodeJS.ProcessEnv, now: number, options: SnapshotOptions): LiveSnapshot {
  return createLiveLoader(env)(now, options);
}

/**
 * A loader for a view that reads again and again: the block's limit, learned from every block of
 * the history, is read at most every BLOCK_LIMIT_EVERY_MS (and after an import); the rest each time.
 */
export function createLiveLoader(env: NodeJS.ProcessEnv): LiveLoader {
  let blockLimit: { value: LiveSnapshot['blockLimit']; at: number } | null = null;
  return (now, options) => {
    try {
      const { db, paths } = openSettledHistory(env, now);
      try {
        const config = loadConfig(paths.configFile).config;
        if (options.importTranscripts) refreshHistory(db, config, env);
        if (blockLimit === null || options.importTranscripts || now - blockLimit.at >= BLOCK_LIMIT_EVERY_MS) {
          blockLimit = { value: learnBlockLimit(db, config, now), at: now };
        }
        return readSnapshot(db, paths, now, blockLimit.value);
      } finally {
        db.close();
      }
    } catch (error) {
      return { sessions: [], limits: [], lastSession: null, records: [], loadedAt: now, alerts: [], problem: `history not read: ${describeError(error)}`, windows: [], blockLimit: { limit: null, finishedBlocks: 0 } };
    }
  };
}

function learnBlockLimit(db: Db, config: Record<string, unknown>, now: number): LiveSnapshot['blockLimit'] {
  const timeline = identifyBlocks(loadQuarterHourTotals(db), now, loadLimitEvents(db));
  const tokensPerBlock = configuredTokensPerBlock(config);
  return { limit: limitOfEstimate(estimateBlockLimit(timeline, tokensPerBlock === undefined ? {} : { tokensPerBlock })), finishedBlocks: finishedBlockCount(timeline) };
}

function readSnapshot(db: Db, paths: ReturnType<typeof openSettledHistory>['paths'], now: number, blockLimit: LiveSnapshot['blockLimit']): LiveSnapshot {
  const status = readLiveStatus(db, paths, now);
  const documents = listSessionDocuments(paths.sessionStateDir);
  const sessions = mergeLive(status.live, documents, now);
  const live = new Set(sessions.map((session) => session.id));
  const newest = [status.current?.data, ...listSessions(db, { limit: 5 })].filter((session): session is SessionView => session !== undefined && !live.has(session.id));
  const windows: WindowReading[] = [...allWindowsInForce(db, now), ...sessions.flatMap((session) => readingsOfView(session))];
  return {
    sessions,
    limits: mergeLimits(
      status.limits.map((limit) => ({ kind: limit.kind, resetsAt: limit.resetsAt === null ? null : Date.parse(limit.resetsAt), sessionId: limit.sessionId, text: limit.text })),
      sessions,
    ),
    lastSession: newestOf(newest),
    records: loadUsageRecords(db, { from: now - RECORDS_LOOKBACK_MS }),
    loadedAt: now,
    alerts: listAlerts(db, { limit: MAX_ALERTS }).map(({ id, severity, data, message, createdAt }) => ({ id, severity, data, message, createdAt })),
    problem: null,
    windows,
    blockLimit,
  };
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
