import type { LimitKind, RateLimitObservedFact, TokenUsage, UsageObservedFact } from '../core/facts.js';
import { isSameLimitEvent, mergeLimitReports, type LimitReport } from '../core/limit-event.js';
import { isClaimable, type StoredMessage } from '../core/message-book.js';
import { findSameMessage, isMoreComplete, messageKeyOf, type MessageIdentity } from '../core/message-identity.js';
import type { PriceUsage } from '../core/session-state.js';
import type { Db, Statement } from './database.js';
import { MESSAGE_COLUMNS, tableRows, type MessageRow, type MessageRows } from './message-rows.js';

/**
 * The ledger: every assistant message and every limit Claude reported, each once, whoever saw it
 * first. A wrapped run's usage and limits and an imported transcript's lines are written here,
 * and only here, keyed the same way (core/message-identity.ts), so a message seen live and
 * imported later, or copied into a resumed transcript, is one row. A message remembers the run
 * that added it; a run's usage is what it added.
 *
 * Each message has two costs: ours (`computed_cost_usd`, from the price table) and the one that
 * stands (`cost_usd`): where Claude reported a figure for a span that holds the message (a run's
 * share of its figure, or a transcript's cumulative cost line), the span's figure is shared out
 * over its messages by their computed cost, so every report adds up to Claude's own numbers.
 */

/** A message as a writer hands it in. */
export interface LedgerMessage extends MessageIdentity {
  claudeSessionId: string | null;
  /** The transcript it was read from, if it was. */
  file: string | null;
  cwd: string | null;
  model: string;
  at: number;
  usage: TokenUsage;
  sidechain: boolean;
  answersPrompt: boolean;
}

/** A wrapped run writing what it saw: what it adds is claimed for it. */
export interface RunClaim {
  runId: string;
  runStartedAt: number;
}

/** Where a report was seen: whose it is, and the transcript it was read from. */
export interface LedgerPlace {
  /** Claude's config directory: the account whose sessions share a limit; null keeps it to its session. */
  account: string | null;
  claudeSessionId: string | null;
  runId: string | null;
  file: string | null;
}

/** A usage fact as the ledger takes it; the fact's own session (the line's) wins over the place's. */
export function ledgerMessageOf(fact: UsageObservedFact, place: Omit<LedgerPlace, 'account' | 'runId'> & { cwd: string | null; at: number }): LedgerMessage {
  return {
    messageId: fact.messageId,
    requestId: fact.requestId,
    claudeSessionId: fact.claudeSessionId ?? place.claudeSessionId,
    file: place.file,
    cwd: place.cwd,
    model: fact.model,
    at: fact.at ?? place.at,
    usage: fact.usage,
    sidechain: fact.sidechain === true,
    answersPrompt: fact.answersPrompt === true,
  };
}

/** A limit fact as the ledger takes it. `keepText: false` keeps the metadata only, not the words. */
export function ledgerLimitOf(fact: RateLimitObservedFact, place: LedgerPlace, options: { keepText: boolean }): LedgerLimit {
  return {
    kind: fact.limitKind,
    severity: fact.severity,
    resetsAt: fact.resetsAt,
    resetPrecision: fact.resetPrecision ?? 'second',
    text: options.keepText ? (fact.text ?? null) : null,
    source: fact.source,
    utilization: fact.utilization ?? null,
    observedAt: fact.at,
    ...place,
  };
}

/** A limit as a writer hands it in. */
export interface LedgerLimit extends LimitReport {
  /** Claude's config directory: the account whose sessions share the limit; null keeps it to its session. */
  account: string | null;
  claudeSessionId: string | null;
  runId: string | null;
  file: string | null;
}

interface LimitRow {
  id: number;
  account: string | null;
  claude_session_id: string | null;
  run_id: string | null;
  file: string | null;
  observed_at: number;
  kind: string;
  severity: string;
  resets_at: number | null;
  reset_precision: string;
  text: string | null;
  sources: string;
  utilization: number | null;
}

/** Runs without a message of their own hold what Claude reported for them under this id. */
const RUN_FIGURE_PREFIX = 'run:';

/**
 * The ledger's writes, with statements prepared once. Callers wrap a batch of writes in one
 * transaction and call `settle()` before it commits.
 */
