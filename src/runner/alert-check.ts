import { alertSettingsOf, evaluateAlerts, type AlertCandidate } from '../core/alert-rules.js';
import { Calendar, isTimeZone } from '../core/calendar.js';
import { readSetting } from '../core/config-schema.js';
import type { LoadedConfig } from '../shared/config.js';
import { gatherAlertFacts } from '../store/alert-facts.js';
import { raiseAlerts, takeUndelivered, type StoredAlert } from '../store/alerts.js';
import { refreshHistory } from '../store/history-refresh.js';
import { openForReading } from '../store/reader.js';
import { deliverAlerts } from './alert-delivery.js';

export interface CheckResult {
  raised: StoredAlert[];
  problems: string[];
}

/** Evaluates every rule against the history (imported first), raises what is new and delivers it. */
export async function checkAlerts(config: LoadedConfig['config'], env = process.env, now = Date.now()): Promise<CheckResult> {
  const { rules, delivery } = alertSettingsOf(config);
  const zone = [config.timezone, env.TZ].find((candidate): candidate is string => typeof candidate === 'string' && isTimeZone(candidate)) ?? 'UTC';
  const calendar = new Calendar(zone);
  const { db } = openForReading(env, now);
  try {
    refreshHistory(db, config, env);
    const tokensPerBlock = config.plan === 'custom' ? readSetting(config, 'planLimits.tokensPerBlock') : undefined;
    const facts = gatherAlertFacts(db, { now, calendar, withBlock: true, ...(typeof tokensPerBlock === 'number' ? { tokensPerBlock } : {}) });
    const clock = new Intl.DateTimeFormat('en-GB', { timeZone: calendar.timeZone, hour: '2-digit', minute: '2-digit' });
    const candidates: AlertCandidate[] = evaluateAlerts(facts, rules, (at) => clock.format(new Date(at)));
    const raised = raiseAlerts(db, candidates, now, delivery.minIntervalMs);
    const problems = await deliverAlerts(takeUndelivered(db, now), delivery, env);
    return { raised, problems };
  } finally {
    db.close();
  }
}
