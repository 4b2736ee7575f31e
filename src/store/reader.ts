import { openDatabase, type Db } from './database.js';
import { recoverInterruptedSessions } from './recovery.js';
import { resolvePaths, type Paths } from '../shared/paths.js';

/** Opens the database for a reading command, after settling sessions whose process died. */
export function openForReading(env = process.env, now = Date.now()): { db: Db; paths: Paths } {
  const paths = resolvePaths(env);
  const db = openDatabase(paths.databaseFile);
  try {
    recoverInterruptedSessions(db, paths.sessionStateDir, now);
  } catch {
    // Recovery is best effort; reading goes on.
  }
  return { db, paths };
}
