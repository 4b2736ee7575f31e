import { readdirSync, statSync, type Dirent } from 'node:fs';
import { homedir } from 'node:os';
import { join, sep } from 'node:path';
import type { PriceUsage } from '../core/session-state.js';
import type { TranscriptState } from '../ingest/transcript-line.js';
import type { Db } from '../store/database.js';
import { Ledger } from '../store/ledger.js';
import { HeldRows } from '../store/message-rows.js';
import { knownTranscriptFiles, transcriptFileStore, type FileProgress, type KnownFile } from '../store/transcript-files.js';
import { groupJobs, readGroups } from './reading-pool.js';
import type { ReadingJob, TranscriptReading } from './transcript-reading.js';

type Env = Record<string, string | undefined>;

/**
 * The history import: the transcript reader run over Claude Code's transcripts, files that are no
 * longer growing (or whose growth waits for the next import), into the ledger. Each file is read
 * from the byte where the last import stopped (a line still being written waits), and each
 * message and limit goes through the same ledger write a wrapped run's do, so a message seen
 * live, imported later, or copied into a resumed transcript is one row. What is stored stays
 * after Claude deletes its old transcripts.
 */

/** Where transcripts live: `CLAUDE_CONFIG_DIR` (a comma-separated list), else both default places. */
export function transcriptRoots(env: Env = process.env): string[] {
  const home = env.HOME || homedir();
  const dirs = env.CLAUDE_CONFIG_DIR
    ? env.CLAUDE_CONFIG_DIR.split(',').map((dir) => dir.trim()).filter((dir) => dir !== '')
    : [join(home, '.claude'), join(env.XDG_CONFIG_HOME || join(home, '.config'), 'claude')];
  return [...new Set(dirs.map((dir) => join(dir, 'projects')))];
}

export interface ImportProgress {
  filesDone: number;
  filesTotal: number;
  bytesRead: number;
}

export interface ImportSummary {
  roots: string[];
  files: number;
  /** Files with something new since the last import. */
  filesRead: number;
  bytesRead: number;
  lines: number;
  /** Assistant messages stored or updated. */
  messages: number;
  rejectedLines: number;
  /** The first few reasons lines were rejected, with their files. */
  rejections: string[];
  durationMs: number;
}

export interface ImportOptions {
  roots: string[];
  priceUsage: PriceUsage;
  now: () => number;
  timeZone: string;
  /** Worker threads to parse with, given how much there is to read (reading-pool.ts); none by default. */
  threads?: (bytesToRead: number) => number;
  onProgress?: (progress: ImportProgress) => void;
}

/**
 * Message reports placed between commits of an import that adds to a history: one transaction
 * spans many files, since a commit per file costs more than the file's rows. Large enough to be
 * fast, small enough to keep little in memory; the write lock is held only while a batch is
 * written, never while reading.
 */
const BATCH_REPORTS = 20_000;
/** Subagent transcripts sit a few folders below the project's. */
const MAX_DEPTH = 4;
const KEPT_REJECTIONS = 5;
/** Messages an import into an empty history holds before it writes them: beyond this it writes in batches instead. */
const MAX_HELD_MESSAGES = 500_000;

interface FileStat {
  size: number;
  mtimeMs: number;
  ino: number;
}

export function importTranscripts(db: Db, options: ImportOptions): ImportSummary {
  const started = options.now();
  const files = options.roots.flatMap((root) => listTranscriptFiles(root, MAX_DEPTH).map((path) => ({ root, path })));
  const summary: ImportSummary = {
    roots: options.roots,
    files: files.length,
    filesRead: 0,
    bytesRead: 0,
    lines: 0,
    messages: 0,
    rejectedLines: 0,
    rejections: [],
    durationMs: 0,
  };
  const known = knownTranscriptFiles(db);
  const now = options.now();
  // Prepared on the first file with news: most imports have none.
  let writer: HistoryWriter | undefined;
  const jobs: Array<ReadingJob & { bytes: number; stat: FileStat; restart: boolean; index: number }> = [];
  files.forEach(({ root, path }, index) => {
    const stat = statOf(path);
    const row = known.get(path);
    if (!stat || isUnchanged(row, stat)) return;
    writer ??= historyWriter(db, options.priceUsage);
    // Truncated or replaced: what was read belongs to a file that is gone; read it again (messages are keyed, so nothing doubles).
    const restart = !row || row.ino !== stat.ino || stat.size < row.offset;
    const offset = restart ? 0 : row.offset;
    jobs.push({ root, path, offset, state: restart ? null : writer.parseState(path), now, timeZone: options.timeZone, bytes: stat.size - offset, stat, restart, index });
  });
  if (writer === undefined) {
    options.onProgress?.({ filesDone: files.length, filesTotal: files.length, bytesRead: 0 });
    summary.durationMs = options.now() - started;
    return summary;
  }
  const threads = options.threads?.(jobs.reduce((sum, job) => sum + job.bytes, 0)) ?? 0;
  let next = 0;
  for (const readings of readGroups(groupJobs(jobs, threads), threads)) {
    for (const reading of readings) {
      const job = jobs[next++]!;
      writer.add(reading, fileRow(job.root, job.stat, reading, job.restart, now));
      summary.filesRead += 1;
      summary.bytesRead += reading.bytesRead;
      summary.lines += reading.lines;
      summary.messages += reading.messages.length;
      summary.rejectedLines += reading.rejected;
      for (const reason of reading.rejections) if (summary.rejections.length < KEPT_REJECTIONS) summary.rejections.push(`${reading.path}: ${reason}`);
      options.onProgress?.({ filesDone: job.index + 1, filesTotal: files.length, bytesRead: summary.bytesRead });
    }
  }
  writer.finish();
  options.onProgress?.({ filesDone: files.length, filesTotal: files.length, bytesRead: summary.bytesRead });
  summary.durationMs = options.now() - started;
  return summary;
}

