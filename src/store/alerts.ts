import type { AlertCandidate, AlertRule, AlertSeverity } from '../core/alert-rules.js';
import type { Db } from './database.js';

export interface StoredAlert {
  id: number;
  rule: AlertRule;
  key: string;
  severity: AlertSeverity;
  message: string;
  createdAt: number;
  notifiedAt: number | null;
  deliveredAt: number | null;
  ackedAt: number | null;
}

interface Row {
  id: number;
  rule: AlertRule;
  key: string;
  severity: AlertSeverity;
  message: string;
  created_at: number;
  notified_at: number | null;
  delivered_at: number | null;
  acked_at: number | null;
}

/**
 * Records the candidates that are new: a key seen before is the same alert (once per condition
 * and period), and a rule that raised an alert within `minIntervalMs` waits (it is raised on a
 * later check). One immediate transaction, so two processes checking at once raise it once.
 */
export function raiseAlerts(db: Db, candidates: readonly AlertCandidate[], now: number, minIntervalMs: number): StoredAlert[] {
  // Most checks find nothing: no write lock taken then, so many sessions ending at once do not queue.
  if (candidates.length === 0) return [];
  const known = db.prepare('SELECT 1 FROM alerts WHERE key = ?').pluck();
  const recent = db.prepare('SELECT MAX(created_at) FROM alerts WHERE rule = ?').pluck();
  const insert = db.prepare('INSERT INTO alerts (rule, key, severity, message, created_at) VALUES (@rule, @key, @severity, @message, @now) RETURNING *');
  return db.transaction(() => {
    const raised: StoredAlert[] = [];
    const ruleRaised = new Set<string>();
    for (const candidate of candidates) {
      if (known.get(candidate.key) !== undefined) continue;
      const last = recent.get(candidate.rule) as number | null;
      if (ruleRaised.has(candidate.rule) || (last !== null && now - last < minIntervalMs)) continue;
      raised.push(alertOf(insert.get({ ...candidate, now }) as Row));
      ruleRaised.add(candidate.rule);
    }
    return raised;
  }).immediate();
}

export function listAlerts(db: Db, options: { includeAcked?: boolean; limit?: number } = {}): StoredAlert[] {
  const rows = db
    .prepare(`SELECT * FROM alerts ${options.includeAcked ? '' : 'WHERE acked_at IS NULL'} ORDER BY created_at DESC, id DESC LIMIT ?`)
    .all(options.limit ?? 100) as Row[];
  return rows.map(alertOf);
}

/** Alerts not yet shown on a terminal, oldest first, marked shown in the same step. */
export function takeUnnotified(db: Db, now: number): StoredAlert[] {
  if (db.prepare('SELECT 1 FROM alerts WHERE notified_at IS NULL AND acked_at IS NULL LIMIT 1').get() === undefined) return [];
  return db.transaction(() => {
    const rows = db.prepare('SELECT * FROM alerts WHERE notified_at IS NULL AND acked_at IS NULL ORDER BY created_at, id').all() as Row[];
    db.prepare('UPDATE alerts SET notified_at = ? WHERE notified_at IS NULL AND acked_at IS NULL').run(now);
    return rows.map(alertOf);
  }).immediate();
}

/** Alerts not yet sent to the desktop and webhooks, marked sent in the same step (sending is best effort). */
export function takeUndelivered(db: Db, now: number): StoredAlert[] {
  if (db.prepare('SELECT 1 FROM alerts WHERE delivered_at IS NULL LIMIT 1').get() === undefined) return [];
  return db.transaction(() => {
    const rows = db.prepare('SELECT * FROM alerts WHERE delivered_at IS NULL ORDER BY created_at, id').all() as Row[];
    db.prepare('UPDATE alerts SET delivered_at = ? WHERE delivered_at IS NULL').run(now);
    return rows.map(alertOf);
  }).immediate();
}

export function ackAlert(db: Db, id: number, now: number): boolean {
  return db.prepare('UPDATE alerts SET acked_at = ? WHERE id = ? AND acked_at IS NULL').run(now, id).changes > 0;
}

/** Acknowledges every open alert; their keys stay, so the same conditions do not alert again. */
export function clearAlerts(db: Db, now: number): number {
  return db.prepare('UPDATE alerts SET acked_at = ? WHERE acked_at IS NULL').run(now).changes;
}

function alertOf(row: Row): StoredAlert {
  return {
    id: row.id,
    rule: row.rule,
    key: row.key,
    severity: row.severity,
    message: row.message,
    createdAt: row.created_at,
    notifiedAt: row.notified_at,
    deliveredAt: row.delivered_at,
    ackedAt: row.acked_at,
  };
}
