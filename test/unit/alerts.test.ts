/** Alert rules (pure) and the alert store on a real SQLite file: once per condition, rate-limited per rule. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertSettingsOf, evaluateAlerts, mostSevere, type AlertFacts } from '../../src/core/alert-rules.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { alertsAfterSession } from '../../src/runner/session-alerts.js';
import { resolvePaths } from '../../src/shared/paths.js';
import { ackAlert, clearAlerts, listAlerts, raiseAlerts, takeUndelivered, takeUnnotified } from '../../src/store/alerts.js';
import { Ledger } from '../../src/store/ledger.js';

const T0 = Date.parse('2026-11-30T10:00:00Z');
const HOUR = 3_600_000;
const time = (at: number) => new Date(at).toISOString().slice(11, 16);
const defaults = alertSettingsOf({}).rules;

const FACTS: AlertFacts = {
  today: { day: '2026-11-30', costUsd: 12.5 },
  week: { weekStart: '2026-11-30', costUsd: 40 },
  block: { startAt: T0, endAt: T0 + 5 * HOUR, totalTokens: 850_000, limitTokens: 1_000_000, limitBasis: 'given', limitReachedAt: T0 + 3 * HOUR },
  limits: [{ kind: 'five_hour', resetsAt: T0 + 2 * HOUR, observedAt: T0 }],
  failedSessions: [{ id: 'abcdef12-3456', project: '/work/app', endedAt: T0, error: 'overloaded' }],
};

describe('evaluateAlerts', () => {
  it('raises each rule whose condition holds, keyed by its condition and period', () => {
    const alerts = evaluateAlerts(FACTS, { ...defaults, dailyCostUsd: 10, weeklyCostUsd: 50 }, time);
    expect(alerts.map((alert) => [alert.rule, alert.key, alert.severity])).toEqual([
      ['daily-cost', 'daily-cost:2026-11-30', 'warning'],
      ['block-percent', `block-percent:${T0}`, 'warning'],
      ['burn-rate', `burn-rate:${T0}`, 'warning'],
      ['limit-reached', `limit-reached:five_hour:${T0 + 2 * HOUR}`, 'critical'],
      ['session-error', 'session-error:abcdef12-3456', 'warning'],
    ]);
    expect(alerts[0]!.message).toBe("today's cost $12.50 passed $10.00 (alerts.dailyCostUsd)");
    expect(alerts[1]!.message).toBe('the 5-hour block is at 85% of 1,000,000 tokens (given); it ends at 15:00');
    expect(alerts[2]!.message).toBe("at this rate the block's limit is reached at 13:00, before it ends at 15:00");
    expect(alerts[3]!.message).toBe("Claude's five-hour limit is reached; it resets at 12:00");
    expect(mostSevere(alerts)!.rule).toBe('limit-reached');
  });

  it('stays quiet where a rule is off, a threshold not passed, or its facts missing', () => {
    const settings = { ...defaults, blockPercent: 90, burnRate: false, limitReached: false, sessionErrors: false };
    expect(evaluateAlerts(FACTS, settings, time)).toEqual([]);
    expect(evaluateAlerts({}, { ...defaults, dailyCostUsd: 1 }, time)).toEqual([]);
  });

  it('reads its settings from config, with defaults for what is unset or broken', () => {
    expect(alertSettingsOf({ alerts: { blockPercent: 'high', dailyCostUsd: 5, bell: false, webhooks: ['http://127.0.0.1:1/a', 'ftp://x'], minIntervalMinutes: 0 } })).toEqual({
      rules: { dailyCostUsd: 5, blockPercent: 80, burnRate: true, limitReached: true, sessionErrors: true },
      delivery: { minIntervalMs: 0, bell: false, desktop: true, webhooks: ['http://127.0.0.1:1/a'] },
    });
  });
});

describe('the alert store', () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cw-alerts-'));
    db = openDatabase(join(dir, 'claudewatch.db'));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const daily = (day: string) => ({ rule: 'daily-cost' as const, key: `daily-cost:${day}`, severity: 'warning' as const, message: `cost on ${day}` });
  const failed = (id: string) => ({ rule: 'session-error' as const, key: `session-error:${id}`, severity: 'warning' as const, message: `failed ${id}` });

  it('raises a condition once, and a rule at most once per interval', () => {
    expect(raiseAlerts(db, [daily('2026-11-30'), failed('a'), failed('b')], T0, 30 * 60_000).map((alert) => alert.key)).toEqual(['daily-cost:2026-11-30', 'session-error:a']);
    // The same conditions again: nothing new; b waits for the interval.
    expect(raiseAlerts(db, [daily('2026-11-30'), failed('a'), failed('b')], T0 + 60_000, 30 * 60_000)).toEqual([]);
    expect(raiseAlerts(db, [daily('2026-11-30'), failed('a'), failed('b')], T0 + 31 * 60_000, 30 * 60_000).map((alert) => alert.key)).toEqual(['session-error:b']);
  });

  it('hands each alert to the terminal and to delivery once, in order, and acknowledges', () => {
    raiseAlerts(db, [daily('2026-11-29'), failed('a')], T0, 0);
    raiseAlerts(db, [daily('2026-11-30')], T0 + 1000, 0);
    expect(takeUnnotified(db, T0 + 2000).map((alert) => alert.key)).toEqual(['daily-cost:2026-11-29', 'session-error:a', 'daily-cost:2026-11-30']);
    expect(takeUnnotified(db, T0 + 3000)).toEqual([]);
    expect(takeUndelivered(db, T0 + 3000)).toHaveLength(3);
    expect(takeUndelivered(db, T0 + 4000)).toHaveLength(0);
    const [newest] = listAlerts(db);
    expect(ackAlert(db, newest!.id, T0 + 5000)).toBe(true);
    expect(ackAlert(db, newest!.id, T0 + 5000)).toBe(false);
    expect(listAlerts(db)).toHaveLength(2);
    expect(clearAlerts(db, T0 + 6000)).toBe(2);
    expect(listAlerts(db, { includeAcked: true })).toHaveLength(3);
    // Cleared is not forgotten: the same condition does not alert again.
    expect(raiseAlerts(db, [daily('2026-11-30')], T0 + 7000, 0)).toEqual([]);
  });
});

describe('the check after a session', () => {
  let dir: string;
  let db: Db;
  let statements: string[];
  /** The database as the check sees it: every statement it prepares is noted. */
  let watched: Db;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cw-alerts-'));
    db = openDatabase(join(dir, 'claudewatch.db'));
    statements = [];
    watched = new Proxy(db, {
      get(target, key) {
        if (key === 'prepare') return (sql: string) => (statements.push(sql), target.prepare(sql));
        const value: unknown = Reflect.get(target, key);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    // A limit in force, and a day's usage of $3.
    new Ledger(db, () => ({ costUsd: 3, known: true })).writeLimit({
      kind: 'five_hour', severity: 'limit', resetsAt: T0 + 2 * HOUR, resetPrecision: 'second', text: null, source: 'stream-json', utilization: null,
      observedAt: T0 - 60_000, account: '/home/a/.claude', claudeSessionId: 's1', runId: null, file: null,
    });
    new Ledger(db, () => ({ costUsd: 3, known: true })).writeMessage(
      { messageId: 'm1', requestId: 'r1', claudeSessionId: 's1', file: null, cwd: '/w', model: 'claude-sonnet-4-5', at: T0 - HOUR, usage: { inputTokens: 1, outputTokens: 1, cacheCreationTokens: 0, cacheReadTokens: 0 }, sidechain: false, answersPrompt: true },
      null,
    );
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const check = (alerts: Record<string, unknown>) => alertsAfterSession({ db: watched, paths: resolvePaths({ CLAUDEWATCH_HOME: dir }), config: { alerts: { bell: false, ...alerts } }, now: T0, env: {} });
  const readUsage = () => statements.some((sql) => sql.includes('usage_buckets'));

  it('shows a limit in force without reading any usage when no cost rule is set', () => {
    expect(check({})).toBe(`claudewatch: alert: Claude's five-hour limit is reached; it resets at 12:00`);
    // On the session's own connection, the one it was handed.
    expect(statements.some((sql) => sql.includes('FROM limits'))).toBe(true);
    expect(readUsage()).toBe(false);
  });

  it('reads the week’s usage only for a cost rule', () => {
    expect(check({ dailyCostUsd: 2, limitReached: false })).toBe("claudewatch: alert: today's cost $3.00 passed $2.00 (alerts.dailyCostUsd)");
    expect(readUsage()).toBe(true);
  });

  it('asks nothing of the history with every rule off, but still shows what a full check raised', () => {
    raiseAlerts(db, [{ rule: 'block-percent', key: 'block-percent:1', severity: 'warning', message: 'the block is at 85%' }], T0 - 1000, 0);
    expect(check({ limitReached: false, sessionErrors: false })).toBe('claudewatch: alert: the block is at 85%');
    expect(statements.some((sql) => /\balerts\b/.test(sql))).toBe(true);
    expect(statements.filter((sql) => !/\balerts\b/.test(sql))).toEqual([]);
  });
});
