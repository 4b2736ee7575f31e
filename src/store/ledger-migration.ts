import type { Database } from 'better-sqlite3';
import type { Fact, TokenUsage } from '../core/facts.js';
import { isMoreComplete, messageKeyOf, findSameMessage, type MessageIdentity } from '../core/message-identity.js';
import { computeCostUsd } from '../core/pricing.js';
import { PRICE_TABLE } from '../core/price-table.js';
import { isSameLimitEvent, mergeLimitReports, type LimitReport } from '../core/limit-event.js';
import { Ledger } from './ledger.js';
import { addMachineColumn } from './machine-migration.js';

/**
 * Schema 9: the history moves into one ledger. Before it, wrapped runs kept their usage as totals
 * on their rows (and every usage report among their events) while the import kept messages of its
 * own; one message could be counted by both, and a resumed 1.x session's copies counted again.
 * Here each message becomes one row, found by the same identity rule every writer uses from now
 * on; each run claims the messages it reported; and the limits of both tables become one row per
 * event. Nothing is re-priced: a message keeps the cost it was stored with, and only messages no
 * table held on their own (a run's reports) are priced, at the built-in table.
 */
export function moveToLedger(db: Database): void {
  db.exec(PREPARE_SQL);
  const writer = new MigrationWriter(db);
  moveImportedMessages(db, writer);
  for (const run of db.prepare(`SELECT * FROM sessions ORDER BY started_at, rowid`).all() as OldRun[]) moveRun(db, writer, run);
  writer.flush();
  // The ledger holds them now; the event log keeps what happened, not a second copy of the usage.
  db.exec(`DELETE FROM events WHERE kind = 'usage'`);
  moveLimits(db);
  db.exec(FINISH_SQL);
  // Settled by today's Ledger, which writes the machine column of a later migration.
  addMachineColumn(db);
  settleEverything(db);
}

interface OldMessage {
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

interface OldRun {
  id: string;
  claude_session_id: string | null;
  project_path: string | null;
  cwd: string;
  model: string | null;
  claude_version: string | null;
  started_at: number;
  ended_at: number | null;
  updated_at: number;
  input_tokens: number;
  output_tokens: number;
  cache_creation_tokens: number;
  cache_read_tokens: number;
  computed_cost_usd: number;
  reported_cost_usd: number | null;
  num_turns: number;
  tokens_source: string;
  unpriced_models: string;
  account: string | null;
}

interface NewMessage extends MessageIdentity {
  claudeSessionId: string | null;
  runId: string | null;
  file: string | null;
  cwd: string | null;
  model: string;
  at: number;
  usage: TokenUsage;
  costUsd: number;
  priced: boolean;
  sidechain: boolean;
  answersPrompt: boolean;
}

/** Rows written so far, by message id: the identity rule needs every row of an id. */
class MigrationWriter {
  private readonly byId = new Map<string, NewMessage[]>();

  constructor(private readonly db: Database) {}

  /**
   * Adds a report under the identity rule; returns the row it became. A run's report claims an
   * unclaimed message answered after the run began; an older one is earlier work it saw again.
   */
  put(message: NewMessage, runStartedAt = Number.POSITIVE_INFINITY): NewMessage {
    const rows = this.byId.get(message.messageId) ?? [];
    this.byId.set(message.messageId, rows);
    const index = findSameMessage(message, rows);
    if (index === -1) {
      rows.push(message);
      return message;
    }
    const stored = rows[index]!;
    if (isMoreComplete(message.usage, stored.usage)) {
      stored.usage = message.usage;
      stored.costUsd = message.costUsd;
      stored.priced = message.priced;
      stored.model = message.model;
    }
    stored.requestId ??= message.requestId;
    stored.claudeSessionId ??= message.claudeSessionId;
    if (stored.runId === null && stored.at >= runStartedAt) stored.runId = message.runId;
    stored.file ??= message.file;
    stored.cwd ??= message.cwd;
    stored.at = Math.min(stored.at, message.at);
    stored.sidechain ||= message.sidechain;
    stored.answersPrompt ||= message.answersPrompt;
    return stored;
  }

