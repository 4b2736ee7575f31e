import type { Db, Statement } from './database.js';

/** A message of the ledger as the `messages` table holds it. */
export interface MessageRow {
  message_key: string;
  message_id: string;
  request_id: string | null;
  claude_session_id: string | null;
  run_id: string | null;
  file: string | null;
  cwd: string | null;
  model: string;
  at: number;
  input_tokens: number;
  output_tokens: number;
  cache_creation_tokens: number;
  cache_creation_5m_tokens: number | null;
  cache_creation_1h_tokens: number | null;
  cache_read_tokens: number;
  computed_cost_usd: number;
  cost_usd: number;
  priced: number;
  sidechain: number;
  answers_prompt: number;
  /** The machine whose export it came from; null for this machine's own. */
  machine: string | null;
}

export const MESSAGE_COLUMNS = [
  'message_key', 'message_id', 'request_id', 'claude_session_id', 'run_id', 'file', 'cwd', 'model', 'at', 'input_tokens', 'output_tokens',
  'cache_creation_tokens', 'cache_creation_5m_tokens', 'cache_creation_1h_tokens', 'cache_read_tokens', 'computed_cost_usd', 'cost_usd',
  'priced', 'sidechain', 'answers_prompt', 'machine',
] as const satisfies ReadonlyArray<keyof MessageRow>;

/** What a group of messages sums to, under the names readers of the ledger use. */
export const MESSAGE_SUMS = `COUNT(*) AS messages, SUM(input_tokens) AS input, SUM(output_tokens) AS output,
  SUM(cache_creation_tokens) AS cache_creation, SUM(cache_read_tokens) AS cache_read, SUM(cost_usd) AS cost,
  SUM(computed_cost_usd) AS computed, SUM(answers_prompt) AS turns`;

/** A row of MESSAGE_SUMS. */
export interface MessageSums {
  messages: number;
  input: number;
  output: number;
  cache_creation: number;
  cache_read: number;
  cost: number;
  computed: number;
  turns: number;
}

const SELECT_BY_ID = `SELECT ${MESSAGE_COLUMNS.join(', ')} FROM messages WHERE message_id = ?`;
const INSERT = `INSERT INTO messages (${MESSAGE_COLUMNS.join(', ')}) VALUES (${MESSAGE_COLUMNS.map(() => '?').join(', ')})`;
const UPDATE = `UPDATE messages SET ${MESSAGE_COLUMNS.map((column) => `${column} = ?`).join(', ')} WHERE message_key = ?`;

/**
 * Where the ledger's message rows are read and written: the table itself, or (for an import) rows
 * held in memory and written together. The ledger decides what a row becomes; this only stores.
 */
export interface MessageRows {
  /** Every row of one message id, in the order they were added. */
  ofId(messageId: string): MessageRow[];
  insert(row: MessageRow): void;
  /** Puts `row` where the row stored under `key` was: a report may change the key (a request id learnt). */
  replace(key: string, row: MessageRow): void;
}

const values = (row: MessageRow): unknown[] => MESSAGE_COLUMNS.map((column) => row[column]);

/** Each write goes straight to the table, as a live run's do. */
export function tableRows(db: Db): MessageRows {
  const selectById = db.prepare(SELECT_BY_ID);
  const insert = db.prepare(INSERT);
  const update = db.prepare(UPDATE);
  return {
    ofId: (messageId) => selectById.all(messageId) as MessageRow[],
    insert: (row) => insert.run(values(row)),
    replace: (key, row) => update.run(...values(row), key),
  };
}

/** A message id's held rows, each with the key it has in the table (null: not written yet) and whether it changed. */
interface Held {
  rows: MessageRow[];
  storedKeys: Array<string | null>;
  changed: boolean[];
}

/**
 * Rows held in memory while an import places its reports, each message read from the table once
 * (or never, into an empty table) and written once when the batch commits, however many lines
 * reported it: Claude writes a message again for each of its content blocks. The ledger's rules
 * run on these rows exactly as on the table's, report by report, so the rows written are the ones
 * writing each report to the table would have left.
 */
