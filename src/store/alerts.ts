import { describeAlert, type AlertCandidate, type AlertData, type AlertRule, type AlertSeverity } from '../core/alert-rules.js';
import type { Db } from './database.js';

export interface StoredAlert {
  id: number;
  rule: AlertRule;
  condition: string;
  key: string;
  severity: AlertSeverity;
  /** What it was raised on; null for alerts raised before alerts kept their facts. */
  data: AlertData | null;
  /** Its words as written when it was raised (times in UTC): for alerts without data, and scripts that read the table. */
  message: string;
  createdAt: number;
  notifiedAt: number | null;
  deliveredAt: number | null;
  ackedAt: number | null;
  /** When its condition no longer held. */
  clearedAt: number | null;
}

interface Row {
  id: number;
  rule: AlertRule;
  condition: string | null;
  key: string;
  severity: AlertSeverity;
  data: string | null;
  message: string;
  created_at: number;
  notified_at: number | null;
  delivered_at: number | null;
  acked_at: number | null;
  cleared_at: number | null;
}

/** The words of an alert, its times as `time` writes them: the zone of whoever shows it. */
export function alertMessage(alert: Pick<StoredAlert, 'data' | 'message'>, time: (at: number) => string): string {
  return alert.data === null ? alert.message : describeAlert(alert.data, time);
}

const UTC_TIME = (at: number): string => `${new Date(at).toISOString().slice(11, 16)} UTC`;

/**
 * Records the candidates that are new and closes the open alerts of the judged rules whose
 * condition no longer holds. A key seen before is the same alert (raised once per condition
 * and period); a condition raised within `minIntervalMs` waits, so a window that flaps around
 * its threshold does not alert on each crossing, while two windows are two conditions and both
 * alert. One immediate transaction, so two processes checking at once raise it once.
 */
export function raiseAlerts(db: Db, candidates: readonly AlertCandidate[], options: { now: number; minIntervalMs: number; judged: readonly AlertRule[] }): StoredAlert[] {
  const { now } = options;
  const openKeys = options.judged.length === 0 ? [] : (db.prepare(`SELECT key FROM alerts WHERE cleared_at IS NULL AND rule IN (${options.judged.map(() => '?').join(', ')})`).pluck().all(...options.judged) as string[]);
  const current = new Set(candidates.map((candidate) => candidate.key));
  const cleared = openKeys.filter((key) => !current.has(key));
  const known = db.prepare('SELECT 1 FROM alerts WHERE key = ?').pluck();
  // Most checks find nothing new and nothing cleared: no write lock taken then, so many sessions ending at once do not queue.
  if (cleared.length === 0 && candidates.every((candidate) => known.get(candidate.key) !== undefined)) return [];
  const recent = db.prepare('SELECT MAX(created_at) FROM alerts WHERE condition = ?').pluck();
  const insert = db.prepare(
    `INSERT INTO alerts (rule, condition, key, severity, data, message, created_at) VALUES (@rule, @condition, @key, @severity, @data, @message, @now) RETURNING *`,
  );
  const clear = db.prepare('UPDATE alerts SET cleared_at = ? WHERE key = ? AND cleared_at IS NULL');
  return db.transaction(() => {
    for (const key of cleared) clear.run(now, key);
    const raised: StoredAlert[] = [];
    const conditionRaised = new Set<string>();
    for (const candidate of candidates) {
      if (known.get(candidate.key) !== undefined) continue;
      const last = recent.get(candidate.condition) as number | null;
      if (conditionRaised.has(candidate.condition) || (last !== null && now - last < options.minIntervalMs)) continue;
      const row = insert.get({ ...candidate, data: JSON.stringify(candidate.data), message: describeAlert(candidate.data, UTC_TIME), now }) as Row;
      raised.push(alertOf(row));
      conditionRaised.add(candidate.condition);
    }
    return raised;
  }).immediate();
}

/** Open alerts (not acknowledged, condition still holding), newest first; with `includeClosed`, every alert. */
export function listAlerts(db: Db, options: { includeClosed?: boolean; limit?: number } = {}): StoredAlert[] {
  const rows = db
    .prepare(`SELECT * FROM alerts ${options.includeClosed ? '' : 'WHERE acked_at IS NULL AND cleared_at IS NULL'} ORDER BY created_at DESC, id DESC LIMIT ?`)
    .all(options.limit ?? 100) as Row[];
  return rows.map(alertOf);
}

/** Alerts not yet shown on a terminal, oldest first, marked shown in the same step; one that already cleared is not news. */
export function takeUnnotified(db: Db, now: number): StoredAlert[] {
  const pending = 'notified_at IS NULL AND acked_at IS NULL AND cleared_at IS NULL';
  if (db.prepare(`SELECT 1 FROM alerts WHERE ${pending} LIMIT 1`).get() === undefined) return [];
  return db.transaction(() => {
    const rows = db.prepare(`SELECT * FROM alerts WHERE ${pending} ORDER BY created_at, id`).all() as Row[];
    db.prepare(`UPDATE alerts SET notified_at = ? WHERE ${pending}`).run(now);
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
  return db.prepare('UPDATE alerts SET acked_at = ? WHERE acked_at IS NULL AND cleared_at IS NULL').run(now).changes;
}

function alertOf(row: Row): StoredAlert {
  return {
    id: row.id,
    rule: row.rule,
    condition: row.condition ?? row.rule,
    key: row.key,
    severity: row.severity,
    data: parseData(row.data),
    message: row.message,
    createdAt: row.created_at,
    notifiedAt: row.notified_at,
    deliveredAt: row.delivered_at,
    ackedAt: row.acked_at,
    clearedAt: row.cleared_at,
  };
}

function parseData(text: string | null): AlertData | null {
  if (text === null) return null;
  try {
    const data: unknown = JSON.parse(text);
    return typeof data === 'object' && data !== null && typeof (data as { rule?: unknown }).rule === 'string' ? (data as AlertData) : null;
  } catch {
    return null;
  }
}
