import { readdirSync, statSync, type Dirent } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import type { Fact } from '../core/facts.js';
import { findSameMessage, isMoreComplete } from '../core/message-identity.js';
import type { PriceUsage } from '../core/session-state.js';
import { completeLines } from '../ingest/transcript-file.js';
import { INITIAL_TRANSCRIPT_STATE, isInertLine, parseTranscriptLine, type TranscriptState } from '../ingest/transcript-line.js';
import type { Db } from '../store/database.js';
import { Ledger, ledgerLimitOf, ledgerMessageOf, type LedgerLimit, type LedgerMessage } from '../store/ledger.js';
import { knownTranscriptFiles, transcriptFileStore, type FileProgress, type KnownFile } from '../store/transcript-files.js';

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
  onProgress?: (progress: ImportProgress) => void;
}

/**
 * Lines read (and files finished) between commits: one transaction spans many files, since a
 * commit per file costs more than the file's rows. Large enough to be fast, small enough to keep
 * little in memory; the write lock is held only while a batch is written, never while reading.
 */
const BATCH_LINES = 20_000;
const READ_CHUNK_BYTES = 1024 * 1024;
/** Subagent transcripts sit a few folders below the project's. */
const MAX_DEPTH = 4;
const KEPT_REJECTIONS = 5;

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
  // Prepared on the first file with news: most imports have none.
  let writer: HistoryWriter | undefined;
  files.forEach(({ root, path }, index) => {
    const stat = statOf(path);
    const row = known.get(path);
    if (stat && !isUnchanged(row, stat)) importFile((writer ??= historyWriter(db, options.priceUsage)), root, path, stat, row, options, summary);
    options.onProgress?.({ filesDone: index + 1, filesTotal: files.length, bytesRead: summary.bytesRead });
  });
  writer?.flush();
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

type Identity = { sessionId: string | null; cwd: string | null; version: string | null; firstAt: number | null; lastAt: number | null; cost: number | null };
type Counters = { lines: number; rejected: number; prompts: number; turns: number };

function importFile(
  writer: HistoryWriter,
  root: string,
  path: string,
  stat: FileStat,
  row: KnownFile | undefined,
  options: ImportOptions,
  summary: ImportSummary,
): void {
  // Truncated or replaced: what was read belongs to a file that is gone; read it again (messages are keyed, so nothing doubles).
  const restart = !row || row.ino !== stat.ino || stat.size < row.offset;
  let offset = restart ? 0 : row.offset;
  let state = (restart ? null : writer.parseState(path)) ?? INITIAL_TRANSCRIPT_STATE;
  const counters: Counters = { lines: 0, rejected: 0, prompts: 0, turns: 0 };
  // A resumed read knows the session from the parse state: its lines name it again only on a change.
  const identity: Identity = { sessionId: state.sessionId, cwd: state.cwd, version: state.version, firstAt: null, lastAt: null, cost: null };
  let resetCounters = restart;
  // Where the file stands goes into the same batch as its messages, so a commit never has one without the other.
  const checkpoint = (): void => {
    writer.addFile(fileRow(root, path, stat, offset, state, resetCounters, counters, identity, options.now()));
    resetCounters = false;
    summary.lines += counters.lines;
    counters.lines = counters.rejected = counters.prompts = counters.turns = 0;
  };
  const startOffset = offset;
  for (const { bytes, end } of completeLines(path, offset, { buffer: writer.readBuffer, onOversized: () => reject('a line over 64 MB') })) {
    offset = end;
    counters.lines += 1;
    writer.countLine();
    if (isInertLine(bytes)) continue;
    const result = parseTranscriptLine(bytes.toString('utf8'), { now: options.now(), timeZone: options.timeZone, state });
    state = result.state;
    if (result.isUserPrompt) counters.prompts += 1;
    for (const fact of result.facts) {
      noteFact(fact, identity, counters, reject);
      if (fact.kind === 'usage') {
        // The line's own session wins: a 1.x resume names the new session on the lines it copies.
        writer.addMessage(ledgerMessageOf(fact, { claudeSessionId: identity.sessionId, file: path, cwd: identity.cwd, at: 0 }));
        summary.messages += 1;
      } else if (fact.kind === 'rate-limit') {
        // The account is the config directory the transcript is under; the words are not kept.
        writer.addLimit(ledgerLimitOf(fact, { account: dirname(root), claudeSessionId: identity.sessionId, runId: null, file: path }, { keepText: false }));
      }
    }
    if (writer.isFull()) {
      checkpoint();
      writer.flush();
    }
  }
  checkpoint();
  if (writer.isFull()) writer.flush();
  summary.filesRead += 1;
  summary.bytesRead += offset - startOffset;

  function reject(reason: string): void {
    counters.rejected += 1;
    summary.rejectedLines += 1;
    if (summary.rejections.length < KEPT_REJECTIONS) summary.rejections.push(`${path}: ${reason}`);
  }
}

