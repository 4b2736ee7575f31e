/**
 * Alert rules: what is worth interrupting a person for, decided from facts gathered elsewhere.
 * Pure. Each alert has a key naming its condition and period (`daily-cost:2026-11-30`), so a
 * condition that holds all day alerts once; the store keeps keys and rate-limits each rule.
 */

export type AlertSeverity = 'info' | 'warning' | 'critical';
export type AlertRule = 'daily-cost' | 'weekly-cost' | 'block-percent' | 'burn-rate' | 'limit-reached' | 'session-error';

export interface AlertCandidate {
  rule: AlertRule;
  key: string;
  severity: AlertSeverity;
  message: string;
}

export interface AlertSettings {
  dailyCostUsd?: number;
  weeklyCostUsd?: number;
  blockPercent: number;
  burnRate: boolean;
  limitReached: boolean;
  sessionErrors: boolean;
}

/** What is known now; a rule whose facts are missing stays quiet. */
export interface AlertFacts {
  today?: { day: string; costUsd: number };
  week?: { weekStart: string; costUsd: number };
  block?: {
    startAt: number;
    endAt: number;
    totalTokens: number;
    limitTokens: number;
    /** How the limit is known, shown with it: "given", "high confidence, median of 6 blocks ...". */
    limitBasis: string;
    limitReachedAt: number | null;
  };
  limits?: Array<{ kind: string; resetsAt: number | null; observedAt: number }>;
  failedSessions?: Array<{ id: string; project: string | null; endedAt: number; error: string | null }>;
}

export function evaluateAlerts(facts: AlertFacts, settings: AlertSettings, formatTime: (at: number) => string): AlertCandidate[] {
  const alerts: AlertCandidate[] = [];
  if (facts.today && settings.dailyCostUsd !== undefined && facts.today.costUsd > settings.dailyCostUsd) {
    alerts.push({
      rule: 'daily-cost',
      key: `daily-cost:${facts.today.day}`,
      severity: 'warning',
      message: `today's cost $${facts.today.costUsd.toFixed(2)} passed $${settings.dailyCostUsd.toFixed(2)} (alerts.dailyCostUsd)`,
    });
  }
  if (facts.week && settings.weeklyCostUsd !== undefined && facts.week.costUsd > settings.weeklyCostUsd) {
    alerts.push({
      rule: 'weekly-cost',
      key: `weekly-cost:${facts.week.weekStart}`,
      severity: 'warning',
      message: `this week's cost $${facts.week.costUsd.toFixed(2)} passed $${settings.weeklyCostUsd.toFixed(2)} (alerts.weeklyCostUsd)`,
    });
  }
  const block = facts.block;
  if (block && block.limitTokens > 0) {
    const percent = (block.totalTokens / block.limitTokens) * 100;
    if (percent >= settings.blockPercent) {
      alerts.push({
        rule: 'block-percent',
        key: `block-percent:${block.startAt}`,
        severity: percent >= 100 ? 'critical' : 'warning',
        message: `the 5-hour block is at ${Math.round(percent)}% of ${block.limitTokens.toLocaleString('en-US')} tokens (${block.limitBasis}); it ends at ${formatTime(block.endAt)}`,
      });
    }
    if (settings.burnRate && block.limitReachedAt !== null && block.limitReachedAt < block.endAt && percent < 100) {
      alerts.push({
        rule: 'burn-rate',
        key: `burn-rate:${block.startAt}`,
        severity: 'warning',
        message: `at this rate the block's limit is reached at ${formatTime(block.limitReachedAt)}, before it ends at ${formatTime(block.endAt)}`,
      });
    }
  }
  if (settings.limitReached) {
    for (const limit of facts.limits ?? []) {
      alerts.push({
        rule: 'limit-reached',
        key: `limit-reached:${limit.kind}:${limit.resetsAt ?? limit.observedAt}`,
        severity: 'critical',
        message: `Claude's ${limit.kind.replace('_', '-')} limit is reached${limit.resetsAt === null ? '' : `; it resets at ${formatTime(limit.resetsAt)}`}`,
      });
    }
  }
  if (settings.sessionErrors) {
    for (const session of facts.failedSessions ?? []) {
      alerts.push({
        rule: 'session-error',
        key: `session-error:${session.id}`,
        severity: 'warning',
        message: `session ${session.id.slice(0, 8)}${session.project ? ` in ${session.project}` : ''} failed${session.error ? `: ${session.error}` : ''}`,
      });
    }
  }
  return alerts;
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
