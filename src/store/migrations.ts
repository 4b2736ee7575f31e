import type { Database } from 'better-sqlite3';
import { moveToLedger } from './ledger-migration.js';
import { addMachineLabels } from './machine-migration.js';

/** SQL, or a step that also reads what it moves (run inside the migration's transaction). */
export type Migration = string | ((db: Database) => void);

/**
 * Schema changes, in order. A migration is never edited once released: add a new one.
 * The database's `user_version` is the number of migrations applied.
 */
export const MIGRATIONS: readonly Migration[] = [
  `
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    claude_session_id TEXT,
    status TEXT NOT NULL,
    mode TEXT NOT NULL,
    session_type TEXT,
    project_path TEXT,
    cwd TEXT NOT NULL,
    argv TEXT NOT NULL,
    pid INTEGER,
    host TEXT,
    user_name TEXT,
    claude_version TEXT,
    transcript_path TEXT,
    model TEXT,
    models TEXT NOT NULL DEFAULT '[]',
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    duration_ms INTEGER,
    duration_api_ms INTEGER,
    exit_code INTEGER,
    signal TEXT,
    cost_usd REAL,
    cost_source TEXT,
    reported_cost_usd REAL,
    computed_cost_usd REAL NOT NULL DEFAULT 0,
    unpriced_models TEXT NOT NULL DEFAULT '[]',
    num_turns INTEGER NOT NULL DEFAULT 0,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    cache_creation_tokens INTEGER NOT NULL DEFAULT 0,
    cache_creation_5m_tokens INTEGER,
    cache_creation_1h_tokens INTEGER,
    cache_read_tokens INTEGER NOT NULL DEFAULT 0,
    tokens_source TEXT NOT NULL DEFAULT 'messages',
    rate_limit TEXT,
    rate_limit_events INTEGER NOT NULL DEFAULT 0,
    api_retries INTEGER NOT NULL DEFAULT 0,
    rejected_lines INTEGER NOT NULL DEFAULT 0,
    result_subtype TEXT,
    is_error INTEGER NOT NULL DEFAULT 0,
    api_error TEXT,
    heartbeat_at INTEGER,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX sessions_by_start ON sessions (started_at DESC);
  CREATE INDEX sessions_by_claude_id ON sessions (claude_session_id);
  CREATE INDEX sessions_by_status ON sessions (status);

  CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    source TEXT,
    data TEXT NOT NULL
  );
  CREATE INDEX events_by_session ON events (session_id, id);

  CREATE TABLE rate_limits (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    observed_at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    severity TEXT NOT NULL,
    resets_at INTEGER,
    text TEXT,
    source TEXT NOT NULL,
    utilization REAL
  );
  CREATE INDEX rate_limits_by_time ON rate_limits (observed_at DESC);
  `,
  // Limits are shared by every session of one account (Claude's config directory); a limit
  // that a later answer proved over is marked cleared.
  `
  ALTER TABLE sessions ADD COLUMN account TEXT;
  ALTER TABLE sessions ADD COLUMN identify_method TEXT;
  ALTER TABLE rate_limits ADD COLUMN account TEXT;
  ALTER TABLE rate_limits ADD COLUMN cleared_at INTEGER;
  CREATE INDEX rate_limits_by_account ON rate_limits (account, severity, observed_at DESC);
  `,
  // Where the session's own part of its transcript begins, so a session that died can be
  // completed from it.
  `
  ALTER TABLE sessions ADD COLUMN transcript_offset INTEGER;
  `,
  // Where a session runs (terminal, SSH, editor, container), what it shares, what its processes
  // cost, and the branch it started on.
  `
  ALTER TABLE sessions ADD COLUMN isolation TEXT;
  ALTER TABLE sessions ADD COLUMN isolation_key TEXT;
  ALTER TABLE sessions ADD COLUMN place_kind TEXT;
  ALTER TABLE sessions ADD COLUMN place TEXT;
  ALTER TABLE sessions ADD COLUMN git_branch TEXT;
  ALTER TABLE sessions ADD COLUMN cpu_ms REAL;
  ALTER TABLE sessions ADD COLUMN peak_rss_bytes INTEGER;
  CREATE INDEX sessions_by_project ON sessions (project_path, cwd);
  `,
  // History imported from every transcript: each file read so far (by byte offset, so a second
  // import reads only what is new) and each assistant message once, by message id + request id.
  `
  CREATE TABLE transcript_files (
    path TEXT PRIMARY KEY,
    root TEXT NOT NULL,
    ino INTEGER,
    size INTEGER NOT NULL,
    mtime_ms REAL NOT NULL,
    offset INTEGER NOT NULL,
    parse_state TEXT,
    claude_session_id TEXT,
    cwd TEXT,
    claude_version TEXT,
    first_at INTEGER,
    last_at INTEGER,
    lines INTEGER NOT NULL DEFAULT 0,
    rejected_lines INTEGER NOT NULL DEFAULT 0,
    prompts INTEGER NOT NULL DEFAULT 0,
    turns INTEGER NOT NULL DEFAULT 0,
    reported_cost_usd REAL,
    imported_at INTEGER NOT NULL
  );
  CREATE INDEX transcript_files_by_session ON transcript_files (claude_session_id);

  CREATE TABLE messages (
    message_key TEXT PRIMARY KEY,
    claude_session_id TEXT,
    file TEXT NOT NULL,
    cwd TEXT,
    model TEXT NOT NULL,
    at INTEGER NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cache_creation_tokens INTEGER NOT NULL,
    cache_creation_5m_tokens INTEGER,
    cache_creation_1h_tokens INTEGER,
    cache_read_tokens INTEGER NOT NULL,
    cost_usd REAL NOT NULL,
    priced INTEGER NOT NULL,
    sidechain INTEGER NOT NULL
  );
  CREATE INDEX messages_by_time ON messages (at);
  CREATE INDEX messages_by_session ON messages (claude_session_id);
  `,
  // Messages summed per quarter hour (UTC), session, project, model: what reports and blocks read.
  // Every zone's midnight and every block boundary falls on a quarter hour, so no report splits a
  // bucket. Triggers keep it equal to the messages table whoever writes it; a bucket's first and
  // last times may stay wider than its messages after one is replaced, never narrower.
  `
  CREATE TABLE usage_buckets (
    bucket INTEGER NOT NULL,
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
    PRIMARY KEY (bucket, claude_session_id, cwd, model, priced)
  ) WITHOUT ROWID;
  CREATE INDEX usage_buckets_by_session ON usage_buckets (claude_session_id);

  INSERT INTO usage_buckets
    SELECT at / 900000, COALESCE(claude_session_id, ''), COALESCE(cwd, ''), model, priced, MIN(at), MAX(at), COUNT(*), SUM(input_tokens),
      SUM(output_tokens), SUM(cache_creation_tokens), SUM(cache_read_tokens), SUM(cost_usd)
    FROM messages GROUP BY 1, 2, 3, 4, 5;

  CREATE TRIGGER messages_into_buckets AFTER INSERT ON messages BEGIN
    INSERT INTO usage_buckets (bucket, claude_session_id, cwd, model, priced, first_at, last_at, messages, input_tokens, output_tokens,
      cache_creation_tokens, cache_read_tokens, cost_usd)
    VALUES (NEW.at / 900000, COALESCE(NEW.claude_session_id, ''), COALESCE(NEW.cwd, ''), NEW.model, NEW.priced, NEW.at, NEW.at, 1,
      NEW.input_tokens, NEW.output_tokens, NEW.cache_creation_tokens, NEW.cache_read_tokens, NEW.cost_usd)
    ON CONFLICT (bucket, claude_session_id, cwd, model, priced) DO UPDATE SET
      first_at = MIN(first_at, excluded.first_at), last_at = MAX(last_at, excluded.last_at), messages = messages + 1,
      input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens, cache_creation_tokens = cache_creation_tokens + excluded.cache_creation_tokens, cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens, cost_usd = cost_usd + excluded.cost_usd;
  END;
  CREATE TRIGGER messages_out_of_buckets AFTER DELETE ON messages BEGIN
    UPDATE usage_buckets SET messages = messages - 1, input_tokens = input_tokens - OLD.input_tokens,
      output_tokens = output_tokens - OLD.output_tokens, cache_creation_tokens = cache_creation_tokens - OLD.cache_creation_tokens,
      cache_read_tokens = cache_read_tokens - OLD.cache_read_tokens, cost_usd = cost_usd - OLD.cost_usd
    WHERE bucket = OLD.at / 900000 AND claude_session_id = COALESCE(OLD.claude_session_id, '') AND cwd = COALESCE(OLD.cwd, '')
      AND model = OLD.model AND priced = OLD.priced;
    DELETE FROM usage_buckets WHERE messages <= 0 AND bucket = OLD.at / 900000 AND claude_session_id = COALESCE(OLD.claude_session_id, '')
      AND cwd = COALESCE(OLD.cwd, '') AND model = OLD.model AND priced = OLD.priced;
  END;
  CREATE TRIGGER messages_moved_in_buckets AFTER UPDATE ON messages BEGIN
    UPDATE usage_buckets SET messages = messages - 1, input_tokens = input_tokens - OLD.input_tokens,
      output_tokens = output_tokens - OLD.output_tokens, cache_creation_tokens = cache_creation_tokens - OLD.cache_creation_tokens,
      cache_read_tokens = cache_read_tokens - OLD.cache_read_tokens, cost_usd = cost_usd - OLD.cost_usd
    WHERE bucket = OLD.at / 900000 AND claude_session_id = COALESCE(OLD.claude_session_id, '') AND cwd = COALESCE(OLD.cwd, '')
      AND model = OLD.model AND priced = OLD.priced;
    DELETE FROM usage_buckets WHERE messages <= 0 AND bucket = OLD.at / 900000 AND claude_session_id = COALESCE(OLD.claude_session_id, '')
      AND cwd = COALESCE(OLD.cwd, '') AND model = OLD.model AND priced = OLD.priced;
    INSERT INTO usage_buckets (bucket, claude_session_id, cwd, model, priced, first_at, last_at, messages, input_tokens, output_tokens,
      cache_creation_tokens, cache_read_tokens, cost_usd)
    VALUES (NEW.at / 900000, COALESCE(NEW.claude_session_id, ''), COALESCE(NEW.cwd, ''), NEW.model, NEW.priced, NEW.at, NEW.at, 1,
      NEW.input_tokens, NEW.output_tokens, NEW.cache_creation_tokens, NEW.cache_read_tokens, NEW.cost_usd)
    ON CONFLICT (bucket, claude_session_id, cwd, model, priced) DO UPDATE SET
      first_at = MIN(first_at, excluded.first_at), last_at = MAX(last_at, excluded.last_at), messages = messages + 1,
      input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens, cache_creation_tokens = cache_creation_tokens + excluded.cache_creation_tokens, cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens, cost_usd = cost_usd + excluded.cost_usd;
  END;
  `,
  // Limits Claude reported in transcripts, imported with them: which blocks ended in a limit, for
  // sessions we never wrapped too. Keyed by file and instant, so a re-read adds nothing.
  `
  CREATE TABLE limit_history (
    file TEXT NOT NULL,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    severity TEXT NOT NULL,
    claude_session_id TEXT,
    resets_at INTEGER,
    utilization REAL,
    PRIMARY KEY (file, at, kind, severity)
  ) WITHOUT ROWID;
  CREATE INDEX limit_history_by_time ON limit_history (at);
  `,
  // Alerts raised, each once per condition and period (its key), and what became of it: shown on a
  // terminal, sent to the desktop and webhooks, acknowledged.
  `
  CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    rule TEXT NOT NULL,
    key TEXT NOT NULL UNIQUE,
    severity TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    notified_at INTEGER,
    delivered_at INTEGER,
    acked_at INTEGER
  );
  CREATE INDEX alerts_by_rule ON alerts (rule, created_at DESC);
  `,
  // One ledger: every message once, whether a wrapped run saw it, the import read it, or both
  // (see ledger-migration.ts).
  moveToLedger,
  // Journal entries already applied (journal.ts), so one applied but not yet deleted is not applied twice.
  `
  CREATE TABLE journal_merges (
    id TEXT PRIMARY KEY,
    run_id TEXT NOT NULL,
    merged_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  // Another machine's history, imported from its export: each message keeps its machine's name.
  addMachineLabels,
  // Each run keeps the latest reading of every limit window Claude reported for its account, so
  // the account's windows are known after the run ends (store/account-limits.ts).
  `
  ALTER TABLE sessions ADD COLUMN limit_windows TEXT;
  CREATE INDEX sessions_by_account ON sessions (account, updated_at DESC);
  `,
  // An alert per condition (one rule about one window or threshold), kept with its facts so its
  // words are written when shown, in the zone of whoever shows them; closed when it clears.
  `
  ALTER TABLE alerts ADD COLUMN condition TEXT;
  ALTER TABLE alerts ADD COLUMN data TEXT;
  ALTER TABLE alerts ADD COLUMN cleared_at INTEGER;
  UPDATE alerts SET condition = rule;
  CREATE INDEX alerts_by_condition ON alerts (condition, created_at DESC);
  CREATE INDEX alerts_open ON alerts (cleared_at, rule);
  `,
];
