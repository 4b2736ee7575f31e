import { readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
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

/** Lines written in one transaction: large enough to be fast, small enough not to hold the lock long. */
const BATCH_LINES = 2000;
/** Subagent transcripts sit a few folders below the project's. */
const MAX_DEPTH = 4;
const KEPT_REJECTIONS = 5;

interface FileRow {
  path: string;
  ino: number | null;
  size: number;
  mtime_ms: number;
  offset: number;
  parse_state: string | null;
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
  const known = new Map((db.prepare('SELECT path, ino, size, mtime_ms, offset, parse_state FROM transcript_files').all() as FileRow[]).map((row) => [row.path, row]));
  files.forEach(({ root, path }, index) => {
    importFile(db, root, path, known.get(path), options, summary);
    options.onProgress?.({ filesDone: index + 1, filesTotal: files.length, bytesRead: summary.bytesRead });
  });
  summary.durationMs = options.now() - started;
  return summary;
}

function importFile(db: Db, root: string, path: string, row: FileRow | undefined, options: ImportOptions, summary: ImportSummary): void {
  let stat: { size: number; mtimeMs: number; ino: number };
  try {
    stat = statSync(path);
  } catch {
    return; // Deleted since it was listed.
  }
  const unchanged = row && row.ino === stat.ino && row.size === stat.size && row.mtime_ms === stat.mtimeMs;
  if (unchanged) return;
  // Truncated or replaced: what was read belongs to a file that is gone; read it again (messages are keyed, so nothing doubles).
  const restart = !row || row.ino !== stat.ino || stat.size < row.offset;
  let offset = restart ? 0 : row.offset;
  let state: TranscriptState = restart || !row.parse_state ? INITIAL_TRANSCRIPT_STATE : (JSON.parse(row.parse_state) as TranscriptState);
  const counters = { lines: 0, rejected: 0, prompts: 0, turns: 0 };
  // A resumed read knows the session from the parse state: its lines name it again only on a change.
  const identity: { sessionId: string | null; cwd: string | null; version: string | null; firstAt: number | null; lastAt: number | null; cost: number | null } = {
    sessionId: state.sessionId,
    cwd: state.cwd,
    version: state.version,
    firstAt: null,
    lastAt: null,
    cost: null,
  };
  const upsert = messageUpsert(db);
  let batch: Array<() => void> = [];
  let resetCounters = restart;
  const flush = (): void => {
    const writes = batch;
    batch = [];
    db.transaction(() => {
      for (const write of writes) write();
      saveFile(db, root, path, stat, offset, state, resetCounters, counters, identity, options.now());
    }).immediate();
    resetCounters = false;
    fileTotals.lines += counters.lines;
    counters.lines = counters.rejected = counters.prompts = counters.turns = 0;
  };
  const fileTotals = { lines: 0 };
  const startOffset = offset;
  for (const { line, end } of completeLines(path, offset, { onOversized: () => reject('a line over 64 MB') })) {
    offset = end;
    counters.lines += 1;
    if (isInertLine(line)) continue;
    const result = parseTranscriptLine(line, { now: options.now(), timeZone: options.timeZone, state });
    state = result.state;
    if (result.isUserPrompt) counters.prompts += 1;
    for (const fact of result.facts) {
      noteFact(fact, identity, counters, (reason) => reject(reason));
      if (fact.kind === 'usage') {
        const stored = storedMessage(fact, path, identity, options.priceUsage);
        batch.push(() => upsert.run(stored));
        summary.messages += 1;
      }
    }
    if (counters.lines >= BATCH_LINES) flush();
  }
  flush();
  summary.filesRead += 1;
  summary.bytesRead += offset - startOffset;
  summary.lines += fileTotals.lines;

  function reject(reason: string): void {
    counters.rejected += 1;
    summary.rejectedLines += 1;
    if (summary.rejections.length < KEPT_REJECTIONS) summary.rejections.push(`${path}: ${reason}`);
  }
}

function noteFact(
  fact: Fact,
  identity: { sessionId: string | null; cwd: string | null; version: string | null; firstAt: number | null; lastAt: number | null; cost: number | null },
  counters: { turns: number },
  reject: (reason: string) => void,
): void {
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
function messageUpsert(db: Db) {
  const columns = [
    'message_key', 'claude_session_id', 'file', 'cwd', 'model', 'at', 'input_tokens', 'output_tokens', 'cache_creation_tokens',
    'cache_creation_5m_tokens', 'cache_creation_1h_tokens', 'cache_read_tokens', 'cost_usd', 'priced', 'sidechain',
  ];
  const updates = columns.filter((column) => column !== 'message_key').map((column) => `${column} = excluded.${column}`).join(', ');
  return db.prepare(
    `INSERT INTO messages (${columns.join(', ')}) VALUES (${columns.map((column) => `@${column}`).join(', ')})
     ON CONFLICT (message_key) DO UPDATE SET ${updates} WHERE excluded.output_tokens >= messages.output_tokens`,
  );
}

function saveFile(
  db: Db,
  root: string,
  path: string,
  stat: { size: number; mtimeMs: number; ino: number },
  offset: number,
  state: TranscriptState,
  restart: boolean,
  counters: { lines: number; rejected: number; prompts: number; turns: number },
  identity: { sessionId: string | null; cwd: string | null; version: string | null; firstAt: number | null; lastAt: number | null; cost: number | null },
  now: number,
): void {
  // Counters add up across imports of one file; a restart (first batch of a re-read) starts them from zero.
  db.prepare(
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
  ).run({
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
  });
}

/** Every `.jsonl` under `root`, a few folders deep (subagent transcripts sit below their session's). */
export function listTranscriptFiles(root: string, depth: number): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(root, entry.name);
    if (entry.isFile() && entry.name.endsWith('.jsonl')) files.push(path);
    else if (entry.isDirectory() && depth > 0) files.push(...listTranscriptFiles(path, depth - 1));
  }
  return files.sort();
}
