import type { Database } from 'better-sqlite3';

/**
 * Messages brought in from another machine's export keep that machine's name (`machine`; NULL is
 * this machine), and the usage buckets that reports read are summed per machine too, so a report
 * can show each machine's share. The buckets and their triggers are rebuilt with the new key.
 */

const KEY = 'bucket, machine, claude_session_id, cwd, model, priced';

const BUCKET_FROM = (row: 'NEW' | 'OLD'): string =>
  `${row}.at / 900000, COALESCE(${row}.machine, ''), COALESCE(${row}.claude_session_id, ''), COALESCE(${row}.cwd, ''), ${row}.model, ${row}.priced`;

const BUCKET_MATCH = (row: 'NEW' | 'OLD'): string =>
  `bucket = ${row}.at / 900000 AND machine = COALESCE(${row}.machine, '') AND claude_session_id = COALESCE(${row}.claude_session_id, '')
      AND cwd = COALESCE(${row}.cwd, '') AND model = ${row}.model AND priced = ${row}.priced`;

const BUCKET_ADD = `INSERT INTO usage_buckets (${KEY}, first_at, last_at, messages, input_tokens, output_tokens, cache_creation_tokens,
      cache_read_tokens, cost_usd)
    VALUES (${BUCKET_FROM('NEW')}, NEW.at, NEW.at, 1, NEW.input_tokens, NEW.output_tokens, NEW.cache_creation_tokens, NEW.cache_read_tokens, NEW.cost_usd)
    ON CONFLICT (${KEY}) DO UPDATE SET
      first_at = MIN(first_at, excluded.first_at), last_at = MAX(last_at, excluded.last_at), messages = messages + 1,
      input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
      cache_creation_tokens = cache_creation_tokens + excluded.cache_creation_tokens, cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
      cost_usd = cost_usd + excluded.cost_usd;`;

const BUCKET_REMOVE = `UPDATE usage_buckets SET messages = messages - 1, input_tokens = input_tokens - OLD.input_tokens,
      output_tokens = output_tokens - OLD.output_tokens, cache_creation_tokens = cache_creation_tokens - OLD.cache_creation_tokens,
      cache_read_tokens = cache_read_tokens - OLD.cache_read_tokens, cost_usd = cost_usd - OLD.cost_usd
    WHERE ${BUCKET_MATCH('OLD')};
    DELETE FROM usage_buckets WHERE messages <= 0 AND ${BUCKET_MATCH('OLD')};`;

/** Adds `messages.machine` unless it is there (the ledger migration adds it early, for its settling). */
export function addMachineColumn(db: Database): void {
  const columns = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('messages') as string[];
  if (!columns.includes('machine')) db.exec('ALTER TABLE messages ADD COLUMN machine TEXT');
}

export function addMachineLabels(db: Database): void {
  addMachineColumn(db);
  db.exec(REBUILD_BUCKETS);
}

const REBUILD_BUCKETS = `
  DROP TRIGGER messages_into_buckets;
  DROP TRIGGER messages_out_of_buckets;
  DROP TRIGGER messages_moved_in_buckets;
  DROP TABLE usage_buckets;
  CREATE TABLE usage_buckets (
    bucket INTEGER NOT NULL,
    machine TEXT NOT NULL,
    claude_session_id TEXT NOT NULL,
    cwd TEXT NOT NULL,
    model TEXT NOT NULL,
    priced INTEGER NOT NULL,
    first_at INTEGER NOT NULL,
    last_at INTEGER NOT NULL,
    messages INTEGER NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cache_creation_tokens INTEGER NOT NULL,
    cache_read_tokens INTEGER NOT NULL,
    cost_usd REAL NOT NULL,
    PRIMARY KEY (${KEY})
  ) WITHOUT ROWID;
  CREATE INDEX usage_buckets_by_session ON usage_buckets (claude_session_id);
  INSERT INTO usage_buckets
    SELECT at / 900000, COALESCE(machine, ''), COALESCE(claude_session_id, ''), COALESCE(cwd, ''), model, priced, MIN(at), MAX(at), COUNT(*),
      SUM(input_tokens), SUM(output_tokens), SUM(cache_creation_tokens), SUM(cache_read_tokens), SUM(cost_usd)
    FROM messages GROUP BY 1, 2, 3, 4, 5, 6;

  CREATE TRIGGER messages_into_buckets AFTER INSERT ON messages BEGIN
    ${BUCKET_ADD}
  END;
  CREATE TRIGGER messages_out_of_buckets AFTER DELETE ON messages BEGIN
    ${BUCKET_REMOVE}
  END;
  CREATE TRIGGER messages_moved_in_buckets AFTER UPDATE OF at, machine, claude_session_id, cwd, model, priced, input_tokens, output_tokens,
    cache_creation_tokens, cache_read_tokens, cost_usd ON messages BEGIN
    ${BUCKET_REMOVE}
    ${BUCKET_ADD}
  END;
`;
