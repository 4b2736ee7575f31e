/** The usage_buckets table stays equal to the messages it sums, whatever is written, on a real SQLite file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/store/database.js';
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

function upsert(key: string, fields: { session?: string | null; at?: number; output?: number; model?: string; cost?: number }): void {
  // The same upsert the import uses: a message seen again keeps the larger counts.
  db.prepare(
    `INSERT INTO messages (message_key, claude_session_id, file, cwd, model, at, input_tokens, output_tokens, cache_creation_tokens,
       cache_read_tokens, cost_usd, priced, sidechain)
     VALUES (@key, @session, 'f.jsonl', '/work/app', @model, @at, 10, @output, 0, 5, @cost, 1, 0)
     ON CONFLICT (message_key) DO UPDATE SET claude_session_id = excluded.claude_session_id, at = excluded.at,
       output_tokens = excluded.output_tokens, cost_usd = excluded.cost_usd, model = excluded.model
     WHERE excluded.output_tokens >= messages.output_tokens`,
  ).run({ key, session: fields.session === undefined ? 's1' : fields.session, model: fields.model ?? 'claude-sonnet-4-5', at: fields.at ?? T0, output: fields.output ?? 1, cost: fields.cost ?? 0.01 });
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
  upsert('m2', { output: 3 }); // an earlier, partial line of it: ignored
  upsert('m2', { output: 9, session: 's2', at: T0 + 3 * 3_600_000, model: 'claude-opus-4-5' }); // resumed into another session
  bucketsMatchMessages();

  db.prepare('DELETE FROM messages WHERE at < ?').run(T0 + 3_600_000);
  bucketsMatchMessages();
  expect(db.prepare('SELECT COUNT(*) AS n FROM usage_buckets').get()).toEqual({ n: 1 });
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
