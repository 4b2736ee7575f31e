import type { Db } from './database.js';

/**
 * How far each of Claude's transcript files was read, so the next import reads only what is new,
 * and what the file said of itself (its session, working directory, version, Claude's own
 * cumulative cost figure).
 */

/** What tells whether a file changed since the last import. */
export interface KnownFile {
  ino: number | null;
  size: number;
  mtime_ms: number;
  offset: number;
}

/** A file's row as of `offset`: counters are what was read since the last row of this import. */
export interface FileProgress {
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
  /** The first row of a file read again from its start: counters begin again. */
  restart: number;
}

/**
 * What the last import left of each file, by path. Parse states are left out (only a changed file
 * needs its state, and most are unchanged), and rows come as arrays: this runs before every report.
 */
export function knownTranscriptFiles(db: Db): Map<string, KnownFile> {
  const known = new Map<string, KnownFile>();
  const rows = db.prepare('SELECT path, ino, size, mtime_ms, offset FROM transcript_files').raw().all() as Array<[string, number | null, number, number, number]>;
  for (const [path, ino, size, mtime_ms, offset] of rows) known.set(path, { ino, size, mtime_ms, offset });
  return known;
}

export interface TranscriptFileStore {
  /** The parse state a file's last import left, as it was stored. */
  parseState(path: string): string | null;
  /** The cumulative cost figure the file held before this import, for telling whether it changed. */
  reportedCost(path: string): number | null;
  save(progress: FileProgress): void;
}

/** Statements prepared once per import. */
export function transcriptFileStore(db: Db): TranscriptFileStore {
  const selectState = db.prepare('SELECT parse_state FROM transcript_files WHERE path = ?').pluck();
  const selectCost = db.prepare('SELECT reported_cost_usd FROM transcript_files WHERE path = ?').pluck();
  // Counters add up across imports of one file; a restart (first row of a re-read) starts them from zero.
  const upsert = db.prepare(
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
  return {
    parseState: (path) => (selectState.get(path) as string | null | undefined) ?? null,
    reportedCost: (path) => (selectCost.get(path) as number | null | undefined) ?? null,
    save: (progress) => upsert.run(progress),
  };
}
