import type { Paths } from '../shared/paths.js';
import { localTimeZone } from '../shared/time-zone.js';
import { configuredPricing } from '../store/configured-pricing.js';
import type { Db } from '../store/database.js';
import { openForReading } from '../store/reader.js';
import { recoverDeadSessions } from './recovery.js';

type Env = Record<string, string | undefined>;

/**
 * Opens the history for a command that shows sessions, after settling the runs whose process
 * died (marked INTERRUPTED, completed from their transcripts), so none of them looks live.
 */
export function openSettledHistory(env: Env = process.env, now = Date.now()): { db: Db; paths: Paths } {
  const opened = openForReading(env);
  settleDeadSessions(opened.db, opened.paths, env, now);
  return opened;
}

/** Best effort: another session holding the lock only postpones it to the next command. */
export function settleDeadSessions(db: Db, paths: Paths, env: Env, now: number): string[] {
  try {
    return recoverDeadSessions(db, { sessionStateDir: paths.sessionStateDir, now, priceUsage: configuredPricing(paths), timeZone: localTimeZone(env) });
  } catch {
    return [];
  }
}
