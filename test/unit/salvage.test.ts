/**
 * A corrupt database is salvaged into the new one: every row that can still be read, stepping
 * over a damaged page or a damaged schema entry; a file of garbage yields nothing, said so.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSessionState } from '../../src/core/session-state.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { salvageInto } from '../../src/store/salvage.js';
import { appendEvents, upsertSession } from '../../src/store/session-rows.js';

const T0 = Date.UTC(2026, 11, 7, 9, 0, 0);
const EVENTS = 3000;
let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cw-salvage-'));
  file = join(dir, 'claudewatch.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Two runs and a long event log, checkpointed into the main file so its pages are on disk. */
function history(): void {
  const db = openDatabase(file);
  for (const id of ['run-1', 'run-2']) {
    upsertSession(db, createSessionState({ id, mode: 'print', sessionType: null, projectPath: null, cwd: '/work/app', argv: [], pid: 1, startedAt: T0, account: null, identifyMethod: null, isolation: 'shared-learning' }), T0);
  }
  const events = Array.from({ length: EVENTS }, (_, index) => ({ fact: { kind: 'api-retry' as const, source: 'stream-json' as const, attempt: index, error: `EVENT-${String(index).padStart(5, '0')}-${'x'.repeat(60)}`, at: T0 + index }, at: T0 + index }));
  db.transaction(() => appendEvents(db, 'run-1', events))();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/** Overwrites the page holding `marker` with noise: a damaged page in the middle of a table. */
function damagePageHolding(marker: string): void {
  const bytes = readFileSync(file);
  const pageSize = bytes.readUInt16BE(16);
  const at = bytes.indexOf(marker);
  expect(at).toBeGreaterThan(pageSize);
  const page = Math.floor(at / pageSize) * pageSize;
  for (let index = 0; index < pageSize; index++) bytes[page + index] = (index * 167 + 13) % 256;
  writeFileSync(file, bytes);
}

function salvaged(): { db: Db; result: ReturnType<typeof salvageInto> } {
  const target = new Database(join(dir, 'new.db'));
  return { db: target, result: salvageInto(file, target) };
}

describe('salvageInto', () => {
  it('copies every row around a damaged page, at the version the file was at', () => {
    history();
    damagePageHolding('EVENT-01500');
    const { db, result } = salvaged();
    try {
      expect(result.readable).toBe(true);
      expect(result.damaged).toBeGreaterThan(0);
      expect(result.rows.sessions).toBe(2);
      expect(Number(db.pragma('user_version', { simple: true }))).toBe(MIGRATIONS.length);
      const attempts = (db.prepare('SELECT data FROM events ORDER BY id').pluck().all() as string[]).map((data) => (JSON.parse(data) as { attempt: number }).attempt);
      // One page of the log is lost; the rows before it and after it are all there, in order.
      expect(attempts.length).toBeLessThan(EVENTS);
      expect(attempts.length).toBeGreaterThan(EVENTS - 100);
      expect(attempts.slice(0, 1000)).toEqual(Array.from({ length: 1000 }, (_, index) => index));
      expect(attempts.at(-1)).toBe(EVENTS - 1);
      expect(attempts.includes(1500)).toBe(false);
      expect([...attempts].sort((a, b) => a - b)).toEqual(attempts);
    } finally {
      db.close();
    }
  });

  it('says nothing could be read from a file of garbage', () => {
    writeFileSync(file, Buffer.alloc(16_384, 7));
    const { db, result } = salvaged();
    db.close();
    expect(result).toEqual({ readable: false, rows: {}, damaged: 0 });
  });
});

describe('openDatabase on a damaged schema', () => {
  it('finds the damage on opening, moves the file aside, salvages its rows into the new one, and says so', () => {
    history();
    // Every copy of the entry's text: old schema pages may linger in free pages.
    const bytes = readFileSync(file);
    let copies = 0;
    for (let at = bytes.indexOf('CREATE INDEX events_by_session'); at >= 0; at = bytes.indexOf('CREATE INDEX events_by_session', at + 1), copies++) bytes.write('CREATX', at);
    expect(copies).toBeGreaterThan(0);
    writeFileSync(file, bytes);
    const reports: Array<[string, string]> = [];
    const db = openDatabase(file, { onCorruptMovedAside: (movedTo, words) => reports.push([movedTo, words]) });
    try {
      expect(reports).toEqual([[expect.stringMatching(/claudewatch\.db\.corrupt-\d+$/), `salvaged 2 runs, 0 messages and ${EVENTS} other rows`]]);
      expect(existsSync(reports[0]![0])).toBe(true);
      expect(db.prepare('SELECT COUNT(*) FROM events').pluck().get()).toBe(EVENTS);
      expect(db.prepare('SELECT id FROM sessions ORDER BY id').pluck().all()).toEqual(['run-1', 'run-2']);
      // The new file is whole: its schema is ours again, index included.
      expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'events_by_session'`).pluck().get()).toBe('events_by_session');
      expect(db.pragma('quick_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    expect(readdirSync(dir).filter((name) => /^claudewatch\.db\.corrupt-\d+$/.test(name))).toHaveLength(1);
  });
});
