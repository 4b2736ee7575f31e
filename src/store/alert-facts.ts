import type { AlertFacts, AlertSettings } from '../core/alert-rules.js';
import { identifyBlocks, projectBlock } from '../core/blocks.js';
import { type Calendar, formatDay, weekStartOf } from '../core/calendar.js';
import { describeEstimate, estimateBlockLimit, limitOfEstimate } from '../core/plan-limits.js';
import { allLimitsInForce, allWindowsInForce } from './account-limits.js';
import type { Db } from './database.js';
import { loadLimitEvents } from './limit-history.js';
import { loadUsageRecords } from './usage-records.js';

/** A day back is as far as a failed session is news. */
const FAILED_WITHIN_MS = 86_400_000;

/**
 * The facts the alert rules need, read from the history: only those of rules that are on. The
 * block's facts need every block (the limit is learned from them), so they are read only when
 * asked: the shim's check after Claude exits leaves them to `cw alerts check` and `cw watch`.
 */
export function gatherAlertFacts(db: Db, options: { now: number; calendar: () => Calendar; withBlock: boolean; rules: AlertSettings; tokensPerBlock?: number }): AlertFacts {
  const { now, rules } = options;
  const facts: AlertFacts = {};
  const costRules = rules.dailyCostUsd !== undefined || rules.weeklyCostUsd !== undefined;
  // The block's rules need every record; this week's are among them, so the history is read once.
  const allRecords = options.withBlock ? loadUsageRecords(db) : null;
  if (costRules) {
    const calendar = options.calendar();
    const today = calendar.dayOf(now);
    const weekStart = weekStartOf(today);
    const weekFrom = calendar.startOfDay(weekStart);
    const weekRecords = allRecords ? allRecords.filter((record) => record.at >= weekFrom && record.at <= now) : loadUsageRecords(db, { from: weekFrom, to: now + 1 });
    const startOfToday = calendar.startOfDay(today);
    const sum = (records: typeof weekRecords) => records.reduce((total, record) => total + record.costUsd, 0);
    facts.today = { day: formatDay(today), costUsd: sum(weekRecords.filter((record) => record.at >= startOfToday)) };
    facts.week = { weekStart: formatDay(weekStart), costUsd: sum(weekRecords) };
  }
  if (rules.limitReached) facts.limits = allLimitsInForce(db, now).map((limit) => ({ kind: limit.kind, resetsAt: limit.resetsAt, observedAt: limit.observedAt }));
  if (rules.windows) facts.windows = allWindowsInForce(db, now).map((window) => ({ kind: window.kind, utilization: window.utilization, resetsAt: window.resetsAt, observedAt: window.observedAt }));
  if (rules.sessionErrors) {
    facts.failedSessions = (
      db
        .prepare(`SELECT id, COALESCE(project_path, cwd) AS project, ended_at, api_error FROM sessions WHERE status = 'FAILED' AND ended_at > ?`)
        .all(now - FAILED_WITHIN_MS) as Array<{ id: string; project: string | null; ended_at: number; api_error: string | null }>
    ).map((row) => ({ id: row.id, project: row.project, endedAt: row.ended_at, error: row.api_error }));
  }
  if (allRecords) {
    facts.block = null;
    const timeline = identifyBlocks(allRecords, now, loadLimitEvents(db));
    const last = timeline.at(-1);
    const open = last && last.kind === 'block' && last.active ? last : null;
    const estimate = estimateBlockLimit(timeline, options.tokensPerBlock === undefined ? {} : { tokensPerBlock: options.tokensPerBlock });
    if (open && estimate) {
      const projection = projectBlock(open, now, limitOfEstimate(estimate));
      facts.block = {
        startAt: open.startAt,
        endAt: open.endAt,
        totalTokens: open.totals.totalTokens,
        limitTokens: estimate.tokens,
        limitBasis: describeEstimate(estimate, (tokens) => Math.round(tokens).toLocaleString('en-US')).replace(/^[^(]*\(|\)$/g, ''),
        limitReachedAt: projection.limitReachedAt,
      };
    }
  }
  return facts;
}