interface HistoryWriter {
  /** One buffer for reading every file: a fresh one per file would cost more than reading it. */
  readonly readBuffer: Buffer;
  /** The state a file's last import left, for reading on from its offset. */
  parseState(path: string): TranscriptState | null;
  addMessage(message: LedgerMessage): void;
  addLimit(limit: LedgerLimit): void;
  addFile(row: FileProgress): void;
  countLine(): void;
  isFull(): boolean;
  /** Writes what was added in one transaction. */
  flush(): void;
}

/** The ledger and the file rows, and the batch waiting for its commit. */
function historyWriter(db: Db, priceUsage: PriceUsage): HistoryWriter {
  const ledger = new Ledger(db, priceUsage);
  const files = transcriptFileStore(db);
  // Claude writes a message again for each of its content blocks: the batch keeps the report the
  // ledger would keep (the same identity rule, in memory), in the order messages first came.
  let messages = new Map<string, LedgerMessage[]>();
  let limits: LedgerLimit[] = [];
  let progress: FileProgress[] = [];
  let lines = 0;
  const write = db.transaction(() => {
    for (const reports of messages.values()) for (const message of reports) ledger.writeMessage(message, null);
    for (const limit of limits) ledger.writeLimit(limit);
    for (const row of progress) {
      if (row.session !== null && row.cost !== null && row.cost !== files.reportedCost(row.path)) ledger.noteSessionFigure(row.session);
      files.save(row);
    }
    ledger.settle();
  });
  return {
    readBuffer: Buffer.allocUnsafe(READ_CHUNK_BYTES),
    parseState(path) {
      const text = files.parseState(path);
      return text ? (JSON.parse(text) as TranscriptState) : null;
    },
    addMessage(message) {
      const reports = messages.get(message.messageId);
      if (!reports) {
        messages.set(message.messageId, [message]);
        return;
      }
      const index = findSameMessage(message, reports);
      if (index === -1) reports.push(message);
      else reports[index] = mergeReports(reports[index]!, message);
    },
    addLimit(limit) {
      limits.push(limit);
    },
    addFile(row) {
      progress.push(row);
    },
    countLine() {
      lines += 1;
    },
    isFull: () => lines + progress.length >= BATCH_LINES,
    flush() {
      if (messages.size > 0 || limits.length > 0 || progress.length > 0) write.immediate();
      messages = new Map();
      limits = [];
      progress = [];
      lines = 0;
    },
  };
}

/** Two reports of one message in a batch: the fuller counts, and what either alone says. */
function mergeReports(earlier: LedgerMessage, later: LedgerMessage): LedgerMessage {
  const fuller = isMoreComplete(later.usage, earlier.usage) ? later : earlier;
  return {
    ...fuller,
    requestId: earlier.requestId ?? later.requestId,
    claudeSessionId: earlier.claudeSessionId ?? later.claudeSessionId,
    at: Math.min(earlier.at, later.at),
    sidechain: earlier.sidechain || later.sidechain,
    answersPrompt: earlier.answersPrompt || later.answersPrompt,
  };
}

function noteFact(fact: Fact, identity: Identity, counters: { turns: number }, reject: (reason: string) => void): void {
  switch (fact.kind) {
    case 'session-identified':
      identity.sessionId ??= fact.claudeSessionId;
      identity.cwd = fact.cwd ?? identity.cwd;
      identity.version = fact.claudeVersion ?? identity.version;
      break;
    case 'usage':
      if (fact.at !== undefined) {
        identity.firstAt = Math.min(identity.firstAt ?? fact.at, fact.at);
        identity.lastAt = Math.max(identity.lastAt ?? fact.at, fact.at);
      }
      break;
    case 'turn-completed':
      counters.turns += 1;
      break;
    case 'cost-reported':
      identity.cost = fact.costUsd;
      break;
    case 'line-rejected':
      reject(fact.reason);
      break;
    default:
      break;
  }
}

function fileRow(
  root: string,
  path: string,
  stat: FileStat,
  offset: number,
  state: TranscriptState,
  restart: boolean,
  counters: Counters,
  identity: Identity,
  now: number,
): FileProgress {
  return {
    path,
    root,
    ino: stat.ino,
    size: stat.size,
    mtime_ms: stat.mtimeMs,
    offset,
    parse_state: JSON.stringify(state),
    session: identity.sessionId,
    cwd: identity.cwd,
    version: identity.version,
    first_at: identity.firstAt,
    last_at: identity.lastAt,
    lines: counters.lines,
    rejected: counters.rejected,
    prompts: counters.prompts,
    turns: counters.turns,
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