export class HeldRows implements MessageRows {
  private byId = new Map<string, Held>();
  private readonly selectById: Statement;

  /** `empty`: the table is known to hold no message, so none is looked up. */
  constructor(
    private readonly db: Db,
    private empty: boolean,
  ) {
    this.selectById = db.prepare(SELECT_BY_ID);
  }

  /** The table was thought empty, but holds messages now (a run wrote meanwhile): look them up. */
  lookUpStored(): void {
    this.empty = false;
  }

  ofId(messageId: string): MessageRow[] {
    return this.held(messageId).rows;
  }

  insert(row: MessageRow): void {
    const held = this.held(row.message_id);
    held.rows.push(row);
    held.storedKeys.push(null);
    held.changed.push(true);
  }

  replace(key: string, row: MessageRow): void {
    const held = this.held(row.message_id);
    const index = held.rows.findIndex((candidate) => candidate.message_key === key);
    if (index === -1) throw new Error(`no held message ${key}`);
    held.rows[index] = row;
    held.changed[index] = true;
  }

  /**
   * Writes what changed, a row at a time (the table's triggers keep the buckets), and forgets
   * every row: the table holds them now.
   */
  flush(): void {
    const insert = this.db.prepare(INSERT);
    const update = this.db.prepare(UPDATE);
    for (const { rows, storedKeys, changed } of this.byId.values()) {
      rows.forEach((row, index) => {
        if (!changed[index]) return;
        const storedKey = storedKeys[index];
        if (storedKey === null || storedKey === undefined) insert.run(values(row));
        else update.run(...values(row), storedKey);
      });
    }
    this.forget();
  }

  /**
   * Writes every row into a table that holds no message yet, the way a table is filled best: its
   * secondary indexes and the trigger that sums messages into quarter-hour buckets are set aside,
   * the rows go in, then the buckets are summed once and the indexes and triggers come back as
   * they were. Call inside the transaction that checked the table is empty.
   */
  writeIntoEmptyTable(): void {
    const setAside = this.db
      .prepare(`SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'messages' AND type IN ('index', 'trigger') AND sql IS NOT NULL`)
      .all() as Array<{ type: 'index' | 'trigger'; name: string; sql: string }>;
    for (const { type, name } of setAside) this.db.exec(`DROP ${type.toUpperCase()} "${name.replace(/"/g, '""')}"`);
    const insert = this.db.prepare(INSERT);
    for (const { rows } of this.byId.values()) for (const row of rows) insert.run(values(row));
    // The same sums, bucket and keys as the insert trigger's, over every message at once.
    this.db.exec(`DELETE FROM usage_buckets;
      INSERT INTO usage_buckets (bucket, machine, claude_session_id, cwd, model, priced, first_at, last_at, messages, input_tokens, output_tokens,
        cache_creation_tokens, cache_read_tokens, cost_usd)
      SELECT at / 900000, COALESCE(machine, ''), COALESCE(claude_session_id, ''), COALESCE(cwd, ''), model, priced, MIN(at), MAX(at), COUNT(*),
        SUM(input_tokens), SUM(output_tokens), SUM(cache_creation_tokens), SUM(cache_read_tokens), SUM(cost_usd)
      FROM messages GROUP BY 1, 2, 3, 4, 5, 6`);
    for (const { sql } of setAside) this.db.exec(sql);
    this.empty = false;
    this.forget();
  }

  private forget(): void {
    this.byId = new Map();
  }

  private held(messageId: string): Held {
    let held = this.byId.get(messageId);
    if (held === undefined) {
      const rows = this.empty ? [] : (this.selectById.all(messageId) as MessageRow[]);
      held = { rows, storedKeys: rows.map((row) => row.message_key), changed: rows.map(() => false) };
      this.byId.set(messageId, held);
    }
    return held;
  }
}
