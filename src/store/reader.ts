import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { openDatabase, type Db } from './database.js';
import { describeError, UserError } from '../shared/errors.js';
import { resolvePaths, type Paths } from '../shared/paths.js';

/**
 * Opens the database for a command: migrated if it is older than this version, nothing else.
 * Settling runs that died, or importing transcripts, is the command's own visible step.
 */
export function openForReading(env: Record<string, string | undefined> = process.env): { db: Db; paths: Paths } {
  const paths = resolvePaths(env);
  try {
    const db = openDatabase(paths.databaseFile, {
      onCorruptMovedAside: (movedTo) => process.stderr.write(`cw: the database was corrupt; it was moved aside to ${movedTo} and a new one begun.\n`),
    });
    return { db, paths };
  } catch (error) {
    // A read-only or full disk, a locked or unreadable file: a reason to act on, not a stack trace.
    throw new UserError(`cw: cannot open the history at ${paths.databaseFile}: ${describeError(error)}`, 1);
  }
}

/**
 * Opens the database without writing anything: no migration, no recovery. Null when no session
 * was ever recorded. For checks that must not change what they look at.
 */
export function openReadOnly(file: string): Db | null {
  if (!existsSync(file)) return null;
  return new Database(file, { readonly: true, fileMustExist: true });
}