/** Null when the file is gone (deleted since it was listed) or cannot be read. */
function statOf(path: string): FileStat | null {
  try {
    return statSync(path, { throwIfNoEntry: false }) ?? null;
  } catch {
    return null;
  }
}

function isUnchanged(row: KnownFile | undefined, stat: FileStat): boolean {
  return row !== undefined && row.ino === stat.ino && row.size === stat.size && row.mtime_ms === stat.mtimeMs;
}

interface HistoryWriter {
  /** The state a file's last import left, for reading on from its offset. */
  parseState(path: string): TranscriptState | null;
  /** A file's new lines: its messages and limits, and where it now stands, committed together. */
  add(reading: TranscriptReading, progress: FileProgress): void;
  /** Writes what waits. */
  finish(): void;
}

/**
 * The ledger and the file rows. Messages are placed in rows held in memory (store/message-rows.ts)
 * and written when a batch commits. Into a history that holds no message yet, every file is
 * placed first and the rows go in at once, the way an empty table is filled best.
 */
function historyWriter(db: Db, priceUsage: PriceUsage): HistoryWriter {
  const files = transcriptFileStore(db);
  let bulk = db.prepare('SELECT 1 FROM messages LIMIT 1').get() === undefined;
  const rows = new HeldRows(db, bulk);
  const ledger = new Ledger(db, priceUsage, rows);
  let waiting: Array<{ reading: TranscriptReading; progress: FileProgress }> = [];
  let reports = 0;

  const place = (reading: TranscriptReading, progress: FileProgress): void => {
    for (const message of reading.messages) ledger.writeMessage(message, null);
    for (const limit of reading.limits) ledger.writeLimit(limit);
    if (progress.session !== null && progress.cost !== null && progress.cost !== files.reportedCost(progress.path)) ledger.noteSessionFigure(progress.session);
    files.save(progress);
  };
  const commit = db.transaction((batch: typeof waiting) => {
    for (const { reading, progress } of batch) place(reading, progress);
    rows.flush();
    ledger.settle();
  });
  // Still empty when the lock is taken (no run wrote meanwhile): the held rows go in at once.
  const commitIntoEmpty = db.transaction((batch: typeof waiting) => {
    if (db.prepare('SELECT 1 FROM messages LIMIT 1').get() !== undefined) return false;
    for (const { reading, progress } of batch) place(reading, progress);
    rows.writeIntoEmptyTable();
    ledger.settle();
    return true;
  });

  const flush = (): void => {
    const batch = waiting;
    waiting = [];
    reports = 0;
    if (batch.length === 0) return;
    if (bulk && commitIntoEmpty.immediate(batch)) return;
    if (bulk) rows.lookUpStored();
    bulk = false;
    commit.immediate(batch);
  };

  return {
    parseState(path) {
      const text = files.parseState(path);
      return text ? (JSON.parse(text) as TranscriptState) : null;
    },
    add(reading, progress) {
      waiting.push({ reading, progress });
      reports += reading.messages.length + reading.limits.length;
      if (bulk ? reports >= MAX_HELD_MESSAGES : reports >= BATCH_REPORTS) flush();
    },
    finish: flush,
  };
}

function fileRow(root: string, stat: FileStat, reading: TranscriptReading, restart: boolean, now: number): FileProgress {
  const { identity } = reading;
  return {
    path: reading.path,
    root,
    ino: stat.ino,
    size: stat.size,
    mtime_ms: stat.mtimeMs,
    offset: reading.offset,
    parse_state: JSON.stringify(reading.state),
    session: identity.sessionId,
    cwd: identity.cwd,
    version: identity.version,
    first_at: identity.firstAt,
    last_at: identity.lastAt,
    lines: reading.lines,
    rejected: reading.rejected,
    prompts: reading.prompts,
    turns: reading.turns,
    cost: identity.cost,
    now,
    restart: restart ? 1 : 0,
  };
}

/** Every `.jsonl` under `root`, a few folders deep (subagent transcripts sit below their session's), in path order. */
export function listTranscriptFiles(root: string, depth: number): string[] {
  const files: string[] = [];
  collectTranscriptFiles(join(root), depth, files);
  return files.sort();
}

function collectTranscriptFiles(dir: string, depth: number, files: string[]): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    // What join() would give, without normalizing thousands of paths that are already normal.
    const path = dir.endsWith(sep) ? dir + entry.name : dir + sep + entry.name;
    if (entry.isFile() && entry.name.endsWith('.jsonl')) files.push(path);
    else if (entry.isDirectory() && depth > 0) collectTranscriptFiles(path, depth - 1, files);
  }
}
