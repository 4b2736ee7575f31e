import { windowName } from './limit-windows.js';

/**
 * Alert rules: what is worth interrupting a person for, decided from facts gathered elsewhere.
 * Pure. Each alert names its condition (`limit-reached:five_hour`: one rule about one window
 * or one threshold) and its key adds the period (`…:<reset>`), so a condition that holds all day
 * alerts once and two windows are two alerts. An alert keeps its facts, not its words: the text
 * is written when it is shown (describeAlert), in the zone of whoever shows it.
 */

export type AlertSeverity = 'info' | 'warning' | 'critical';
export type AlertRule = 'daily-cost' | 'weekly-cost' | 'block-percent' | 'burn-rate' | 'limit-reached' | 'window-percent' | 'session-error';

/** What an alert was raised on: enough to say it again in words, at any time, in any zone. */
export type AlertData =
  | { rule: 'daily-cost'; day: string; costUsd: number; thresholdUsd: number }
  | { rule: 'weekly-cost'; weekStart: string; costUsd: number; thresholdUsd: number }
  | { rule: 'block-percent'; percent: number; threshold: number; limitTokens: number; limitBasis: string; endAt: number }
  | { rule: 'burn-rate'; limitReachedAt: number; endAt: number }
  | { rule: 'limit-reached'; kind: string; resetsAt: number | null }
  | { rule: 'window-percent'; kind: string; percent: number; threshold: number; resetsAt: number | null }
  | { rule: 'session-error'; sessionId: string; project: string | null; error: string | null };

export interface AlertCandidate {
  rule: AlertRule;
  /** One rule about one window or threshold: two conditions are two alerts, however close in time. */
  condition: string;
  /** The condition and its period: an alert is raised once per key. */
  key: string;
  severity: AlertSeverity;
  data: AlertData;
}

export interface AlertSettings {
  dailyCostUsd?: number;
  weeklyCostUsd?: number;
  blockPercent: number;
  burnRate: boolean;
  limitReached: boolean;
  /** Alert when one of Claude's windows passes this share (percent). */
  windowPercent: number;
  windows: boolean;
  sessionErrors: boolean;
}

/** What is known now; a rule whose facts are missing stays quiet. */
export interface AlertFacts {
  today?: { day: string; costUsd: number };
  week?: { weekStart: string; costUsd: number };
  /** Null: the block's rules were judged and no block is open (or no limit is known). */
  block?: {
    startAt: number;
    endAt: number;
    totalTokens: number;
    limitTokens: number;
    /** How the limit is known, shown with it: "given", "high confidence, median of 6 blocks ...". */
    limitBasis: string;
    limitReachedAt: number | null;
  } | null;
  limits?: Array<{ kind: string; resetsAt: number | null; observedAt: number }>;
  /** Claude's readings of its windows that have not reset. */
  windows?: Array<{ kind: string; utilization: number; resetsAt: number | null; observedAt: number }>;
  failedSessions?: Array<{ id: string; project: string | null; endedAt: number; error: string | null }>;
}

/** The rules `evaluateAlerts` judged with these facts: an open alert of one of them whose condition no longer holds has cleared. */
export function rulesJudged(facts: AlertFacts): AlertRule[] {
  const rules: AlertRule[] = [];
  if (facts.today) rules.push('daily-cost');
  if (facts.week) rules.push('weekly-cost');
  if (facts.block !== undefined) rules.push('block-percent', 'burn-rate');
  if (facts.limits) rules.push('limit-reached');
  if (facts.windows) rules.push('window-percent');
  if (facts.failedSessions) rules.push('session-error');
  return rules;
}

export function evaluateAlerts(facts: AlertFacts, settings: AlertSettings): AlertCandidate[] {
  const alerts: AlertCandidate[] = [];
  const add = (condition: string, period: string | number, severity: AlertSeverity, data: AlertData): void => {
    alerts.push({ rule: data.rule, condition, key: `${condition}:${period}`, severity, data });
  };
  if (facts.today && settings.dailyCostUsd !== undefined && facts.today.costUsd > settings.dailyCostUsd) {
    add('daily-cost', facts.today.day, 'warning', { rule: 'daily-cost', day: facts.today.day, costUsd: facts.today.costUsd, thresholdUsd: settings.dailyCostUsd });
  }
  if (facts.week && settings.weeklyCostUsd !== undefined && facts.week.costUsd > settings.weeklyCostUsd) {
    add('weekly-cost', facts.week.weekStart, 'warning', { rule: 'weekly-cost', weekStart: facts.week.weekStart, costUsd: facts.week.costUsd, thresholdUsd: settings.weeklyCostUsd });
  }
  const block = facts.block;
  if (block && block.limitTokens > 0) {
    const percent = (block.totalTokens / block.limitTokens) * 100;
    // The configured share and the whole limit are two thresholds: passing the second is news too.
    const threshold = [100, settings.blockPercent].find((candidate) => percent >= candidate);
    if (threshold !== undefined) {
      const data: AlertData = { rule: 'block-percent', percent: Math.round(percent), threshold, limitTokens: block.limitTokens, limitBasis: block.limitBasis, endAt: block.endAt };
      add(`block-percent:${threshold}`, block.startAt, threshold >= 100 ? 'critical' : 'warning', data);
    }
    if (settings.burnRate && block.limitReachedAt !== null && block.limitReachedAt < block.endAt && percent < 100) {
      add('burn-rate', block.startAt, 'warning', { rule: 'burn-rate', limitReachedAt: block.limitReachedAt, endAt: block.endAt });
    }
  }
  if (settings.limitReached) {
    for (const limit of facts.limits ?? []) {
      add(`limit-reached:${limit.kind}`, limit.resetsAt ?? limit.observedAt, 'critical', { rule: 'limit-reached', kind: limit.kind, resetsAt: limit.resetsAt });
    }
  }
  if (settings.windows) {
    for (const window of facts.windows ?? []) {
      const percent = window.utilization * 100;
      // A spent window is a limit in force: limit-reached says so.
      if (percent < settings.windowPercent || percent >= 100) continue;
      const data: AlertData = { rule: 'window-percent', kind: window.kind, percent: Math.round(percent), threshold: settings.windowPercent, resetsAt: window.resetsAt };
      add(`window-percent:${window.kind}:${settings.windowPercent}`, window.resetsAt ?? window.observedAt, 'warning', data);
    }
  }
  if (settings.sessionErrors) {
    for (const session of facts.failedSessions ?? []) {
      add(`session-error:${session.id}`, session.endedAt, 'warning', { rule: 'session-error', sessionId: session.id, project: session.project, error: session.error });
    }
  }
  return alerts;
}

