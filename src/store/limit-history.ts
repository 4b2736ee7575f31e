import type { Db } from './database.js';

/** A usage limit Claude reported: when, which window, and when it lifts. */
export interface LimitEvent {
  at: number;
  kind: string;
  resetsAt: number | null;
}

/**
 * Every limit in force that Claude reported, from imported transcripts and from wrapped runs
 * (the screen, the hooks, print output), oldest first. Warnings are left out: a warning is not a
 * wall. One limit seen by both sources appears twice; readers ask "was there a limit in this
 * window", which a repeat does not change.
 */
export function loadLimitEvents(db: Db, range: { from?: number; to?: number } = {}): LimitEvent[] {
  const rows = db
    .prepare(
      `SELECT at, kind, resets_at FROM limit_history WHERE severity = 'limit' AND at >= @from AND at < @to
       UNION ALL
       SELECT observed_at, kind, resets_at FROM rate_limits WHERE severity = 'limit' AND observed_at >= @from AND observed_at < @to
       ORDER BY 1`,
    )
    .raw()
    .all({ from: range.from ?? Number.MIN_SAFE_INTEGER, to: range.to ?? Number.MAX_SAFE_INTEGER }) as Array<[number, string, number | null]>;
  return rows.map(([at, kind, resetsAt]) => ({ at, kind, resetsAt }));
}
