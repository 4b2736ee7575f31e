import type { AccountLimit, AccountPeer, LimitKind } from '../core/facts.js';
import { currentWindows, type WindowReading } from '../core/limit-windows.js';
import type { Db } from './database.js';
import { parseWindows } from './session-rows.js';

/**
 * Limits are per account, not per session: once one session meets the 5-hour limit, every other
 * session of that account will too. The ledger's limits table is where all sessions see it. A limit
 * is in force until its reset time, or until a later answer proves it over; one that came
 * without a reset time is trusted for a bounded while only.
 */

/** How long a limit without a reset time is assumed to hold. */
const UNTIMED_HOLD_MS: Partial<Record<LimitKind, number>> = {
  api_rate_limit: 60_000,
  server_rate_limit: 60_000,
};
const DEFAULT_UNTIMED_HOLD_MS = 5 * 60 * 60_000;

interface LimitRow {
  run_id: string | null;
  claude_session_id: string | null;
  kind: string;
  resets_at: number | null;
  text: string | null;
  observed_at: number;
  source: string;
}

/** The newest limit of each kind in force for `account` now, soonest reset first. */
export function limitsInForce(db: Db, account: string | null, now: number): AccountLimit[] {
  if (account === null) return [];
  const oldest = now - DEFAULT_UNTIMED_HOLD_MS;
  const rows = db
    .prepare(
      `SELECT run_id, claude_session_id, kind, resets_at, text, observed_at, sources AS source FROM limits
       WHERE account = ? AND severity = 'limit' AND cleared_at IS NULL
         AND (resets_at > ? OR (resets_at IS NULL AND observed_at > ?))
       ORDER BY observed_at DESC LIMIT 100`,
    )
    .all(account, now, oldest) as LimitRow[];
  const live = rows.filter((row) => row.resets_at !== null || now - row.observed_at <= (UNTIMED_HOLD_MS[row.kind as LimitKind] ?? DEFAULT_UNTIMED_HOLD_MS));
  const byKind = new Map<string, LimitRow>();
  for (const row of live) {
    if (byKind.has(row.kind) || isEchoOfNamedLimit(row, live)) continue;
    // Rows are newest first: this one starts the latest event of its kind; its best report stands for it.
    const reports = live.filter((other) => other.kind === row.kind && row.observed_at - other.observed_at <= SAME_EVENT_MS);
    byKind.set(row.kind, reports.reduce((best, other) => (detail(other) > detail(best) ? other : best)));
  }
  return [...byKind.values()]
    .map((row) => ({ kind: row.kind as LimitKind, resetsAt: row.resets_at, text: row.text, observedAt: row.observed_at, sessionId: row.run_id ?? row.claude_session_id ?? '' }))
    .sort((a, b) => (a.resetsAt ?? Infinity) - (b.resetsAt ?? Infinity));
}

/** A reset time beats none, and a structured source beats words read off the screen (minutes only). */
function detail(row: LimitRow): number {
  const structured = row.source.split(',').some((source) => source !== 'screen' && source !== 'print-text');
  return (row.resets_at !== null ? 2 : 0) + (structured ? 1 : 0);
}

/** Sources report one event several times; a report that names no window echoes a nearby one that does. */
function isEchoOfNamedLimit(row: LimitRow, rows: readonly LimitRow[]): boolean {
  if (row.kind !== 'subscription') return false;
  return rows.some((other) => other.kind !== 'subscription' && other.kind !== 'api_rate_limit' && Math.abs(other.observed_at - row.observed_at) <= SAME_EVENT_MS);
}

const SAME_EVENT_MS = 60_000;

/** The account's other live sessions, newest first. */
export function livePeers(db: Db, account: string | null, ownId: string): AccountPeer[] {
  if (account === null) return [];
  const rows = db
    .prepare(
      `SELECT id, status, COALESCE(project_path, cwd) AS project,
         COALESCE(reported_cost_usd, (SELECT SUM(cost_usd) FROM messages WHERE run_id = sessions.id)) AS cost_usd, started_at FROM sessions
       WHERE account = ? AND id != ? AND status IN ('ACTIVE', 'RATE_LIMITED') ORDER BY started_at DESC LIMIT 50`,
    )
    .all(account, ownId) as { id: string; status: string; project: string; cost_usd: number | null; started_at: number }[];
  return rows.map((row) => ({ id: row.id, status: row.status, project: row.project, costUsd: row.cost_usd, startedAt: row.started_at }));
}

/** Every live limit of every account, for `cw status`. */
export function allLimitsInForce(db: Db, now: number): (AccountLimit & { account: string | null })[] {
  // Limits without an account belong to isolated sessions: kept to themselves.
  const accounts = db
    .prepare(`SELECT DISTINCT account FROM limits WHERE account IS NOT NULL AND severity = 'limit' AND observed_at > ?`)
    .all(now - 8 * 24 * 60 * 60_000) as { account: string }[];
  return accounts.flatMap(({ account }) => limitsInForce(db, account, now).map((limit) => ({ ...limit, account })));
}

/** A week and a day: the longest window resets within a week of its reading. */
const WINDOW_LOOKBACK_MS = 8 * 24 * 60 * 60_000;

/**
 * The latest current reading of each limit window of `account`, whichever of its runs made it:
 * Claude reports the account's windows, so a reading one run made holds for all of them until
 * the window resets. A reading another run made later replaces it.
 */
export function windowsOfAccount(db: Db, account: string | null, now: number): WindowReading[] {
  if (account === null) return [];
  const rows = db
    .prepare(`SELECT limit_windows FROM sessions WHERE account = ? AND limit_windows IS NOT NULL AND updated_at > ? ORDER BY updated_at DESC LIMIT 50`)
    .pluck()
    .all(account, now - WINDOW_LOOKBACK_MS) as string[];
  return currentWindows(rows.flatMap(readingsOfRow), now);
}

/** Every account's current windows, for `cw status` and the metrics. */
export function allWindowsInForce(db: Db, now: number): Array<WindowReading & { account: string }> {
  const accounts = db
    .prepare(`SELECT DISTINCT account FROM sessions WHERE account IS NOT NULL AND limit_windows IS NOT NULL AND updated_at > ?`)
    .pluck()
    .all(now - WINDOW_LOOKBACK_MS) as string[];
  return accounts.flatMap((account) => windowsOfAccount(db, account, now).map((reading) => ({ ...reading, account })));
}

function readingsOfRow(text: string): WindowReading[] {
  return Object.entries(parseWindows(text)).map(([kind, reading]) => ({ ...reading, kind: kind as LimitKind }));
}