export class Ledger {
  private readonly touchedRuns = new Set<string>();
  private readonly touchedSessions = new Set<string>();
  private readonly statements = new Map<string, Statement>();

  /** `rows`: where message rows are read and written; the table itself unless an import holds them. */
  constructor(
    private readonly db: Db,
    private readonly priceUsage: PriceUsage,
    private readonly rows: MessageRows = tableRows(db),
  ) {}

  /** What the ledger holds under one message id, for a run's message book. */
  lookup(messageId: string): StoredMessage[] {
    return this.rows.ofId(messageId).map((row) => ({
      messageId: row.message_id,
      requestId: row.request_id,
      model: row.model,
      usage: usageOfRow(row),
      answersPrompt: row.answers_prompt === 1,
      runId: row.run_id,
      at: row.at,
    }));
  }

  /**
   * Writes one report of a message: a new message is added; a report of a known one keeps the
   * fuller counts and adds what it alone says. With a claim, a message the run added (or one
   * nobody claimed, answered after the run began) becomes the run's; the answer says whether the
   * message is earlier work instead.
   */
  writeMessage(message: LedgerMessage, claim: RunClaim | null): { inherited: boolean } {
    const rows = this.rows.ofId(message.messageId);
    const index = findSameMessage(message, rows.map((row) => ({ messageId: row.message_id, requestId: row.request_id })));
    if (index === -1) {
      const row = this.newRow(message, claim?.runId ?? null);
      this.rows.insert(row);
      this.touch(row);
      return { inherited: false };
    }
    const stored = rows[index]!;
    const claimable = claim !== null && isClaimable({ runId: stored.run_id, at: stored.at }, claim.runId, claim.runStartedAt);
    const merged = this.mergedRow(stored, message, claimable ? claim.runId : null);
    if (merged !== null) {
      this.rows.replace(stored.message_key, merged);
      this.touch(merged);
    }
    return { inherited: claim !== null && !claimable };
  }

  /**
   * Adds a message another machine recorded, from its export, at the cost that stood for it
   * there (its own share of Claude's figures). A message this history already holds, from any
   * machine, stays as it is: an export imported twice, or one overlapping ours, adds nothing.
   */
  writeForeignMessage(message: LedgerMessage, figures: { machine: string | null; costUsd: number; computedCostUsd: number; priced: boolean }): boolean {
    const rows = this.rows.ofId(message.messageId);
    if (findSameMessage(message, rows.map((row) => ({ messageId: row.message_id, requestId: row.request_id }))) !== -1) return false;
    const row: MessageRow = {
      ...this.newRow(message, null),
      computed_cost_usd: figures.computedCostUsd,
      cost_usd: figures.costUsd,
      priced: figures.priced ? 1 : 0,
      machine: figures.machine,
    };
    this.rows.insert(row);
    return true;
  }

