/**
 * The history import places every report with the ledger's rules on rows held in memory, and
 * fills an empty history in bulk (indexes and the bucket trigger set aside, buckets summed once).
 * Whatever path it takes, the history must be the one writing each report to the table, one at a
 * time as a live run does, would leave: the same messages, limits and file rows, the same buckets.
 * Checked on every transcript fixture of the repository.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { computeCostUsd } from '../../src/core/pricing.js';
import { PRICE_TABLE } from '../../src/core/price-table.js';
import type { PriceUsage } from '../../src/core/session-state.js';
import { importTranscripts, listTranscriptFiles } from '../../src/history/import.js';
import { readTranscript } from '../../src/history/transcript-reading.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { Ledger } from '../../src/store/ledger.js';
import { transcriptFileStore } from '../../src/store/transcript-files.js';
import { fixturePath } from '../support/fixtures.js';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const priceUsage: PriceUsage = (model, usage, options) => computeCostUsd(model, usage, PRICE_TABLE, options);

let dir: string;
let roots: string[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cw-import-bulk-'));
  roots = fixtureRoots();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Every transcript fixture under its own Claude config folder, several files to a folder, so
 * messages copied from one file into another (a resumed 1.x session) meet in one import.
 */
function fixtureRoots(): string[] {
  const files = [fixturePath('transcripts'), fixturePath('history-v8', 'transcripts')].flatMap(jsonlUnder);
  expect(files.length).toBeGreaterThan(3);
  const made: string[] = [];
  files.forEach((file, index) => {
    const root = join(dir, 'homes', `home-${index % 3}`, '.claude', 'projects');
    cpSync(file, join(root, `-work-project-${index % 5}`, `${String(index).padStart(3, '0')}.jsonl`));
    if (!made.includes(root)) made.push(root);
  });
  return made;
}

function jsonlUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? jsonlUnder(join(folder, entry.name)) : entry.name.endsWith('.jsonl') ? [join(folder, entry.name)] : []))
    .sort();
}

const open = (name: string): Db => openDatabase(join(dir, name, 'claudewatch.db'));

/** The import, as `cw import` runs it, over `roots`. */
function importInto(db: Db, over: string[]): void {
  importTranscripts(db, { roots: over, priceUsage, now: () => NOW, timeZone: 'UTC' });
}

/** Each file read whole, each report written to the table on its own, file by file in the import's order. */
function writeReportByReport(db: Db, over: string[]): void {
  const ledger = new Ledger(db, priceUsage);
  const files = transcriptFileStore(db);
  for (const root of over) {
    for (const path of listTranscriptFiles(root, 4)) {
      const stat = statSync(path);
      const reading = readTranscript({ root, path, offset: 0, state: null, now: NOW, timeZone: 'UTC' });
      const { identity } = reading;
      db.transaction(() => {
        for (const message of reading.messages) ledger.writeMessage(message, null);
        for (const limit of reading.limits) ledger.writeLimit(limit);
        if (identity.sessionId !== null && identity.cost !== null && identity.cost !== files.reportedCost(path)) ledger.noteSessionFigure(identity.sessionId);
        files.save({
          path, root, ino: stat.ino, size: stat.size, mtime_ms: stat.mtimeMs, offset: reading.offset, parse_state: JSON.stringify(reading.state),
          session: identity.sessionId, cwd: identity.cwd, version: identity.version, first_at: identity.firstAt, last_at: identity.lastAt,
          lines: reading.lines, rejected: reading.rejected, prompts: reading.prompts, turns: reading.turns, cost: identity.cost, now: NOW, restart: 1,
        });
        ledger.settle();
      })();
    }
  }
}

/** What the history holds, comparable across databases: costs summed in another order differ in their last bits. */
function contents(db: Db): Record<string, unknown[]> {
  const rounded = (rows: Array<Record<string, unknown>>): unknown[] =>
    rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, key.endsWith('cost_usd') && typeof value === 'number' ? Number(value.toFixed(12)) : value])));
  return {
    messages: rounded(db.prepare('SELECT * FROM messages ORDER BY message_key').all() as Array<Record<string, unknown>>),
    buckets: rounded(db.prepare('SELECT * FROM usage_buckets ORDER BY bucket, claude_session_id, cwd, model, priced').all() as Array<Record<string, unknown>>),
    limits: db.prepare('SELECT account, claude_session_id, run_id, file, observed_at, kind, severity, resets_at, reset_precision, text, sources, utilization FROM limits ORDER BY id').all(),
    files: db.prepare('SELECT * FROM transcript_files ORDER BY path').all().map((row) => ({ ...(row as Record<string, unknown>), imported_at: null })),
  };
}

it('fills an empty history in bulk with what writing each report to the table leaves', () => {
  const reference = open('reference');
  writeReportByReport(reference, roots);
  const bulk = open('bulk');
  importInto(bulk, roots);
  const expected = contents(reference);
  expect((expected.messages ?? []).length).toBeGreaterThan(5);
  expect(contents(bulk)).toEqual(expected);
  // The indexes and triggers set aside came back, and the next message is summed into its bucket.
  expect(bulk.prepare(`SELECT name FROM sqlite_master WHERE tbl_name = 'messages' AND type IN ('index', 'trigger') ORDER BY name`).pluck().all()).toEqual(
    reference.prepare(`SELECT name FROM sqlite_master WHERE tbl_name = 'messages' AND type IN ('index', 'trigger') ORDER BY name`).pluck().all(),
  );
  reference.close();
  bulk.close();
});

it('adds to a history the same way: what is held is read from the table, placed, and written once', () => {
  const reference = open('reference');
  writeReportByReport(reference, roots);
  const grown = open('grown');
  importInto(grown, roots.slice(0, 1));
  importInto(grown, roots);
  expect(contents(grown)).toEqual(contents(reference));
  reference.close();
  grown.close();
});
