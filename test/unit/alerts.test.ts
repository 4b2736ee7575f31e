/** Alert rules (pure) and the alert store on a real SQLite file: once per condition, closed when it clears. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertSettingsOf, describeAlert, evaluateAlerts, mostSevere, rulesJudged, type AlertCandidate, type AlertFacts } from '../../src/core/alert-rules.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { alertsAfterSession } from '../../src/runner/session-alerts.js';
import { resolvePaths } from '../../src/shared/paths.js';
import { ackAlert, alertMessage, clearAlerts, listAlerts, raiseAlerts, takeUndelivered, takeUnnotified } from '../../src/store/alerts.js';
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
  windows: [
    { kind: 'seven_day', utilization: 0.83, resetsAt: T0 + 50 * HOUR, observedAt: T0 },
    { kind: 'seven_day_opus', utilization: 0.85, resetsAt: T0 + 50 * HOUR, observedAt: T0 },
    { kind: 'five_hour', utilization: 1, resetsAt: T0 + 2 * HOUR, observedAt: T0 },
    { kind: 'seven_day_sonnet', utilization: 0.2, resetsAt: T0 + 50 * HOUR, observedAt: T0 },
  ],
  failedSessions: [{ id: 'abcdef12-3456', project: '/work/app', endedAt: T0, error: 'overloaded' }],
};

describe('evaluateAlerts', () => {
  it('raises each rule whose condition holds, each window and threshold a condition of its own, keyed with its period', () => {
    const alerts = evaluateAlerts(FACTS, { ...defaults, dailyCostUsd: 10, weeklyCostUsd: 50 });
    expect(alerts.map((alert) => [alert.condition, alert.key, alert.severity])).toEqual([
      ['daily-cost', 'daily-cost:2026-11-30', 'warning'],
      ['block-percent:80', `block-percent:80:${T0}`, 'warning'],
      ['burn-rate', `burn-rate:${T0}`, 'warning'],
      ['limit-reached:five_hour', `limit-reached:five_hour:${T0 + 2 * HOUR}`, 'critical'],
      // The spent 5-hour window is the limit above; the Sonnet week is below 80%.
      ['window-percent:seven_day:80', `window-percent:seven_day:80:${T0 + 50 * HOUR}`, 'warning'],
      ['window-percent:seven_day_opus:80', `window-percent:seven_day_opus:80:${T0 + 50 * HOUR}`, 'warning'],
      ['session-error:abcdef12-3456', `session-error:abcdef12-3456:${T0}`, 'warning'],
    ]);
    const words = alerts.map((alert) => describeAlert(alert.data, time));
    expect(words).toEqual([
      "today's cost $12.50 passed $10.00 (alerts.dailyCostUsd)",
      'the 5-hour block is at 85% of 1,000,000 tokens (given); it ends at 15:00',
      "at this rate the block's limit is reached at 13:00, before it ends at 15:00",
      "Claude's 5-hour limit is reached; it resets at 12:00",
      "Claude's weekly window is 83% used (alerts.windowPercent 80); it resets at 12:00",
      "Claude's weekly Opus window is 85% used (alerts.windowPercent 80); it resets at 12:00",
      'session abcdef12 in /work/app failed: overloaded',
    ]);
    expect(mostSevere(alerts)!.rule).toBe('limit-reached');
  });

  it('takes the whole block limit for a threshold of its own', () => {
    const full = evaluateAlerts({ block: { ...FACTS.block!, totalTokens: 1_020_000 } }, defaults);
    expect(full.map((alert) => [alert.key, alert.severity])).toEqual([[`block-percent:100:${T0}`, 'critical']]);
  });

  it('stays quiet where a rule is off, a threshold not passed, or its facts missing', () => {
    const settings = { ...defaults, blockPercent: 90, burnRate: false, limitReached: false, windows: false, sessionErrors: false };
    expect(evaluateAlerts(FACTS, settings)).toEqual([]);
    expect(evaluateAlerts({}, { ...defaults, dailyCostUsd: 1 })).toEqual([]);
    expect(evaluateAlerts({ windows: FACTS.windows! }, { ...defaults, windowPercent: 90 })).toEqual([]);
  });

  it('judges only the rules whose facts were gathered; a gathered block that is not open is judged too', () => {
    expect(rulesJudged({ limits: [], windows: [] })).toEqual(['limit-reached', 'window-percent']);
    expect(rulesJudged({ block: null })).toEqual(['block-percent', 'burn-rate']);
  });

  it('reads its settings from config, with defaults for what is unset or broken', () => {
    expect(alertSettingsOf({ alerts: { blockPercent: 'high', dailyCostUsd: 5, bell: false, webhooks: ['http://127.0.0.1:1/a', 'ftp://x'], minIntervalMinutes: 0, windowPercent: 150 } })).toEqual({
      rules: { dailyCostUsd: 5, blockPercent: 80, burnRate: true, limitReached: true, windowPercent: 80, windows: true, sessionErrors: true },
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
  const candidate = (rule: AlertCandidate['rule'], condition: string, period: string | number, data: AlertCandidate['data']): AlertCandidate => ({ rule, condition, key: `${condition}:${period}`, severity: 'warning', data });
  const daily = (day: string) => candidate('daily-cost', 'daily-cost', day, { rule: 'daily-cost', day, costUsd: 12, thresholdUsd: 10 });
  const failed = (id: string) => candidate('session-error', `session-error:${id}`, T0, { rule: 'session-error', sessionId: id, project: null, error: null });
  const window = (kind: string, resetsAt: number) => candidate('window-percent', `window-percent:${kind}:80`, resetsAt, { rule: 'window-percent', kind, percent: 85, threshold: 80, resetsAt });
  const limit = (kind: string, resetsAt: number) => candidate('limit-reached', `limit-reached:${kind}`, resetsAt, { rule: 'limit-reached', kind, resetsAt });
  const raise = (candidates: AlertCandidate[], now: number, minIntervalMs = 30 * 60_000) =>
    raiseAlerts(db, candidates, { now, minIntervalMs, judged: ['daily-cost', 'session-error', 'window-percent', 'limit-reached'] }).map((alert) => alert.key);

  it('raises a condition once; two conditions of one rule are two alerts, however close', () => {
    expect(raise([daily('2026-11-30'), failed('a'), failed('b')], T0)).toEqual(['daily-cost:2026-11-30', `session-error:a:${T0}`, `session-error:b:${T0}`]);
    expect(raise([daily('2026-11-30'), failed('a'), failed('b')], T0 + 60_000)).toEqual([]);
  });

  it('raises a limit of one window and, seventeen minutes later, of another; closes the first once it clears', () => {
    const fiveHour = limit('five_hour', T0 + HOUR);
    expect(raise([fiveHour], T0)).toEqual([fiveHour.key]);
    const weekly = limit('seven_day', T0 + 90 * HOUR);
    // The 5-hour limit still holds, the weekly one is new: raised at once, though the rule raised one minutes ago.
    expect(raise([fiveHour, weekly], T0 + 17 * 60_000)).toEqual([weekly.key]);
    expect(listAlerts(db).map((alert) => alert.key)).toEqual([weekly.key, fiveHour.key]);
    // The 5-hour window reset: its alert closes; the weekly one stays open.
    expect(raise([weekly], T0 + HOUR + 1)).toEqual([]);
    expect(listAlerts(db).map((alert) => alert.key)).toEqual([weekly.key]);
    const closed = listAlerts(db, { includeClosed: true }).find((alert) => alert.key === fiveHour.key)!;
    expect(closed.clearedAt).toBe(T0 + HOUR + 1);
    // Two windows past their threshold at once: two alerts.
    expect(raise([weekly, window('seven_day', T0 + 90 * HOUR), window('seven_day_opus', T0 + 90 * HOUR)], T0 + HOUR + 2)).toHaveLength(2);
  });

  it('waits out a condition that clears and comes back within the interval, and closes only the rules it judged', () => {
    expect(raise([window('seven_day', T0 + 10 * 60_000)], T0)).toHaveLength(1);
    // The window reset; at once the new one is past 80% again: the same condition, too soon.
    expect(raise([window('seven_day', T0 + 200 * HOUR)], T0 + 10 * 60_000 + 1)).toEqual([]);
    expect(raise([window('seven_day', T0 + 200 * HOUR)], T0 + 31 * 60_000)).toHaveLength(1);
    // A check that did not judge windows leaves their alerts open.
    raiseAlerts(db, [], { now: T0 + 2 * HOUR, minIntervalMs: 0, judged: ['daily-cost'] });
    expect(listAlerts(db).map((alert) => alert.condition)).toEqual(['window-percent:seven_day:80']);
  });

  it('writes its words when shown, in the zone of whoever shows them', () => {
    raise([limit('five_hour', T0 + 2 * HOUR)], T0);
    const [alert] = listAlerts(db);
    const berlin = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' });
    expect(alertMessage(alert!, (at) => berlin.format(new Date(at)))).toBe("Claude's 5-hour limit is reached; it resets at 13:00");
    expect(alertMessage(alert!, time)).toBe("Claude's 5-hour limit is reached; it resets at 12:00");
    // Its words as raised, for readers of the table, name their zone.
    expect(alert!.message).toBe("Claude's 5-hour limit is reached; it resets at 12:00 UTC");
  });

  it('hands each alert to the terminal and to delivery once, in order, and acknowledges', () => {
    raise([daily('2026-11-29'), failed('a')], T0, 0);
    raise([daily('2026-11-29'), failed('a'), daily('2026-11-30')], T0 + 1000, 0);
    expect(takeUnnotified(db, T0 + 2000).map((alert) => alert.key)).toEqual(['daily-cost:2026-11-29', `session-error:a:${T0}`, 'daily-cost:2026-11-30']);
    expect(takeUnnotified(db, T0 + 3000)).toEqual([]);
    expect(takeUndelivered(db, T0 + 3000)).toHaveLength(3);
    expect(takeUndelivered(db, T0 + 4000)).toHaveLength(0);
    const [newest] = listAlerts(db);
    expect(ackAlert(db, newest!.id, T0 + 5000)).toBe(true);
    expect(ackAlert(db, newest!.id, T0 + 5000)).toBe(false);
    expect(listAlerts(db)).toHaveLength(2);
    expect(clearAlerts(db, T0 + 6000)).toBe(2);
    expect(listAlerts(db, { includeClosed: true })).toHaveLength(3);
    // Acknowledged is not forgotten: the same condition does not alert again.
    expect(raise([daily('2026-11-29'), failed('a'), daily('2026-11-30')], T0 + 7000, 0)).toEqual([]);
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
    expect(check({ windows: false })).toBe(`claudewatch: alert: Claude's 5-hour limit is reached; it resets at 12:00 UTC`);
    // On the session's own connection, the one it was handed.
    expect(statements.some((sql) => sql.includes('FROM limits'))).toBe(true);
    expect(readUsage()).toBe(false);
  });

  it('reads the week’s usage only for a cost rule', () => {
    expect(check({ dailyCostUsd: 2, limitReached: false })).toBe("claudewatch: alert: today's cost $3.00 passed $2.00 (alerts.dailyCostUsd)");
    expect(readUsage()).toBe(true);
  });

  it('asks nothing of the history with every rule off, but still shows what a full check raised', () => {
    const data = { rule: 'block-percent', percent: 85, threshold: 80, limitTokens: 1000, limitBasis: 'given', endAt: T0 + 3_600_000 } as const;
    raiseAlerts(db, [{ rule: 'block-percent', condition: 'block-percent:80', key: 'block-percent:80:1', severity: 'warning', data }], { now: T0 - 1000, minIntervalMs: 0, judged: [] });
    expect(check({ limitReached: false, windows: false, sessionErrors: false })).toMatch(/^claudewatch: alert: the 5-hour block is at 85% of 1,000 tokens \(given\); it ends at \d\d:\d\d/);
    expect(statements.some((sql) => /\balerts\b/.test(sql))).toBe(true);
    expect(statements.filter((sql) => !/\balerts\b/.test(sql))).toEqual([]);
  });
});
