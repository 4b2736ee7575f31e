import Database from 'better-sqlite3';
import { existsSync, renameSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../shared/private-fs.js';
import { MIGRATIONS } from './migrations.js';
import { salvageInto } from './salvage.js';

export type Db = Database.Database;
export type Statement = Database.Statement;

export interface OpenDatabaseOptions {
  /** How long a statement waits for another writer before giving up (SQLITE_BUSY). */
  busyTimeoutMs?: number;
  /** Called when a corrupt file was moved aside, with its new name, and what of it the new one holds, in words. */
  onCorruptMovedAside?(movedTo: string, salvaged: string): void;
}

const CORRUPTION_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB']);

let nativeBinding: string | null | undefined;

/**
 * The addon's file, in the places the `bindings` package tries first, so better-sqlite3 loads it
 * directly: `bindings` reads a stack trace and probes a dozen paths on every first open, which the
 * shim pays after Claude exits. Null (the package finds it itself) where it lies elsewhere.
 */
function addonFile(): string | null {
  if (nativeBinding !== undefined) return nativeBinding;
  nativeBinding = null;
  try {
    const root = dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'));
    nativeBinding = [join(root, 'build', 'better_sqlite3.node'), join(root, 'build', 'Debug', 'better_sqlite3.node'), join(root, 'build', 'Release', 'better_sqlite3.node')].find((file) => existsSync(file)) ?? null;
  } catch {
    // Resolved differently (a bundler, another layout): the package's own search stands.
  }
  return nativeBinding;
}

/**
 * Opens the shared database: WAL so readers never block the writer and many sessions can write,
 * a busy timeout so writers queue instead of failing, and migrations applied exactly once even
 * when several processes open a new file at the same moment.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Db {
  ensurePrivateDir(dirname(file));
  try {
    return openAndMigrate(file, options);
  } catch (error) {
    if (!isCorruption(error)) throw error;
    const movedTo = `${file}.corrupt-${Date.now()}`;
    moveAside(file, movedTo);
    const salvaged = salvageFrom(movedTo, file);
    options.onCorruptMovedAside?.(movedTo, salvaged);
    return openAndMigrate(file, options);
  }
}

function openAndMigrate(file: string, options: OpenDatabaseOptions): Db {
  const db = openNew(file, options.busyTimeoutMs ?? 5000);
  try {
    // Reading the schema finds a damaged one now, while the file can still be moved aside and salvaged.
    db.prepare('SELECT COUNT(*) FROM sqlite_master').get();
    if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Opens (or creates, owner-only) the file. */
function openNew(file: string, busyTimeoutMs: number): Db {
  const isNew = !existsSync(file);
  const addon = addonFile();
  const db = new Database(file, { timeout: busyTimeoutMs, ...(addon === null ? {} : { nativeBinding: addon }) });
  if (isNew) {
    try {
      chmodSync(file, PRIVATE_FILE_MODE);
    } catch (error) {
      db.close();
      throw error;
    }
  }
  return db;
}

/** What of the corrupt file the new one now holds, in words for the line that reports the move. */
function salvageFrom(corruptFile: string, file: string): string {
  let db: Db;
  try {
    db = openNew(file, 5000);
  } catch {
    return 'nothing could be salvaged';
  }
  try {
    const { readable, rows, damaged } = salvageInto(corruptFile, db);
    if (!readable) return 'nothing in it could be read';
    const { sessions = 0, messages = 0, ...rest } = rows;
    const other = Object.values(rest).reduce((sum, count) => sum + count, 0);
    const lost = damaged > 0 ? `; ${damaged} damaged part${damaged === 1 ? '' : 's'} could not be read` : '';
    return `salvaged ${sessions} run${sessions === 1 ? '' : 's'}, ${messages} message${messages === 1 ? '' : 's'} and ${other} other row${other === 1 ? '' : 's'}${lost}`;
  } finally {
    db.close();
  }
}

export function migrate(db: Db): void {
  if (currentVersion(db) >= MIGRATIONS.length) return;
  // IMMEDIATE takes the write lock first, so two processes cannot both apply a migration.
  db.transaction(() => {
    for (let version = currentVersion(db); version < MIGRATIONS.length; version++) {
      const migration = MIGRATIONS[version]!;
      if (typeof migration === 'string') db.exec(migration);
      else migration(db);
      db.pragma(`user_version = ${version + 1}`);
    }
  }).immediate();
}

function currentVersion(db: Db): number {
  return Number(db.pragma('user_version', { simple: true }));
}

export function isCorruption(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CORRUPTION_CODES.has(code);
}

export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

function moveAside(file: string, movedTo: string): void {
  renameSync(file, movedTo);
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(file + suffix)) renameSync(file + suffix, movedTo + suffix);
  }
}
