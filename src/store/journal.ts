import { randomUUID } from 'node:crypto';
import { readdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { PriceUsage } from '../core/session-state.js';
import { describeError } from '../shared/errors.js';
import { ensurePrivateDir, readRegularFile, writeFileAtomic } from '../shared/private-fs.js';
import { isBusy, type Db } from './database.js';
import { Ledger } from './ledger.js';
import { applyRunWrites, type RunWrites } from './run-writes.js';

/**
 * Writes a run could not make (the database locked past the wait, full, read-only, broken),
 * kept beside the state files, one owner-only file per run, until a run or command that can
 * write applies them through the same ledger writes. Each entry is applied once: its id is
 * recorded in the same transaction, so an entry applied but not yet deleted (we died between
 * the two) is only deleted the next time.
 */
interface JournalEntry {
  version: 1;
  id: string;
  writtenAt: number;
  writes: RunWrites;
}

const SUFFIX = '.json';
/** An entry that cannot be read is kept under this name, for a person to look at; it is never applied. */
const UNREADABLE_SUFFIX = '.unreadable';

/** Keeps the writes; returns the file. */
export function writeJournalEntry(journalDir: string, writes: RunWrites, now: number): string {
  ensurePrivateDir(journalDir);
  const entry: JournalEntry = { version: 1, id: randomUUID(), writtenAt: now, writes };
  const file = join(journalDir, `${writes.runId}.${entry.id}${SUFFIX}`);
  writeFileAtomic(file, JSON.stringify(entry), { fsync: true });
  return file;
}

export interface JournalStatus {
  /** Entries waiting to be applied. */
  waiting: string[];
  /** Entries that could not be read, kept aside. */
  unreadable: string[];
}

export function journalStatus(journalDir: string): JournalStatus {
  const names = listQuietly(journalDir);
  return {
    waiting: names.filter(isEntryName).map((name) => join(journalDir, name)),
    unreadable: names.filter((name) => name.endsWith(UNREADABLE_SUFFIX)).map((name) => join(journalDir, name)),
  };
}

/** How many entries have waited since before `time` (epoch ms): ones no run or command since could apply. */
export function waitingSince(journalDir: string, time: number): number {
  return journalStatus(journalDir).waiting.filter((file) => {
    try {
      return statSync(file).mtimeMs < time;
    } catch {
      return false;
    }
  }).length;
}

export interface MergeResult {
  merged: number;
  /** Why the first entry that could not be applied was not, when one was not. */
  problem: string | null;
}

/**
 * Applies every waiting entry, oldest first, each in its own transaction. A busy database stops
 * the merge (the next run or command tries again); an entry that cannot be read is set aside.
 */
export function mergeJournal(db: Db, journalDir: string, priceUsage: PriceUsage): MergeResult {
  const files = journalStatus(journalDir).waiting;
  const result: MergeResult = { merged: 0, problem: null };
  if (files.length === 0) return result;
  const ledger = new Ledger(db, priceUsage);
  const isApplied = db.prepare('SELECT 1 FROM journal_merges WHERE id = ?').pluck();
  const markApplied = db.prepare('INSERT INTO journal_merges (id, run_id, merged_at) VALUES (?, ?, ?)');
  for (const file of files.map((path) => ({ path, entry: readEntry(path) })).sort((a, b) => (a.entry?.writtenAt ?? 0) - (b.entry?.writtenAt ?? 0))) {
    if (file.entry === null) {
      setAside(file.path);
      result.problem ??= `${file.path} could not be read; kept as ${file.path}${UNREADABLE_SUFFIX}`;
      continue;
    }
    const entry = file.entry;
    try {
      db.transaction(() => {
        if (isApplied.get(entry.id) !== undefined) return;
        applyRunWrites(db, ledger, entry.writes);
        markApplied.run(entry.id, entry.writes.runId, Date.now());
      }).immediate();
    } catch (error) {
      result.problem ??= `${file.path}: ${describeError(error)}`;
      if (isBusy(error)) break;
      continue;
    }
    result.merged++;
    try {
      unlinkSync(file.path);
    } catch {
      // Another process applied and removed it first.
    }
  }
  return result;
}

function readEntry(file: string): JournalEntry | null {
  try {
    const parsed = JSON.parse(readRegularFile(file) ?? 'null') as Partial<JournalEntry> | null;
    const writes = parsed?.writes;
    if (parsed?.version !== 1 || typeof parsed.id !== 'string' || typeof parsed.writtenAt !== 'number' || !writes || typeof writes.runId !== 'string') return null;
    if (!Array.isArray(writes.messages) || !Array.isArray(writes.limits) || !Array.isArray(writes.events) || typeof writes.row !== 'object') return null;
    return parsed as JournalEntry;
  } catch {
    return null;
  }
}

function setAside(file: string): void {
  try {
    renameSync(file, `${file}${UNREADABLE_SUFFIX}`);
  } catch {
    // Gone already.
  }
}

function isEntryName(name: string): boolean {
  return name.endsWith(SUFFIX) && !name.startsWith('.');
}

function listQuietly(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}
