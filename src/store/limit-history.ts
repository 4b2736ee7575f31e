import type { Db } from './database.js';

/** A usage limit Claude reported: when, which window, and when it lifts. */
export interface LimitEvent {
  at: number;
  kind: string;
  resetsAt: number | null;
}

/**
 * Every limit Claude reported that stopped work, wrapped or imported, oldest first: one per
 * event, however many sources reported it (the ledger merged them). Warnings are left out: a
 * warning is not a wall.
 */
export function loadLimitEvents(db: Db, range: { from?: number; to?: number } = {}): LimitEvent[] {
  const rows = db
    .prepare(`SELECT observed_at, kind, resets_at FROM limits WHERE severity = 'limit' AND observed_at >= @from AND observed_at < @to ORDER BY observed_at`)
    .raw()
    .all({ from: range.from ?? Number.MIN_SAFE_INTEGER, to: range.to ?? Number.MAX_SAFE_INTEGER }) as Array<[number, string, number | null]>;
  return rows.map(([at, kind, resetsAt]) => ({ at, kind, resetsAt }));
}
