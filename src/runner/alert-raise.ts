import { alertSettingsOf, evaluateAlerts } from '../core/alert-rules.js';
import { Calendar, preferredTimeZone } from '../core/calendar.js';
import { configuredTokensPerBlock } from '../core/config-schema.js';
import { gatherAlertFacts } from '../store/alert-facts.js';
import { raiseAlerts, type StoredAlert } from '../store/alerts.js';
import type { Db } from '../store/database.js';

/**
 * Evaluates the rules against the history as it stands and records what is new. The block's
 * rules need every block (the limit is learned from them), so only a full check reads them.
 */
export function raiseCurrentAlerts(db: Db, config: Record<string, unknown>, options: { now: number; env: NodeJS.ProcessEnv; withBlock: boolean }): StoredAlert[] {
  const { rules, delivery } = alertSettingsOf(config);
  const calendar = new Calendar(preferredTimeZone(config.timezone, options.env.TZ));
  const tokensPerBlock = configuredTokensPerBlock(config);
  const facts = gatherAlertFacts(db, { now: options.now, calendar, withBlock: options.withBlock, ...(tokensPerBlock === undefined ? {} : { tokensPerBlock }) });
  const clock = new Intl.DateTimeFormat('en-GB', { timeZone: calendar.timeZone, hour: '2-digit', minute: '2-digit' });
  return raiseAlerts(db, evaluateAlerts(facts, rules, (at) => clock.format(new Date(at))), options.now, delivery.minIntervalMs);
}