  rowsOfSession(claudeSessionId: string): NewMessage[] {
    return [...this.byId.values()].flat().filter((row) => row.claudeSessionId === claudeSessionId);
  }

  rowsOfRun(runId: string): NewMessage[] {
    return [...this.byId.values()].flat().filter((row) => row.runId === runId);
  }

  rowsOfFile(file: string): NewMessage[] {
    return [...this.byId.values()].flat().filter((row) => row.file === file);
  }

  /** Writes every row once all reports are placed. */
  flush(): void {
    const insert = this.db.prepare(
      `INSERT INTO messages (message_key, message_id, request_id, claude_session_id, run_id, file, cwd, model, at, input_tokens, output_tokens,
         cache_creation_tokens, cache_creation_5m_tokens, cache_creation_1h_tokens, cache_read_tokens, computed_cost_usd, cost_usd, priced, sidechain, answers_prompt)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const row of [...this.byId.values()].flat()) {
      insert.run(
        messageKeyOf(row), row.messageId, row.requestId, row.claudeSessionId, row.runId, row.file, row.cwd, row.model, row.at,
        row.usage.inputTokens, row.usage.outputTokens, row.usage.cacheCreationTokens, row.usage.cacheCreation5mTokens ?? null,
        row.usage.cacheCreation1hTokens ?? null, row.usage.cacheReadTokens, row.costUsd, row.costUsd, row.priced ? 1 : 0, row.sidechain ? 1 : 0,
        row.answersPrompt ? 1 : 0,
      );
    }
  }
}

/** The import's messages, oldest first, with the turns each file counted placed on its first answers. */
function moveImportedMessages(db: Database, writer: MigrationWriter): void {
  for (const row of db.prepare('SELECT * FROM messages_v8 ORDER BY at, rowid').iterate() as Iterable<OldMessage>) {
    writer.put({
      ...identityOfKey(row.message_key),
      claudeSessionId: row.claude_session_id,
      runId: null,
      file: row.file,
      cwd: row.cwd,
      model: row.model,
      at: row.at,
      usage: {
        inputTokens: row.input_tokens,
        outputTokens: row.output_tokens,
        cacheCreationTokens: row.cache_creation_tokens,
        cacheReadTokens: row.cache_read_tokens,
        ...(row.cache_creation_5m_tokens !== null ? { cacheCreation5mTokens: row.cache_creation_5m_tokens } : {}),
        ...(row.cache_creation_1h_tokens !== null ? { cacheCreation1hTokens: row.cache_creation_1h_tokens } : {}),
      },
      costUsd: row.cost_usd,
      priced: row.priced === 1,
      sidechain: row.sidechain === 1,
      answersPrompt: false,
    });
  }
  // Which message answered a prompt was not kept, only how many turns a file held: the file's
  // earliest main-chain messages carry its count, so a session keeps its number of turns.
  for (const file of db.prepare('SELECT path, turns FROM transcript_files WHERE turns > 0').all() as { path: string; turns: number }[]) {
    markTurns(writer.rowsOfFile(file.path), file.turns);
  }
}

/**
 * A run's messages: the usage reports among its events, else (a print run that recorded only
 * Claude's result) the imported messages of its session answered while it ran, else one row of
 * its own holding what it recorded.
 */
function moveRun(db: Database, writer: MigrationWriter, run: OldRun): void {
  const reports = usageReportsOf(db, run.id);
  const cwd = run.project_path ?? run.cwd;
  for (const fact of reports) {
    const { costUsd, known } = computeCostUsd(fact.model, fact.usage, PRICE_TABLE);
    writer.put({
      ...identityOfKey(fact.messageKey),
      claudeSessionId: run.claude_session_id,
      runId: run.id,
      file: null,
      cwd,
      model: fact.model,
      at: fact.at ?? run.started_at,
      usage: fact.usage,
      costUsd,
      priced: known,
      sidechain: fact.sidechain === true,
      answersPrompt: false,
    }, run.started_at);
  }
  const claimed = reports.length > 0 ? writer.rowsOfRun(run.id) : claimAnsweredWhileRunning(writer, run);
  // A 2.x result's per-model totals span the whole continued session; its own `usage` is the run's.
  const totals = resultTotalsOf(db, run.id) ?? {
    inputTokens: run.input_tokens,
    outputTokens: run.output_tokens,
    cacheCreationTokens: run.cache_creation_tokens,
    cacheReadTokens: run.cache_read_tokens,
  };
  const tokens = totals.inputTokens + totals.outputTokens + totals.cacheCreationTokens + totals.cacheReadTokens;
  if (claimed.length === 0 && tokens > 0) {
    const id = `run:${run.id}`;
    writer.put({
      messageId: id,
      requestId: null,
      claudeSessionId: run.claude_session_id,
      runId: run.id,
      file: null,
      cwd,
      model: run.model ?? 'unknown',
      at: run.started_at,
      usage: totals,
      costUsd: computeCostUsd(run.model ?? 'unknown', totals, PRICE_TABLE, { aggregate: true }).costUsd,
      priced: run.unpriced_models === '[]',
      sidechain: false,
      answersPrompt: run.num_turns > 0,
    });
  }
  // Our own count where the run kept one (print results counted Claude's round trips instead: one prompt, one turn).
  const turns = run.tokens_source === 'messages' ? run.num_turns : Math.min(run.num_turns, 1);
  if (!writer.rowsOfRun(run.id).some((row) => row.answersPrompt)) markTurns(writer.rowsOfRun(run.id), turns);
  db.prepare('UPDATE sessions SET reported_cost_usd = ? WHERE id = ?').run(runShareOf(db, writer, run), run.id);
}

/** Claude's answers land while the run lasts; a moment either side allows for the two clocks' rounding. */
const CLAIM_SLACK_MS = 250;

/** The imported messages of the run's session, unclaimed, answered between its start and its end. */
function claimAnsweredWhileRunning(writer: MigrationWriter, run: OldRun): NewMessage[] {
  if (run.claude_session_id === null) return [];
  const end = (run.ended_at ?? run.updated_at) + CLAIM_SLACK_MS;
  const rows = writer.rowsOfSession(run.claude_session_id).filter((row) => row.runId === null && row.at >= run.started_at - CLAIM_SLACK_MS && row.at <= end);
  for (const row of rows) row.runId = run.id;
  return rows;
}

/**
 * Runs kept Claude's figure as Claude reported it, which for a continued 2.1.x session is the
 * session's total so far. The share is whichever reading (the whole figure, or its growth since
 * the session's earlier runs) is nearer what the run's own messages cost.
 */
function runShareOf(db: Database, writer: MigrationWriter, run: OldRun): number | null {
  if (run.reported_cost_usd === null) return null;
  if (run.claude_session_id === null) return run.reported_cost_usd;
  const earlier = db
    .prepare('SELECT reported_cost_usd FROM sessions WHERE claude_session_id = ? AND started_at < ? AND reported_cost_usd IS NOT NULL')
    .pluck()
    .all(run.claude_session_id, run.started_at) as number[];
  if (earlier.length === 0) return run.reported_cost_usd;
  const own = writer.rowsOfRun(run.id).reduce((sum, row) => sum + row.costUsd, 0);
  const growth = run.reported_cost_usd - earlier.reduce((sum, cost) => sum + cost, 0);
  return growth >= 0 && Math.abs(growth - own) < Math.abs(run.reported_cost_usd - own) ? growth : run.reported_cost_usd;
}

/** The `usage` of the run's last result, as the result fact kept it. */
function resultTotalsOf(db: Database, runId: string): TokenUsage | null {
  const data = db.prepare(`SELECT data FROM events WHERE session_id = ? AND kind = 'result' ORDER BY id DESC LIMIT 1`).pluck().get(runId) as string | undefined;
  if (data === undefined) return null;
  try {
    const totals = (JSON.parse(data) as { totals?: TokenUsage }).totals;
    return totals && typeof totals.inputTokens === 'number' ? totals : null;
  } catch {
    return null;
  }
}

function usageReportsOf(db: Database, runId: string): Array<Extract<Fact, { kind: 'usage' }>> {
  const rows = db.prepare(`SELECT data FROM events WHERE session_id = ? AND kind = 'usage' ORDER BY id`).pluck().all(runId) as string[];
  const facts: Array<Extract<Fact, { kind: 'usage' }>> = [];
  for (const data of rows) {
    try {
      const fact = JSON.parse(data) as Extract<Fact, { kind: 'usage' }>;
      if (typeof fact.messageKey === 'string' && typeof fact.model === 'string' && fact.usage) facts.push(fact);
    } catch {
      // An event that does not parse held nothing to move.
    }
  }
  return facts;
}

function markTurns(rows: readonly NewMessage[], turns: number): void {
  const answers = rows.filter((row) => !row.sidechain && !row.answersPrompt).sort((a, b) => a.at - b.at);
  for (const row of answers.slice(0, Math.max(0, turns - rows.filter((row) => row.answersPrompt).length))) row.answersPrompt = true;
}

/** `id:requestId` as the key was written; ids never hold a colon, request ids never do either. */
function identityOfKey(key: string): MessageIdentity {
  const colon = key.indexOf(':');
  return colon === -1 ? { messageId: key, requestId: null } : { messageId: key.slice(0, colon), requestId: key.slice(colon + 1) };
}

interface OldLimit extends LimitReport {
  account: string | null;
  claudeSessionId: string | null;
  runId: string | null;
  file: string | null;
}

/** Limits from wrapped runs and from the import, one row per event. */
function moveLimits(db: Database): void {
  const live = db
    .prepare(
      `SELECT r.account, s.claude_session_id, r.session_id AS run_id, NULL AS file, r.observed_at, r.kind, r.severity, r.resets_at, r.text, r.source, r.utilization, r.cleared_at
       FROM rate_limits AS r LEFT JOIN sessions AS s ON s.id = r.session_id ORDER BY r.observed_at, r.id`,
    )
    .all() as Array<Record<string, unknown>>;
  const imported = db
    .prepare(
      `SELECT NULL AS account, claude_session_id, NULL AS run_id, file, at AS observed_at, kind, severity, resets_at, NULL AS text, 'transcript' AS source, utilization, NULL AS cleared_at
       FROM limit_history ORDER BY at`,
    )
    .all() as Array<Record<string, unknown>>;
  const events: Array<OldLimit & { sources: Set<string>; clearedAt: number | null }> = [];
  for (const row of [...live, ...imported]) {
    const report: OldLimit = {
      account: row.account as string | null,
      claudeSessionId: row.claude_session_id as string | null,
      runId: row.run_id as string | null,
      file: row.file as string | null,
      kind: row.kind as LimitReport['kind'],
      severity: row.severity === 'warning' ? 'warning' : 'limit',
      resetsAt: row.resets_at as number | null,
      // Text-read resets were kept to the minute; events' epochs to the second.
      resetPrecision: row.resets_at !== null && (row.resets_at as number) % 60_000 === 0 ? 'minute' : 'second',
      text: row.text as string | null,
      source: row.source as string,
      utilization: row.utilization as number | null,
      observedAt: row.observed_at as number,
    };
    const same = events.find(
      (event) =>
        (event.runId !== null && event.runId === report.runId) || (event.claudeSessionId !== null && event.claudeSessionId === report.claudeSessionId)
          ? isSameLimitEvent(event, report)
          : false,
    );
    if (same) {
      Object.assign(same, mergeLimitReports(same, report), {
        observedAt: Math.min(same.observedAt, report.observedAt),
        account: same.account ?? report.account,
        claudeSessionId: same.claudeSessionId ?? report.claudeSessionId,
        runId: same.runId ?? report.runId,
        file: same.file ?? report.file,
      });
      same.sources.add(report.source);
      continue;
    }
    events.push({ ...report, sources: new Set([report.source]), clearedAt: (row.cleared_at as number | null) ?? null });
  }
  const insert = db.prepare(
    `INSERT INTO limits (account, claude_session_id, run_id, file, observed_at, kind, severity, resets_at, reset_precision, text, sources, utilization, cleared_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const event of events) {
    insert.run(event.account, event.claudeSessionId, event.runId, event.file, event.observedAt, event.kind, event.severity, event.resetsAt, event.resetPrecision, event.text, [...event.sources].join(','), event.utilization, event.clearedAt);
  }
}

/** Claude's figures, shared out over the messages they cover, as the ledger does from now on. */
function settleEverything(db: Database): void {
  const ledger = new Ledger(db, () => ({ costUsd: 0, known: false }));
  for (const runId of db.prepare('SELECT id FROM sessions WHERE reported_cost_usd IS NOT NULL').pluck().all() as string[]) ledger.noteRunFigure(runId);
  for (const sessionId of db.prepare('SELECT DISTINCT claude_session_id FROM transcript_files WHERE reported_cost_usd IS NOT NULL AND claude_session_id IS NOT NULL').pluck().all() as string[]) {
    ledger.noteSessionFigure(sessionId);
  }
  ledger.settle();
}

const PREPARE_SQL = `
  DROP TRIGGER messages_into_buckets;
  DROP TRIGGER messages_out_of_buckets;
  DROP TRIGGER messages_moved_in_buckets;
  DROP INDEX messages_by_time;
  DROP INDEX messages_by_session;
  ALTER TABLE messages RENAME TO messages_v8;

  CREATE TABLE messages (
    message_key TEXT PRIMARY KEY,
    message_id TEXT NOT NULL,
    request_id TEXT,
    claude_session_id TEXT,
    run_id TEXT,
    file TEXT,
    cwd TEXT,
    model TEXT NOT NULL,
    at INTEGER NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cache_creation_tokens INTEGER NOT NULL,
    cache_creation_5m_tokens INTEGER,
    cache_creation_1h_tokens INTEGER,
    cache_read_tokens INTEGER NOT NULL,
    computed_cost_usd REAL NOT NULL,
    cost_usd REAL NOT NULL,
    priced INTEGER NOT NULL,
    sidechain INTEGER NOT NULL,
    answers_prompt INTEGER NOT NULL DEFAULT 0
  );

  CREATE TABLE limits (
    id INTEGER PRIMARY KEY,
    account TEXT,
    claude_session_id TEXT,
    run_id TEXT,
    file TEXT,
    observed_at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    severity TEXT NOT NULL,
    resets_at INTEGER,
    reset_precision TEXT NOT NULL DEFAULT 'second',
    text TEXT,
    sources TEXT NOT NULL,
    utilization REAL,
    cleared_at INTEGER
  );

  ALTER TABLE sessions ADD COLUMN claude_num_turns INTEGER;
  ALTER TABLE sessions ADD COLUMN claude_model_totals TEXT;
`;

const BUCKET_FROM = (row: 'NEW' | 'OLD'): string =>
  `${row}.at / 900000, COALESCE(${row}.claude_session_id, ''), COALESCE(${row}.cwd, ''), ${row}.model, ${row}.priced`;

const BUCKET_MATCH = (row: 'NEW' | 'OLD'): string =>
  `bucket = ${row}.at / 900000 AND claude_session_id = COALESCE(${row}.claude_session_id, '') AND cwd = COALESCE(${row}.cwd, '')
      AND model = ${row}.model AND priced = ${row}.priced`;

const BUCKET_ADD = `INSERT INTO usage_buckets (bucket, claude_session_id, cwd, model, priced, first_at, last_at, messages, input_tokens, output_tokens,
      cache_creation_tokens, cache_read_tokens, cost_usd)
    VALUES (${BUCKET_FROM('NEW')}, NEW.at, NEW.at, 1, NEW.input_tokens, NEW.output_tokens, NEW.cache_creation_tokens, NEW.cache_read_tokens, NEW.cost_usd)
    ON CONFLICT (bucket, claude_session_id, cwd, model, priced) DO UPDATE SET
      first_at = MIN(first_at, excluded.first_at), last_at = MAX(last_at, excluded.last_at), messages = messages + 1,
      input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
      cache_creation_tokens = cache_creation_tokens + excluded.cache_creation_tokens, cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
      cost_usd = cost_usd + excluded.cost_usd;`;

const BUCKET_REMOVE = `UPDATE usage_buckets SET messages = messages - 1, input_tokens = input_tokens - OLD.input_tokens,
      output_tokens = output_tokens - OLD.output_tokens, cache_creation_tokens = cache_creation_tokens - OLD.cache_creation_tokens,
      cache_read_tokens = cache_read_tokens - OLD.cache_read_tokens, cost_usd = cost_usd - OLD.cost_usd
    WHERE ${BUCKET_MATCH('OLD')};
    DELETE FROM usage_buckets WHERE messages <= 0 AND ${BUCKET_MATCH('OLD')};`;

const FINISH_SQL = `
  DROP TABLE messages_v8;
  DROP TABLE rate_limits;
  DROP TABLE limit_history;
  CREATE INDEX messages_by_id ON messages (message_id);
  CREATE INDEX messages_by_session ON messages (claude_session_id);
  CREATE INDEX messages_by_run ON messages (run_id) WHERE run_id IS NOT NULL;
  CREATE INDEX limits_by_time ON limits (observed_at);
  CREATE INDEX limits_by_account ON limits (account, severity, observed_at DESC);
  CREATE INDEX limits_by_session ON limits (claude_session_id);

  DELETE FROM usage_buckets;
  INSERT INTO usage_buckets
    SELECT at / 900000, COALESCE(claude_session_id, ''), COALESCE(cwd, ''), model, priced, MIN(at), MAX(at), COUNT(*), SUM(input_tokens),
      SUM(output_tokens), SUM(cache_creation_tokens), SUM(cache_read_tokens), SUM(cost_usd)
    FROM messages GROUP BY 1, 2, 3, 4, 5;

  CREATE TRIGGER messages_into_buckets AFTER INSERT ON messages BEGIN
    ${BUCKET_ADD}
  END;
  CREATE TRIGGER messages_out_of_buckets AFTER DELETE ON messages BEGIN
    ${BUCKET_REMOVE}
  END;
  CREATE TRIGGER messages_moved_in_buckets AFTER UPDATE OF at, claude_session_id, cwd, model, priced, input_tokens, output_tokens,
    cache_creation_tokens, cache_read_tokens, cost_usd ON messages BEGIN
    ${BUCKET_REMOVE}
    ${BUCKET_ADD}
  END;

  ALTER TABLE sessions DROP COLUMN input_tokens;
  ALTER TABLE sessions DROP COLUMN output_tokens;
  ALTER TABLE sessions DROP COLUMN cache_creation_tokens;
  ALTER TABLE sessions DROP COLUMN cache_creation_5m_tokens;
  ALTER TABLE sessions DROP COLUMN cache_creation_1h_tokens;
  ALTER TABLE sessions DROP COLUMN cache_read_tokens;
  ALTER TABLE sessions DROP COLUMN tokens_source;
  ALTER TABLE sessions DROP COLUMN computed_cost_usd;
  ALTER TABLE sessions DROP COLUMN cost_usd;
  ALTER TABLE sessions DROP COLUMN cost_source;
  ALTER TABLE sessions DROP COLUMN num_turns;
  ALTER TABLE sessions DROP COLUMN models;
  ALTER TABLE sessions DROP COLUMN unpriced_models;
`;
