import { readdirSync, statSync, type Dirent } from 'node:fs';
import { homedir } from 'node:os';
import { join, sep } from 'node:path';
import type { Fact, UsageObservedFact } from '../core/facts.js';
import type { PriceUsage } from '../core/session-state.js';
import { completeLines } from '../ingest/transcript-file.js';
import { INITIAL_TRANSCRIPT_STATE, isInertLine, parseTranscriptLine, type TranscriptState } from '../ingest/transcript-line.js';
import type { Db } from './database.js';

type Env = Record<string, string | undefined>;

/**
 * Imports Claude Code's transcripts into the database, incrementally: each file is read from the
 * byte where the last import stopped (a line still being written waits for the next import), and
 * each assistant message is stored once under its message id + request id, the largest counts
 * winning, so sessions we wrapped and their transcripts are never counted twice. What is stored
 * stays after Claude deletes its old transcripts.
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

/** What tells whether a file changed since the last import. */
interface KnownFile {
  ino: number | null;
  size: number;
  mtime_ms: number;
  offset: number;
}

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
  const known = knownFiles(db);
  // Prepared on the first file with news: most imports have none.
  let writer: HistoryWriter | undefined;
  files.forEach(({ root, path }, index) => {
    const stat = statOf(path);
    const row = known.get(path);
    if (stat && !isUnchanged(row, stat)) importFile((writer ??= historyWriter(db)), root, path, stat, row, options, summary);
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

/**
 * What the last import left of each file, by path. Parse states are left out (only a changed file
 * needs its state, and most are unchanged), and rows come as arrays: this runs before every report.
 */
function knownFiles(db: Db): Map<string, KnownFile> {
  const known = new Map<string, KnownFile>();
  const rows = db.prepare('SELECT path, ino, size, mtime_ms, offset FROM transcript_files').raw().all() as Array<[string, number | null, number, number, number]>;
  for (const [path, ino, size, mtime_ms, offset] of rows) known.set(path, { ino, size, mtime_ms, offset });
  return known;
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
        writer.addMessage(storedMessage(fact, path, identity, options.priceUsage));
        summary.messages += 1;
      } else if (fact.kind === 'rate-limit') {
        writer.addLimit({ file: path, at: fact.at, kind: fact.limitKind, severity: fact.severity, claude_session_id: identity.sessionId, resets_at: fact.resetsAt, utilization: fact.utilization ?? null });
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
  addMessage(message: StoredMessage): void;
  addLimit(limit: StoredLimit): void;
  addFile(row: FileParams): void;
  countLine(): void;
  isFull(): boolean;
  /** Writes what was added in one transaction. */
  flush(): void;
}

/** Statements prepared once per import, and the batch waiting for its commit. */
function historyWriter(db: Db): HistoryWriter {
  const selectState = db.prepare('SELECT parse_state FROM transcript_files WHERE path = ?').pluck();
  const upsertMessage = messageUpsert(db);
  const upsertFile = fileUpsert(db);
  const insertLimit = db.prepare(
    `INSERT OR IGNORE INTO limit_history (file, at, kind, severity, claude_session_id, resets_at, utilization)
     VALUES (@file, @at, @kind, @severity, @claude_session_id, @resets_at, @utilization)`,
  );
  const write = db.transaction((messages: Iterable<StoredMessage>, limits: StoredLimit[], files: FileParams[]) => {
    for (const message of messages) upsertMessage(message);
    for (const limit of limits) insertLimit.run(limit);
    for (const file of files) upsertFile.run(file);
  });
  // Claude writes a message again for each of its content blocks: only the version the upsert
  // would keep is written, in the order the message first came (rows are numbered alike).
  let messages = new Map<string, StoredMessage>();
  let limits: StoredLimit[] = [];
  let files: FileParams[] = [];
  let lines = 0;
  return {
    readBuffer: Buffer.allocUnsafe(READ_CHUNK_BYTES),
    parseState(path) {
      const text = selectState.get(path) as string | null | undefined;
      return text ? (JSON.parse(text) as TranscriptState) : null;
    },
    addMessage(message) {
      const earlier = messages.get(message.message_key);
      if (!earlier || keepsLater(earlier, message)) messages.set(message.message_key, message);
    },
    addLimit(limit) {
      limits.push(limit);
    },
    addFile(row) {
      files.push(row);
    },
    countLine() {
      lines += 1;
    },
    isFull: () => lines + files.length >= BATCH_LINES,
    flush() {
      if (messages.size > 0 || limits.length > 0 || files.length > 0) write.immediate(messages.values(), limits, files);
      messages = new Map();
      limits = [];
      files = [];
      lines = 0;
    },
  };
}

/** A limit Claude reported in a transcript: metadata only, not its words. */
interface StoredLimit {
  file: string;
  at: number;
  kind: string;
  severity: string;
  claude_session_id: string | null;
  resets_at: number | null;
  utilization: number | null;
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

interface StoredMessage {
  message_key: string;
  claude_session_id: string | null;
  file: string;
  cwd: string | null;
  model: string;
  at: number;
  input_tokens: number;
  output_tokens: number;
  cache_creation_tokens: number;
  cache_creation_5m_tokens: number | null;
  cache_creation_1h_tokens: number | null;
  cache_read_tokens: number;
  cost_usd: number;
  priced: number;
  sidechain: number;
}

function storedMessage(fact: UsageObservedFact, file: string, identity: { sessionId: string | null; cwd: string | null }, priceUsage: PriceUsage): StoredMessage {
  const { costUsd, known } = priceUsage(fact.model, fact.usage);
  return {
    message_key: fact.messageKey,
    claude_session_id: identity.sessionId,
    file,
    cwd: identity.cwd,
    model: fact.model,
    at: fact.at ?? 0,
    input_tokens: fact.usage.inputTokens,
    output_tokens: fact.usage.outputTokens,
    cache_creation_tokens: fact.usage.cacheCreationTokens,
    cache_creation_5m_tokens: fact.usage.cacheCreation5mTokens ?? null,
    cache_creation_1h_tokens: fact.usage.cacheCreation1hTokens ?? null,
    cache_read_tokens: fact.usage.cacheReadTokens,
    cost_usd: costUsd,
    priced: known ? 1 : 0,
    sidechain: fact.sidechain ? 1 : 0,
  };
}

/** A message seen again replaces the stored one only with counts at least as large: earlier lines of a message carry partial output. */
function keepsLater(earlier: StoredMessage, later: StoredMessage): boolean {
  return later.output_tokens >= earlier.output_tokens;
}

const MESSAGE_COLUMNS = [
  'message_key', 'claude_session_id', 'file', 'cwd', 'model', 'at', 'input_tokens', 'output_tokens', 'cache_creation_tokens',
  'cache_creation_5m_tokens', 'cache_creation_1h_tokens', 'cache_read_tokens', 'cost_usd', 'priced', 'sidechain',
] as const satisfies ReadonlyArray<keyof StoredMessage>;

/** Stores a message under `keepsLater`'s rule. Positional parameters: binding by name costs more, on every message. */
function messageUpsert(db: Db): (message: StoredMessage) => void {
  const updates = MESSAGE_COLUMNS.filter((column) => column !== 'message_key').map((column) => `${column} = excluded.${column}`).join(', ');
  const statement = db.prepare(
    `INSERT INTO messages (${MESSAGE_COLUMNS.join(', ')}) VALUES (${MESSAGE_COLUMNS.map(() => '?').join(', ')})
     ON CONFLICT (message_key) DO UPDATE SET ${updates} WHERE excluded.output_tokens >= messages.output_tokens`,
  );
  return (message) => {
    statement.run(MESSAGE_COLUMNS.map((column) => message[column]));
  };
}

/** A file's row as of `offset`: counters are what was read since the last row of this import. */
interface FileParams {
  path: string;
  root: string;
  ino: number;
  size: number;
  mtime_ms: number;
  offset: number;
  parse_state: string;
  session: string | null;
  cwd: string | null;
  version: string | null;
  first_at: number | null;
  last_at: number | null;
  lines: number;
  rejected: number;
  prompts: number;
  turns: number;
  cost: number | null;
  now: number;
  restart: number;
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
): FileParams {
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

function fileUpsert(db: Db) {
  // Counters add up across imports of one file; a restart (first row of a re-read) starts them from zero.
  return db.prepare(
    `INSERT INTO transcript_files (path, root, ino, size, mtime_ms, offset, parse_state, claude_session_id, cwd, claude_version, first_at, last_at,
       lines, rejected_lines, prompts, turns, reported_cost_usd, imported_at)
     VALUES (@path, @root, @ino, @size, @mtime_ms, @offset, @parse_state, @session, @cwd, @version, @first_at, @last_at, @lines, @rejected, @prompts, @turns, @cost, @now)
     ON CONFLICT (path) DO UPDATE SET
       root = excluded.root, ino = excluded.ino, size = excluded.size, mtime_ms = excluded.mtime_ms, offset = excluded.offset,
       parse_state = excluded.parse_state,
       claude_session_id = COALESCE(transcript_files.claude_session_id, excluded.claude_session_id),
       cwd = COALESCE(excluded.cwd, transcript_files.cwd),
       claude_version = COALESCE(excluded.claude_version, transcript_files.claude_version),
       first_at = MIN(COALESCE(transcript_files.first_at, excluded.first_at), COALESCE(excluded.first_at, transcript_files.first_at)),
       last_at = MAX(COALESCE(transcript_files.last_at, excluded.last_at), COALESCE(excluded.last_at, transcript_files.last_at)),
       lines = CASE WHEN @restart THEN 0 ELSE transcript_files.lines END + excluded.lines,
       rejected_lines = CASE WHEN @restart THEN 0 ELSE transcript_files.rejected_lines END + excluded.rejected_lines,
       prompts = CASE WHEN @restart THEN 0 ELSE transcript_files.prompts END + excluded.prompts,
       turns = CASE WHEN @restart THEN 0 ELSE transcript_files.turns END + excluded.turns,
       reported_cost_usd = COALESCE(excluded.reported_cost_usd, transcript_files.reported_cost_usd),
       imported_at = excluded.imported_at`,
  );
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
