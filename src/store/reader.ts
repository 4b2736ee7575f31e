import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { configuredPricing } from './configured-pricing.js';
import { openDatabase, type Db } from './database.js';
import { journalStatus, mergeJournal } from './journal.js';
import { describeError, UserError } from '../shared/errors.js';
import { resolvePaths, type Paths } from '../shared/paths.js';

/**
 * Opens the database for a command: migrated if it is older than this version, and with the
 * sessions that ended while it could not be written (waiting in the journal) saved into it, since
 * they are part of the history. Settling runs that died, or importing transcripts, is the
 * command's own visible step.
 */
export function openForReading(env: Record<string, string | undefined> = process.env): { db: Db; paths: Paths } {
  const paths = resolvePaths(env);
  let db: Db;
  try {
    db = openDatabase(paths.databaseFile, {
      onCorruptMovedAside: (movedTo, salvaged) => process.stderr.write(`cw: the database was corrupt; it was moved aside to ${movedTo} and a new one begun (${salvaged}).\n`),
    });
  } catch (error) {
    // A read-only or full disk, a locked or unreadable file: a reason to act on, not a stack trace.
    throw new UserError(`cw: cannot open the history at ${paths.databaseFile}: ${describeError(error)}`, 1);
  }
  saveWaitingSessions(db, paths);
  return { db, paths };
}

/** Best effort, and brief: a database another process holds leaves them for the next command. */
function saveWaitingSessions(db: Db, paths: Paths): void {
  if (journalStatus(paths.journalDir).waiting.length === 0) return;
  const wait = Number(db.pragma('busy_timeout', { simple: true }));
  try {
    db.pragma(`busy_timeout = ${JOURNAL_BUSY_TIMEOUT_MS}`);
    mergeJournal(db, paths.journalDir, configuredPricing(paths));
  } catch {
    // A database that cannot take them now: they wait, and `cw doctor` says so.
  } finally {
    db.pragma(`busy_timeout = ${wait}`);
  }
}

const JOURNAL_BUSY_TIMEOUT_MS = 500;

/**
 * Opens the database without writing anything: no migration, no recovery. Null when no session
 * was ever recorded. For checks that must not change what they look at.
 */
export function openReadOnly(file: string): Db | null {
  if (!existsSync(file)) return null;
  return new Database(file, { readonly: true, fileMustExist: true });
}
