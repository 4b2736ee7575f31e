import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { openDatabase, type Db } from './database.js';
import { recoverInterruptedSessions } from './recovery.js';
import { loadPriceTable } from '../core/price-config.js';
import { computeCostUsd } from '../core/pricing.js';
import { loadConfig } from '../shared/config.js';
import { describeError, UserError } from '../shared/errors.js';
import { resolvePaths, type Paths } from '../shared/paths.js';

/** Opens the database for a reading command, after settling sessions whose process died. */
export function openForReading(env = process.env, now = Date.now()): { db: Db; paths: Paths } {
  const paths = resolvePaths(env);
  let db: Db;
  try {
    db = openDatabase(paths.databaseFile, { onCorruptMovedAside: (movedTo) => process.stderr.write(`cw: the database was corrupt; it was moved aside to ${movedTo} and a new one begun.\n`) });
  } catch (error) {
    // A read-only or full disk, a locked or unreadable file: a reason to act on, not a stack trace.
    throw new UserError(`cw: cannot open the history at ${paths.databaseFile}: ${describeError(error)}`, 1);
  }
  try {
    // A session completed from its transcript is priced as the runner would have priced it.
    const { table } = loadPriceTable(loadConfig(paths.configFile).config);
    recoverInterruptedSessions(db, paths.sessionStateDir, now, { priceUsage: (model, usage, options) => computeCostUsd(model, usage, table, options) });
  } catch {
    // Recovery is best effort; reading goes on.
  }
  return { db, paths };
}

/**
 * Opens the database without writing anything: no migration, no recovery. Null when no session
 * was ever recorded. For checks that must not change what they look at.
 */
export function openReadOnly(file: string): Db | null {
  if (!existsSync(file)) return null;
  return new Database(file, { readonly: true, fileMustExist: true });
}