  /**
   * Writes one report of a limit: reports of one event (core/limit-event.ts) from any source,
   * live or imported, become one row that keeps the most exact of what each said.
   */
  writeLimit(limit: LedgerLimit): void {
    const rows = this
      .statement(
        `SELECT * FROM limits WHERE severity = @severity AND observed_at BETWEEN @from AND @to
           AND ((@run IS NOT NULL AND run_id = @run) OR (@session IS NOT NULL AND claude_session_id = @session)
             OR (@run IS NULL AND @session IS NULL AND account IS @account))`,
      )
      .all({ severity: limit.severity, from: limit.observedAt - 60_000, to: limit.observedAt + 60_000, run: limit.runId, session: limit.claudeSessionId, account: limit.account }) as LimitRow[];
    const same = rows.map(reportOfRow).find((report) => isSameLimitEvent(report.report, limit));
    if (same === undefined) {
      this
        .statement(
          `INSERT INTO limits (account, claude_session_id, run_id, file, observed_at, kind, severity, resets_at, reset_precision, text, sources, utilization)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(limit.account, limit.claudeSessionId, limit.runId, limit.file, limit.observedAt, limit.kind, limit.severity, limit.resetsAt, limit.resetPrecision, limit.text, limit.source, limit.utilization);
      return;
    }
    const merged = mergeLimitReports(same.report, { ...limit });
    const sources = [...new Set([...same.row.sources.split(','), limit.source])].join(',');
    this
      .statement(
        `UPDATE limits SET account = COALESCE(account, ?), claude_session_id = COALESCE(claude_session_id, ?), run_id = COALESCE(run_id, ?),
           file = COALESCE(file, ?), observed_at = ?, kind = ?, resets_at = ?, reset_precision = ?, text = ?, sources = ?, utilization = ?
         WHERE id = ?`,
      )
      // The event happened when it was first reported, however late the others came.
      .run(limit.account, limit.claudeSessionId, limit.runId, limit.file, Math.min(same.row.observed_at, limit.observedAt), merged.kind, merged.resetsAt, merged.resetPrecision, merged.text, sources, merged.utilization, same.row.id);
  }

  /**
   * Claude answered with `model` at `answeredAt`: the account's limits seen before then that
   * would have stopped that answer are over. A weekly Opus limit is not lifted by a Sonnet answer.
   */
  clearAnsweredLimits(account: string | null, model: string | null, answeredAt: number, now: number): number {
    if (account === null) return 0;
    const kinds = kindsLiftedBy(model);
    return this
      .statement(
        `UPDATE limits SET cleared_at = ?
         WHERE account = ? AND severity = 'limit' AND cleared_at IS NULL AND observed_at < ? AND kind IN (${kinds.map(() => '?').join(', ')})`,
      )
      .run(now, account, answeredAt, ...kinds).changes;
  }

  /** A run's share of Claude's figure changed (or was first reported): its messages' standing costs follow. */
  noteRunFigure(runId: string): void {
    this.touchedRuns.add(runId);
  }

  /** A transcript's cumulative figure changed: its session's standing costs follow. */
  noteSessionFigure(claudeSessionId: string): void {
    this.touchedSessions.add(claudeSessionId);
  }

  /**
   * Shares Claude's figures out over the messages they cover, for every run and session written
   * since the last call: first each run's own share, then what a session's cumulative figure
   * leaves over the messages no reported run holds. Where Claude gave no figure, ours stands.
   */
  settle(): void {
    for (const runId of this.touchedRuns) this.settleRun(runId);
    this.settleSessions([...this.touchedSessions]);
    this.touchedRuns.clear();
    this.touchedSessions.clear();
  }

  /** Drops the record of what was written since the last settle, for a writer that settles later. */
  forgetTouched(): void {
    this.touchedRuns.clear();
    this.touchedSessions.clear();
  }

  /** Deletes what happened before `cutoff`: messages and limits. */
  prune(cutoff: number): { messages: number; limits: number } {
    const limits = this.statement('DELETE FROM limits WHERE observed_at < ?').run(cutoff).changes;
    const messages = this.statement('DELETE FROM messages WHERE at < ?').run(cutoff).changes;
    return { messages, limits };
  }

  private settleRun(runId: string): void {
    const share = this.statement('SELECT reported_cost_usd FROM sessions WHERE id = ?').pluck().get(runId) as number | null | undefined;
    const rows = this
      .statement('SELECT message_key, computed_cost_usd, cost_usd FROM messages WHERE run_id = ? AND message_key != ?')
      .all(runId, `${RUN_FIGURE_PREFIX}${runId}`) as Pick<MessageRow, 'message_key' | 'computed_cost_usd' | 'cost_usd'>[];
    const computed = rows.reduce((sum, row) => sum + row.computed_cost_usd, 0);
    const holdsFigure = share !== null && share !== undefined && share > 0 && computed <= 0;
    this.placeRunFigure(runId, holdsFigure ? share : null);
    const factor = share === null || share === undefined || computed <= 0 ? 1 : share / computed;
    this.restate(rows, factor);
    const sessions = this.statement('SELECT DISTINCT claude_session_id FROM messages WHERE run_id = ? AND claude_session_id IS NOT NULL').pluck().all(runId) as string[];
    for (const sessionId of sessions) this.touchedSessions.add(sessionId);
  }

  /**
   * Sessions a batch touched, settled set-wise: an import touches thousands, and most hold no
   * figure of Claude's, so their messages need one statement between them, not two each.
   */
  private settleSessions(sessionIds: readonly string[]): void {
    if (sessionIds.length === 0) return;
    const ids = JSON.stringify(sessionIds);
    const figures = this.statement(
      `SELECT claude_session_id, SUM(reported_cost_usd) FROM transcript_files
       WHERE claude_session_id IN (SELECT value FROM json_each(?)) AND reported_cost_usd IS NOT NULL GROUP BY claude_session_id`,
    )
      .raw()
      .all(ids) as Array<[string, number]>;
    // No figure of Claude's: ours stands for every message no reported run holds.
    this.statement(
      `UPDATE messages SET cost_usd = computed_cost_usd
       WHERE claude_session_id IN (SELECT value FROM json_each(?)) AND claude_session_id NOT IN (SELECT value FROM json_each(?))
         AND cost_usd != computed_cost_usd AND machine IS NULL
         AND NOT EXISTS (SELECT 1 FROM sessions AS s WHERE s.id = messages.run_id AND s.reported_cost_usd IS NOT NULL)`,
    ).run(ids, JSON.stringify(figures.map(([sessionId]) => sessionId)));
    for (const [sessionId, figure] of figures) this.settleSession(sessionId, figure);
  }

  /** Another machine's messages keep the cost that stood there: our figures cover only ours. */
  private settleSession(claudeSessionId: string, figure: number): void {
    const rows = this
      .statement(
        `SELECT m.message_key, m.computed_cost_usd, m.cost_usd, s.reported_cost_usd IS NOT NULL AS covered
         FROM messages AS m LEFT JOIN sessions AS s ON s.id = m.run_id WHERE m.claude_session_id = ? AND m.machine IS NULL`,
      )
      .all(claudeSessionId) as Array<Pick<MessageRow, 'message_key' | 'computed_cost_usd' | 'cost_usd'> & { covered: number }>;
    const rest = rows.filter((row) => row.covered !== 1);
    const covered = rows.filter((row) => row.covered === 1).reduce((sum, row) => sum + row.cost_usd, 0);
    const computed = rest.reduce((sum, row) => sum + row.computed_cost_usd, 0);
    const remainder = figure - covered;
    const factor = remainder < 0 || computed <= 0 ? 1 : remainder / computed;
    this.restate(rest, factor);
  }

  private restate(rows: readonly Pick<MessageRow, 'message_key' | 'computed_cost_usd' | 'cost_usd'>[], factor: number): void {
    const update = this.statement('UPDATE messages SET cost_usd = ? WHERE message_key = ?');
    for (const row of rows) {
      const cost = row.computed_cost_usd * factor;
      if (cost !== row.cost_usd) update.run(cost, row.message_key);
    }
  }

  /** A run that Claude says cost money but whose messages were never seen keeps the figure in a row of its own. */
  private placeRunFigure(runId: string, costUsd: number | null): void {
    const key = `${RUN_FIGURE_PREFIX}${runId}`;
    if (costUsd === null) {
      this.statement('DELETE FROM messages WHERE message_key = ?').run(key);
      return;
    }
    const run = this.statement('SELECT claude_session_id, COALESCE(project_path, cwd) AS cwd, model, started_at FROM sessions WHERE id = ?').get(runId) as
      | { claude_session_id: string | null; cwd: string | null; model: string | null; started_at: number }
      | undefined;
    if (!run) return;
    this
      .statement(
        `INSERT INTO messages (${MESSAGE_COLUMNS.join(', ')}) VALUES (?, ?, NULL, ?, ?, NULL, ?, ?, ?, 0, 0, 0, NULL, NULL, 0, 0, ?, 1, 0, 0, NULL)
         ON CONFLICT (message_key) DO UPDATE SET cost_usd = excluded.cost_usd, model = excluded.model, claude_session_id = excluded.claude_session_id`,
      )
      .run(key, key, run.claude_session_id, runId, run.cwd, run.model ?? 'unknown', run.started_at, costUsd);
  }

  private newRow(message: LedgerMessage, runId: string | null): MessageRow {
    const { costUsd, known } = this.priceUsage(message.model, message.usage);
    return {
      message_key: messageKeyOf(message),
      message_id: message.messageId,
      request_id: message.requestId,
      claude_session_id: message.claudeSessionId,
      run_id: runId,
      file: message.file,
      cwd: message.cwd,
      model: message.model,
      at: message.at,
      ...rowUsage(message.usage),
      computed_cost_usd: costUsd,
      cost_usd: costUsd,
      priced: known ? 1 : 0,
      sidechain: message.sidechain ? 1 : 0,
      answers_prompt: message.answersPrompt ? 1 : 0,
      machine: null,
    };
  }

  /** The stored row with what `message` adds; null when it adds nothing. */
  private mergedRow(stored: MessageRow, message: LedgerMessage, claimFor: string | null): MessageRow | null {
    const fuller = isMoreComplete(message.usage, usageOfRow(stored));
    const model = fuller && isModelName(message.model) ? message.model : !isModelName(stored.model) && isModelName(message.model) ? message.model : stored.model;
    const usage = fuller ? message.usage : usageOfRow(stored);
    const requestId = stored.request_id ?? message.requestId;
    const merged: MessageRow = {
      ...stored,
      message_key: messageKeyOf({ messageId: stored.message_id, requestId }),
      request_id: requestId,
      claude_session_id: stored.claude_session_id ?? message.claudeSessionId,
      run_id: stored.run_id ?? claimFor,
      file: stored.file ?? message.file,
      // The working directory a transcript line names is Claude's own word for it; a run's is where it began.
      cwd: message.file !== null && stored.file === null ? (message.cwd ?? stored.cwd) : (stored.cwd ?? message.cwd),
      model,
      at: Math.min(stored.at, message.at),
      ...rowUsage(usage),
      sidechain: stored.sidechain === 1 || message.sidechain ? 1 : 0,
      answers_prompt: stored.answers_prompt === 1 || message.answersPrompt ? 1 : 0,
    };
    if (fuller || model !== stored.model) {
      const { costUsd, known } = this.priceUsage(model, usage);
      merged.computed_cost_usd = costUsd;
      merged.cost_usd = costUsd;
      merged.priced = known ? 1 : 0;
    }
    return MESSAGE_COLUMNS.some((column) => merged[column] !== stored[column]) ? merged : null;
  }

  /** Each statement prepared once per ledger: an import settles thousands of sessions, and preparing costs more than running. */
  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }

  private touch(row: MessageRow): void {
    if (row.run_id !== null) this.touchedRuns.add(row.run_id);
    if (row.claude_session_id !== null) this.touchedSessions.add(row.claude_session_id);
  }
}

function reportOfRow(row: LimitRow): { row: LimitRow; report: LimitReport } {
  return {
    row,
    report: {
      kind: row.kind as LimitKind,
      severity: row.severity === 'warning' ? 'warning' : 'limit',
      resetsAt: row.resets_at,
      resetPrecision: row.reset_precision === 'minute' ? 'minute' : 'second',
      text: row.text,
      source: row.sources.split(',')[0] ?? '',
      utilization: row.utilization,
      observedAt: row.observed_at,
    },
  };
}

function usageOfRow(row: MessageRow): TokenUsage {
  const usage: TokenUsage = {
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cacheCreationTokens: row.cache_creation_tokens,
    cacheReadTokens: row.cache_read_tokens,
  };
  if (row.cache_creation_5m_tokens !== null) usage.cacheCreation5mTokens = row.cache_creation_5m_tokens;
  if (row.cache_creation_1h_tokens !== null) usage.cacheCreation1hTokens = row.cache_creation_1h_tokens;
  return usage;
}

function rowUsage(usage: TokenUsage): Pick<MessageRow, 'input_tokens' | 'output_tokens' | 'cache_creation_tokens' | 'cache_creation_5m_tokens' | 'cache_creation_1h_tokens' | 'cache_read_tokens'> {
  return {
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    cache_creation_tokens: usage.cacheCreationTokens,
    cache_creation_5m_tokens: usage.cacheCreation5mTokens ?? null,
    cache_creation_1h_tokens: usage.cacheCreation1hTokens ?? null,
    cache_read_tokens: usage.cacheReadTokens,
  };
}

function isModelName(model: string): boolean {
  return model !== 'unknown' && model !== '<synthetic>';
}

function kindsLiftedBy(model: string | null): LimitKind[] {
  const kinds: LimitKind[] = ['five_hour', 'seven_day', 'overage', 'subscription', 'api_rate_limit', 'server_rate_limit', 'credits'];
  const name = (model ?? '').toLowerCase();
  if (name.includes('opus')) kinds.push('seven_day_opus');
  if (name.includes('sonnet')) kinds.push('seven_day_sonnet');
  // 2.1.x counts one model's weekly use with extra usage in a window of its own ("Fable limit").
  if (name.includes('fable')) kinds.push('seven_day_overage_included');
  return kinds;
}
