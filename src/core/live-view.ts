import type { AlertData } from './alert-rules.js';
import { gaugeBlock, type BlockGauge } from './block-gauge.js';
import { BLOCK_MS, identifyBlocks, projectBlock, type BlockProjection, type TokenLimit, type UsageBlock } from './blocks.js';
import { currentWindows, type WindowReading } from './limit-windows.js';
import type { SessionView } from './session-view.js';
import type { UsageRecord } from './usage-report.js';

/**
 * What `cw watch` shows, computed from what was last read and the time now. Data is read a few
 * times a minute at most, but the view is rebuilt every second so clocks and countdowns move.
 */

/** The history keeps usage per quarter hour, so a finer sparkline would only alias it. */
export const SPARK_BUCKET_MS = 15 * 60_000;
export const SPARK_SPAN_MS = 6 * 3_600_000;

export interface LiveLimit {
  kind: string;
  resetsAt: number | null;
  sessionId: string;
  text: string | null;
}

/** What the loader read: from the state files and the database. */
export interface LiveSnapshot {
  /** Sessions running now; a state file's fresher picture wins over the database row. */
  sessions: SessionView[];
  limits: LiveLimit[];
  /** The newest session that is not live, for the idle screen. */
  lastSession: SessionView | null;
  /** Usage since a little more than a block before now: enough for the open block and the sparkline. */
  records: UsageRecord[];
  loadedAt: number;
  /** Open alerts, newest first (see `cw alerts`). */
  alerts: LiveAlert[];
  /** Something could not be read (a broken database): shown, not thrown, so the view keeps going. */
  problem: string | null;
  /** Claude's readings of its windows: the accounts' latest, and the live sessions'. */
  windows: WindowReading[];
  /** The limit the block is measured against (configured or learned), and how many blocks learning has. */
  blockLimit: { limit: TokenLimit | null; finishedBlocks: number };
}

export interface LiveAlert {
  id: number;
  severity: 'info' | 'warning' | 'critical';
  /** What it was raised on, to be put in words when shown (core/alert-rules.ts describeAlert); null for old alerts. */
  data: AlertData | null;
  /** Its words as raised, for alerts without data. */
  message: string;
  createdAt: number;
}

export interface LiveSessionRow {
  session: SessionView;
  runningMs: number;
  totalTokens: number;
  /** The session's own limit, when it is in one now. */
  limit: LiveLimit | null;
}

export interface LiveView {
  now: number;
  live: boolean;
  sessions: LiveSessionRow[];
  lastSession: { session: SessionView; totalTokens: number; endedAgoMs: number | null } | null;
  block: { block: UsageBlock; projection: BlockProjection; elapsedShare: number } | null;
  /** The 5-hour window's use against its limit, Claude's figure first (core/block-gauge.ts). */
  gauge: BlockGauge | null;
  limits: Array<LiveLimit & { remainingMs: number | null }>;
  /** Each window Claude reported that has not reset, session window first. */
  windows: Array<WindowReading & { remainingMs: number | null }>;
  spark: { bucketMs: number; from: number; tokens: number[]; costUsd: number[] };
  dataAgeMs: number;
  alerts: LiveAlert[];
  problem: string | null;
}

export function buildLiveView(snapshot: LiveSnapshot, now: number): LiveView {
  const limits = snapshot.limits
    .filter((limit) => limit.resetsAt === null || limit.resetsAt > now)
    .map((limit) => ({ ...limit, remainingMs: limit.resetsAt === null ? null : limit.resetsAt - now }))
    .sort((a, b) => (a.resetsAt ?? Infinity) - (b.resetsAt ?? Infinity));
  const sessions = [...snapshot.sessions]
    .sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt))
    .map((session) => ({ session, runningMs: Math.max(0, now - Date.parse(session.startedAt)), totalTokens: tokensOf(session), limit: ownLimit(session, now) }));
  const last = snapshot.lastSession;
  const windows = currentWindows(snapshot.windows, now);
  const block = openBlock(snapshot.records, now, snapshot.blockLimit.limit);
  const fiveHour = windows.find((window) => window.kind === 'five_hour') ?? null;
  const windowStart = fiveHour?.resetsAt == null ? null : fiveHour.resetsAt - BLOCK_MS;
  return {
    now,
    live: sessions.length > 0,
    sessions,
    lastSession: last ? { session: last, totalTokens: tokensOf(last), endedAgoMs: last.endedAt === null ? null : Math.max(0, now - Date.parse(last.endedAt)) } : null,
    block,
    gauge: gaugeBlock({
      block: block?.block ?? null,
      claude: fiveHour,
      firstInWindowAt: windowStart === null ? null : firstRecordSince(snapshot.records, windowStart),
      limit: snapshot.blockLimit.limit,
      finishedBlocks: snapshot.blockLimit.finishedBlocks,
      now,
    }),
    limits,
    windows: windows.map((window) => ({ ...window, remainingMs: window.resetsAt === null ? null : window.resetsAt - now })),
    spark: sparkBuckets(snapshot.records, now),
    dataAgeMs: Math.max(0, now - snapshot.loadedAt),
    alerts: snapshot.alerts,
    problem: snapshot.problem,
  };
}

function tokensOf(session: SessionView): number {
  return session.inputTokens + session.outputTokens + session.cacheCreationTokens + session.cacheReadTokens;
}

function ownLimit(session: SessionView, now: number): LiveLimit | null {
  const limit = session.rateLimit;
  if (session.status !== 'RATE_LIMITED' || !limit) return null;
  const resetsAt = limit.resetsAt === null ? null : Date.parse(limit.resetsAt);
  if (resetsAt !== null && resetsAt <= now) return null;
  return { kind: limit.kind, resetsAt, sessionId: session.id, text: limit.text };
}

function firstRecordSince(records: readonly UsageRecord[], from: number): number | null {
  let first: number | null = null;
  for (const record of records) if (record.at >= from && (first === null || record.at < first)) first = record.at;
  return first;
}

function openBlock(records: readonly UsageRecord[], now: number, limit: TokenLimit | null): LiveView['block'] {
  const last = identifyBlocks(records, now).at(-1);
  if (!last || last.kind !== 'block' || !last.active) return null;
  const projection = projectBlock(last, now, limit);
  return { block: last, projection, elapsedShare: Math.min(1, projection.elapsedMs / (last.endAt - last.startAt)) };
}

/** Tokens and cost per bucket over the last SPARK_SPAN_MS, oldest first; the last bucket holds now. */
function sparkBuckets(records: readonly UsageRecord[], now: number): LiveView['spark'] {
  const count = SPARK_SPAN_MS / SPARK_BUCKET_MS;
  const from = Math.floor(now / SPARK_BUCKET_MS) * SPARK_BUCKET_MS - (count - 1) * SPARK_BUCKET_MS;
  const tokens = new Array<number>(count).fill(0);
  const costUsd = new Array<number>(count).fill(0);
  for (const record of records) {
    const index = Math.floor((record.at - from) / SPARK_BUCKET_MS);
    if (index < 0 || index >= count) continue;
    tokens[index]! += record.inputTokens + record.outputTokens + record.cacheCreationTokens + record.cacheReadTokens;
    costUsd[index]! += record.costUsd;
  }
  return { bucketMs: SPARK_BUCKET_MS, from, tokens, costUsd };
}
