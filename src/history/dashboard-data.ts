import type { Calendar } from '../core/calendar.js';
import { summarizeDailyUsage, type DailyUsage } from '../core/daily-usage.js';
import { buildLiveView, type LiveView } from '../core/live-view.js';
import { summarizeRecentBlocks, type RecentBlocks } from '../core/recent-blocks.js';
import type { SessionListRow } from '../core/session-view.js';
import { zoneTime } from '../core/zone-time.js';
import { loadConfig } from '../shared/config.js';
import { readPackageVersion } from '../shared/package-info.js';
import { resolvePaths, type Paths } from '../shared/paths.js';
import type { Db } from '../store/database.js';
import { refreshHistory } from './refresh.js';
import { loadLimitEvents } from '../store/limit-history.js';
import { createLiveLoader } from './live-snapshot.js';
import { openSettledHistory } from './open.js';
import { readSessionDetail, type SessionDetail } from '../store/session-detail.js';
import { listSessionRows } from '../store/session-list.js';
import { readStateDocument, type StateDocument } from '../store/state-files.js';
import { loadUsageRecords } from '../store/usage-records.js';

/** Importing transcripts costs 50–150 ms: at most this often, however many requests come. */
export const IMPORT_EVERY_MS = 25_000;
const DAY_MS = 86_400_000;

export interface DashboardDataOptions {
  calendar: Calendar;
  /** Read new transcript lines into the history (at most every `importEveryMs`). */
  importTranscripts: boolean;
  importEveryMs?: number;
  /** planLimits.tokensPerBlock of a custom plan. */
  tokensPerBlock?: number;
}

/** What the dashboard shows, read from the database and state files at each call. */
export interface DashboardStore {
  timeZone: string;
  health(now: number): { status: 'ok'; version: string; time: string; historyImportedAt: string | null };
  currentSession(): StateDocument | null;
  live(now: number): LiveView & { timeZone: string };
  sessions(limit: number, now: number): SessionListRow[];
  session(reference: string, now: number): SessionDetail | null;
  stats(dayCount: number, now: number): DailyUsage;
  blocks(dayCount: number, now: number): RecentBlocks;
}

export function createDashboardStore(env: NodeJS.ProcessEnv, options: DashboardDataOptions): DashboardStore {
  const importEveryMs = options.importEveryMs ?? IMPORT_EVERY_MS;
  let importedAt: number | null = null;
  const version = readPackageVersion();
  const loadLive = createLiveLoader(env);

  /** True when this call should import; claims the slot so the next one within the interval does not. */
  const claimImport = (now: number): boolean => {
    if (!options.importTranscripts || (importedAt !== null && now - importedAt < importEveryMs)) return false;
    importedAt = now;
    return true;
  };

  const withHistory = <T>(now: number, read: (db: Db, paths: Paths) => T): T => {
    const { db, paths } = openSettledHistory(env, now);
    try {
      if (claimImport(now)) {
        try {
          refreshHistory(db, loadConfig(paths.configFile).config, env);
        } catch {
          // A transcript that cannot be read must not take the page down: what is stored is shown.
        }
      }
      return read(db, paths);
    } finally {
      db.close();
    }
  };

  const zone = zoneTime(options.calendar.timeZone);
  return {
    timeZone: options.calendar.timeZone,
    health: (now) => ({ status: 'ok', version, time: new Date(now).toISOString(), historyImportedAt: importedAt === null ? null : new Date(importedAt).toISOString() }),
    currentSession: () => readStateDocument(resolvePaths(env).currentStateFile),
    live: (now) => ({ ...buildLiveView(loadLive(now, { importTranscripts: claimImport(now) }), now), timeZone: options.calendar.timeZone }),
    sessions: (limit, now) => withHistory(now, (db) => listSessionRows(db, { limit })),
    session: (reference, now) => withHistory(now, (db) => readSessionDetail(db, reference, { time: (at) => zone.dateTime(at) })),
    stats: (dayCount, now) =>
      withHistory(now, (db) => {
        const from = options.calendar.startOfDay(options.calendar.dayOf(now) - dayCount + 1);
        return summarizeDailyUsage(loadUsageRecords(db, { from }), options.calendar, now, dayCount);
      }),
    // The whole history: blocks chain from the first message, and the limit is learned from all of them.
    blocks: (dayCount, now) =>
      withHistory(now, (db) => summarizeRecentBlocks(loadUsageRecords(db), loadLimitEvents(db), now, { from: now - dayCount * DAY_MS, ...(options.tokensPerBlock === undefined ? {} : { tokensPerBlock: options.tokensPerBlock }) })),
  };
}