/** An alert in words, its times as `time` writes them (the zone of whoever shows it). */
export function describeAlert(data: AlertData, time: (at: number) => string): string {
  switch (data.rule) {
    case 'daily-cost':
      return `today's cost $${data.costUsd.toFixed(2)} passed $${data.thresholdUsd.toFixed(2)} (alerts.dailyCostUsd)`;
    case 'weekly-cost':
      return `this week's cost $${data.costUsd.toFixed(2)} passed $${data.thresholdUsd.toFixed(2)} (alerts.weeklyCostUsd)`;
    case 'block-percent':
      return `the 5-hour block is at ${data.percent}% of ${data.limitTokens.toLocaleString('en-US')} tokens (${data.limitBasis}); it ends at ${time(data.endAt)}`;
    case 'burn-rate':
      return `at this rate the block's limit is reached at ${time(data.limitReachedAt)}, before it ends at ${time(data.endAt)}`;
    case 'limit-reached':
      return `Claude's ${windowName(data.kind)} limit is reached${data.resetsAt === null ? '' : `; it resets at ${time(data.resetsAt)}`}`;
    case 'window-percent':
      return `Claude's ${windowName(data.kind)} window is ${data.percent}% used (alerts.windowPercent ${data.threshold})${data.resetsAt === null ? '' : `; it resets at ${time(data.resetsAt)}`}`;
    case 'session-error':
      return `session ${data.sessionId.slice(0, 8)}${data.project ? ` in ${data.project}` : ''} failed${data.error ? `: ${data.error}` : ''}`;
  }
}

/** Most severe first, then in the order found: the one a one-line notice shows. */
export function mostSevere<T extends { severity: AlertSeverity }>(alerts: readonly T[]): T | undefined {
  const rank: Record<AlertSeverity, number> = { critical: 0, warning: 1, info: 2 };
  return [...alerts].sort((a, b) => rank[a.severity] - rank[b.severity])[0];
}

export interface AlertDelivery {
  minIntervalMs: number;
  bell: boolean;
  desktop: boolean;
  webhooks: string[];
}

/** The alert settings of a config (see config-schema.ts), defaults where unset or broken. */
export function alertSettingsOf(config: Record<string, unknown>): { rules: AlertSettings; delivery: AlertDelivery } {
  const alerts = (config.alerts !== null && typeof config.alerts === 'object' && !Array.isArray(config.alerts) ? config.alerts : {}) as Record<string, unknown>;
  const positive = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined);
  const flag = (value: unknown, fallback: boolean): boolean => (typeof value === 'boolean' ? value : fallback);
  const blockPercent = positive(alerts.blockPercent);
  const windowPercent = positive(alerts.windowPercent);
  const dailyCostUsd = positive(alerts.dailyCostUsd);
  const weeklyCostUsd = positive(alerts.weeklyCostUsd);
  const minutes = typeof alerts.minIntervalMinutes === 'number' && alerts.minIntervalMinutes >= 0 ? alerts.minIntervalMinutes : 30;
  return {
    rules: {
      ...(dailyCostUsd === undefined ? {} : { dailyCostUsd }),
      ...(weeklyCostUsd === undefined ? {} : { weeklyCostUsd }),
      blockPercent: blockPercent !== undefined && blockPercent <= 100 ? blockPercent : 80,
      burnRate: flag(alerts.burnRate, true),
      limitReached: flag(alerts.limitReached, true),
      windowPercent: windowPercent !== undefined && windowPercent < 100 ? windowPercent : 80,
      windows: flag(alerts.windows, true),
      sessionErrors: flag(alerts.sessionErrors, true),
    },
    delivery: {
      minIntervalMs: minutes * 60_000,
      bell: flag(alerts.bell, true),
      desktop: flag(alerts.desktop, true),
      webhooks: Array.isArray(alerts.webhooks) ? alerts.webhooks.filter((url): url is string => typeof url === 'string' && /^https?:\/\//.test(url)) : [],
    },
  };
}
