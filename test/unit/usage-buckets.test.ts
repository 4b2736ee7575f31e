/** The usage_buckets table stays equal to the messages it sums, whatever is written, on a real SQLite file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/store/database.js';
import { Ledger } from '../../src/store/ledger.js';
import { loadUsageRecords } from '../../src/store/usage-records.js';

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cw-buckets-'));
  db = openDatabase(join(dir, 'claudewatch.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 10, 30, 9, 0, 0);

/** Writes a report of a message as every writer does, through the ledger; a message seen again keeps the fuller counts. */
function upsert(key: string, fields: { session?: string | null; at?: number; output?: number; model?: string; cost?: number }): void {
  const cost = fields.cost ?? 0.01;
  new Ledger(db, () => ({ costUsd: cost, known: true })).writeMessage(
    {
      messageId: key,
      requestId: null,
      claudeSessionId: fields.session === undefined ? 's1' : fields.session,
      file: 'f.jsonl',
      cwd: '/work/app',
      model: fields.model ?? 'claude-sonnet-4-5',
      at: fields.at ?? T0,
      usage: { inputTokens: 10, outputTokens: fields.output ?? 1, cacheCreationTokens: 0, cacheReadTokens: 5 },
      sidechain: false,
      answersPrompt: false,
    },
    null,
  );
}

function bucketsMatchMessages(): void {
  const fromMessages = db
    .prepare(
      `SELECT at / 900000 AS bucket, COALESCE(claude_session_id, '') AS session, model, COUNT(*) AS messages, SUM(input_tokens) AS input,
         SUM(output_tokens) AS output, SUM(cache_read_tokens) AS cacheRead, ROUND(SUM(cost_usd), 9) AS cost
       FROM messages GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    )
    .all();
  const fromBuckets = db
    .prepare(
      `SELECT bucket, claude_session_id AS session, model, messages, input_tokens AS input, output_tokens AS output,
         cache_read_tokens AS cacheRead, ROUND(cost_usd, 9) AS cost
       FROM usage_buckets ORDER BY 1, 2, 3`,
    )
    .all();
  expect(fromBuckets).toEqual(fromMessages);
}

it('adds, replaces, moves and deletes messages in step with the messages table', () => {
  upsert('m1', { output: 5 });
  upsert('m2', { at: T0 + 60_000, output: 7 });
  upsert('m3', { at: T0 + 20 * 60_000, session: null });
  bucketsMatchMessages();
  expect(db.prepare('SELECT COUNT(*) AS n FROM usage_buckets').get()).toEqual({ n: 2 });

  upsert('m1', { output: 50, cost: 0.5 }); // the same message, complete now
  upsert('m2', { at: T0 + 60_000, output: 3 }); // an earlier, partial line of it: ignored
  upsert('m3', { at: T0 + 20 * 60_000, session: null, output: 9, model: 'claude-opus-4-5', cost: 0.2 }); // fuller, under its real model: it moves to that model's bucket
  bucketsMatchMessages();
  expect(db.prepare('SELECT model, output_tokens AS output FROM messages WHERE message_id = ?').get('m3')).toEqual({ model: 'claude-opus-4-5', output: 9 });

  new Ledger(db, () => ({ costUsd: 0, known: true })).prune(T0 + 60_000);
  bucketsMatchMessages();
  expect(db.prepare('SELECT COUNT(*) AS n FROM usage_buckets').get()).toEqual({ n: 2 });
});

it('gives reports one record per bucket with the first and last message times', () => {
  upsert('m1', { at: T0 + 1000 });
  upsert('m2', { at: T0 + 14 * 60_000 });
  upsert('m3', { at: T0 + 15 * 60_000 });
  const records = loadUsageRecords(db);
  expect(records.map((record) => [record.at - T0, record.lastAt! - T0, record.messages, record.sessionId, record.project])).toEqual([
    [1000, 14 * 60_000, 2, 's1', '/work/app'],
    [15 * 60_000, 15 * 60_000, 1, 's1', '/work/app'],
  ]);
});
