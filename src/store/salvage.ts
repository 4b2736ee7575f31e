import Database from 'better-sqlite3';
import type { Db } from './database.js';
import { MIGRATIONS } from './migrations.js';

/**
 * What can still be read from a corrupt database, copied into a new one. better-sqlite3 does not
 * expose SQLite's recovery extension (sqlite3_recover), and the sqlite3 command line that offers
 * it (`.recover`) is not on a fresh machine; but our schema is ours, so the new file is built by
 * our own migrations up to the corrupt file's version and each table's rows are copied into it,
 * row by row, stepping over the parts that cannot be read. The migrations after that version then
 * run as on any older database.
 */
export interface SalvageResult {
  /** Whether anything of the corrupt file could be read at all (a file of garbage cannot). */
  readable: boolean;
  /** Rows copied, by table. */
  rows: Record<string, number>;
  /** Stretches of rows that could not be read (a damaged page, a damaged row) and were stepped over. */
  damaged: number;
}

/** Kept up by triggers on messages: rebuilt as the messages are copied, never copied itself. */
const DERIVED_TABLES = new Set(['usage_buckets']);
const BATCH_ROWS = 500;
/** Far enough to step over any damaged part of a table: rowids are below 2^53 in our tables. */
const MAX_STEP = 2 ** 52;

/**
 * Builds `target` (a new, open database) up to the version `corruptFile` was at, with the rows
 * that can be read from it; the caller migrates it on from there.
 */
export function salvageInto(corruptFile: string, target: Db): SalvageResult {
  const result: SalvageResult = { readable: false, rows: {}, damaged: 0 };
  const source = openForSalvage(corruptFile);
  if (source === null) return result;
  try {
    const version = Math.min(Number(source.pragma('user_version', { simple: true })), MIGRATIONS.length);
    target.transaction(() => {
      for (const migration of MIGRATIONS.slice(0, version)) {
        if (typeof migration === 'string') target.exec(migration);
        else migration(target);
      }
      target.pragma(`user_version = ${version}`);
      for (const table of tablesOf(target)) copyTable(source, target, table, result);
    })();
    result.readable = Object.keys(result.rows).length > 0 || version > 0;
    return result;
  } catch {
    return result;
  } finally {
    source.close();
  }
}

/**
 * Read-only, and with the schema's damaged entries skipped rather than fatal (writable_schema,
 * which needs better-sqlite3's unsafe mode), as SQLite's own recovery reads it.
 */
function openForSalvage(file: string): Db | null {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    db.unsafeMode(true);
    db.pragma('writable_schema = ON');
    return db;
  } catch {
    return null;
  }
}

/** The new database's tables, the runs first, since other rows name them. */
function tablesOf(db: Db): string[] {
  const names = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).pluck().all() as string[];
  return names.filter((name) => !DERIVED_TABLES.has(name)).sort((a, b) => Number(b === 'sessions') - Number(a === 'sessions'));
}

function copyTable(source: Db, target: Db, table: string, result: SalvageResult): void {
  const columns = commonColumns(source, target, table);
  if (columns.length === 0) return;
  const list = columns.map(quote).join(', ');
  const insert = target.prepare(`INSERT OR IGNORE INTO ${quote(table)} (${list}) VALUES (${columns.map(() => '?').join(', ')})`);
  let copied = 0;
  const keep = (row: unknown[]): void => {
    try {
      copied += insert.run(...row).changes;
    } catch {
      result.damaged++;
    }
  };
  if (hasRowid(source, table)) readByRowid(source, table, list, keep, result);
  else readAll(source, table, list, keep, result);
  if (copied > 0) result.rows[table] = copied;
}

function commonColumns(source: Db, target: Db, table: string): string[] {
  try {
    const have = new Set((source.pragma(`table_info(${quote(table)})`) as Array<{ name: string }>).map((column) => column.name));
    return (target.pragma(`table_info(${quote(table)})`) as Array<{ name: string }>).map((column) => column.name).filter((name) => have.has(name));
  } catch {
    return [];
  }
}

function hasRowid(db: Db, table: string): boolean {
  try {
    db.prepare(`SELECT rowid FROM ${quote(table)} LIMIT 0`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads a table in rowid order. Where a batch fails (a damaged page or row), it looks further
 * on, at steps that double, for the first row it can read, then reads back from there down to
 * the damage, so only the rows the damage holds are lost.
 */
function readByRowid(source: Db, table: string, columns: string, keep: (row: unknown[]) => void, result: SalvageResult): void {
  const batch = source.prepare(`SELECT rowid, ${columns} FROM ${quote(table)} WHERE rowid > ? ORDER BY rowid LIMIT ${BATCH_ROWS}`).raw();
  const firstFrom = source.prepare(`SELECT rowid, ${columns} FROM ${quote(table)} WHERE rowid >= ? ORDER BY rowid LIMIT 1`).raw();
  const backFrom = source.prepare(`SELECT rowid, ${columns} FROM ${quote(table)} WHERE rowid < ? AND rowid > ? ORDER BY rowid DESC`).raw();
  let after = Number.MIN_SAFE_INTEGER;
  for (;;) {
    let rows: unknown[][];
    try {
      rows = batch.all(after) as unknown[][];
    } catch {
      result.damaged++;
      const found = firstReadableAfter(firstFrom, after);
      if (found === null) return;
      for (const row of readBack(backFrom, found, after)) keep(row.slice(1));
      keep(found.slice(1));
      after = Number(found[0]);
      continue;
    }
    if (rows.length === 0) return;
    for (const row of rows) keep(row.slice(1));
    after = Number(rows[rows.length - 1]![0]);
  }
}

function firstReadableAfter(firstFrom: Database.Statement, after: number): unknown[] | null {
  for (let step = 1; step <= MAX_STEP; step *= 2) {
    try {
      const row = firstFrom.get(after + step) as unknown[] | undefined;
      return row ?? null;
    } catch {
      // Still in the damaged part: look further on.
    }
  }
  return null;
}

/** The rows just before `found` that the step passed over, read downwards until the damage. */
function readBack(backFrom: Database.Statement, found: unknown[], after: number): unknown[][] {
  const rows: unknown[][] = [];
  try {
    for (const row of backFrom.iterate(Number(found[0]), after) as IterableIterator<unknown[]>) rows.push(row);
  } catch {
    // Reached the damage.
  }
  return rows.reverse();
}

/** A table without rowids: read in key order until the first damage. */
function readAll(source: Db, table: string, columns: string, keep: (row: unknown[]) => void, result: SalvageResult): void {
  try {
    for (const row of source.prepare(`SELECT ${columns} FROM ${quote(table)}`).raw().iterate() as IterableIterator<unknown[]>) keep(row);
  } catch {
    result.damaged++;
  }
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
