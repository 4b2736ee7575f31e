import { hostname, userInfo } from 'node:os';
import { identifyBlocks } from '../core/blocks.js';
import { projectLabeller, type MetricSample } from '../core/metrics.js';
import { estimateBlockLimit } from '../core/plan-limits.js';
import { allLimitsInForce, allWindowsInForce } from './account-limits.js';
import type { Db } from './database.js';
import { loadLimitEvents } from './limit-history.js';
import { loadUsageRecords } from './usage-records.js';

/**
 * Every metric's current value, read from the history and the live sessions. Counters are the
 * totals of all usage recorded on this machine (imported transcripts and wrapped runs, each
 * message once), so a scrape after a restart continues where it was; gauges are now.
 */
export function collectMetricSamples(db: Db, options: { now: number; tokensPerBlock?: number }): MetricSample[] {
  const { now } = options;
  const machine = { host: hostname(), user: safeUser() };
  const samples: MetricSample[] = [];

  for (const row of db.prepare('SELECT status, COUNT(*) AS n FROM sessions GROUP BY status ORDER BY status').all() as Array<{ status: string; n: number }>) {
    samples.push({ key: 'sessions', labels: { ...machine, status: row.status.toLowerCase() }, value: row.n });
  }
  const live = db
    .prepare(
      `SELECT COALESCE(project_path, cwd) AS project, COALESCE(session_type, 'none') AS kind, COUNT(*) AS n FROM sessions
       WHERE status IN ('ACTIVE', 'RATE_LIMITED') GROUP BY 1, 2`,
    )
    .all() as Array<{ project: string; kind: string; n: number }>;

  // This machine's own usage: another machine's, imported from its export, is exported there.
  const records = loadUsageRecords(db).filter((record) => record.machine === undefined);
  const costByProject = new Map<string | null, number>();
  for (const record of records) costByProject.set(record.project, (costByProject.get(record.project) ?? 0) + record.costUsd);
  const label = projectLabeller([...costByProject].sort((a, b) => b[1] - a[1]).map(([project]) => project));

  let liveTotal = 0;
  for (const row of live) {
    samples.push({ key: 'liveSessions', labels: { ...machine, project: label(row.project), session_kind: row.kind }, value: row.n });
    liveTotal += row.n;
  }
  if (live.length === 0) samples.push({ key: 'liveSessions', labels: { ...machine, project: 'none', session_kind: 'none' }, value: liveTotal });

  const usage = new Map<string, { labels: Record<string, string>; cost: number; input: number; output: number; cacheCreation: number; cacheRead: number }>();
  for (const record of records) {
    const labels = { ...machine, project: label(record.project), model: record.model };
    const key = JSON.stringify(labels);
    let sums = usage.get(key);
    if (!sums) usage.set(key, (sums = { labels, cost: 0, input: 0, output: 0, cacheCreation: 0, cacheRead: 0 }));
    sums.cost += record.costUsd;
    sums.input += record.inputTokens;
    sums.output += record.outputTokens;
    sums.cacheCreation += record.cacheCreationTokens;
    sums.cacheRead += record.cacheReadTokens;
  }
  for (const sums of usage.values()) {
    samples.push({ key: 'costUsd', labels: sums.labels, value: round(sums.cost) });
    for (const [type, value] of [['input', sums.input], ['output', sums.output], ['cache_creation', sums.cacheCreation], ['cache_read', sums.cacheRead]] as const) {
      samples.push({ key: 'tokens', labels: { ...sums.labels, type }, value });
    }
  }

  for (const row of db
    .prepare(
      `SELECT COALESCE(s.project_path, s.cwd, m.cwd, '') AS project, COALESCE(s.session_type, 'none') AS kind, SUM(m.answers_prompt) AS turns
       FROM messages AS m LEFT JOIN sessions AS s ON s.id = m.run_id WHERE m.machine IS NULL GROUP BY 1, 2`,
    )
    .all() as Array<{ project: string; kind: string; turns: number }>) {
    samples.push({ key: 'turns', labels: { ...machine, project: label(row.project), session_kind: row.kind }, value: row.turns });
  }

  const limitEvents = loadLimitEvents(db);
  const events = new Map<string, number>();
  for (const event of limitEvents) events.set(event.kind, (events.get(event.kind) ?? 0) + 1);
  for (const [kind, count] of events) samples.push({ key: 'rateLimitEvents', labels: { ...machine, kind }, value: count });
  for (const limit of allLimitsInForce(db, now)) {
    if (limit.resetsAt !== null) samples.push({ key: 'rateLimitResetSeconds', labels: { ...machine, kind: limit.kind }, value: Math.max(0, Math.round((limit.resetsAt - now) / 1000)) });
  }

  for (const window of fullestWindows(allWindowsInForce(db, now))) {
    samples.push({ key: 'windowUtilization', labels: { ...machine, window: window.kind, status: window.status }, value: round(window.utilization) });
    if (window.resetsAt !== null) samples.push({ key: 'windowResetSeconds', labels: { ...machine, window: window.kind }, value: Math.max(0, Math.round((window.resetsAt - now) / 1000)) });
  }

  const timeline = identifyBlocks(records, now, limitEvents);
  const last = timeline.at(-1);
  const open = last && last.kind === 'block' && last.active ? last : null;
  samples.push({ key: 'blockTokens', labels: machine, value: open ? open.totals.totalTokens : 0 });
  const estimate = estimateBlockLimit(timeline, options.tokensPerBlock === undefined ? {} : { tokensPerBlock: options.tokensPerBlock });
  if (estimate) {
    samples.push({ key: 'blockUtilization', labels: { ...machine, limit_source: estimate.source, confidence: estimate.confidence }, value: round((open ? open.totals.totalTokens : 0) / estimate.tokens) });
  }
  return samples;
}

/** One series per window: of several accounts on the machine, the fullest window is the one that stops work first. */
function fullestWindows(windows: ReturnType<typeof allWindowsInForce>): ReturnType<typeof allWindowsInForce> {
  const byKind = new Map<string, (typeof windows)[number]>();
  for (const window of windows) {
    const known = byKind.get(window.kind);
    if (known === undefined || window.utilization > known.utilization) byKind.set(window.kind, window);
  }
  return [...byKind.values()];
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

function round(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}
