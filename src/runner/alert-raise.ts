import { alertSettingsOf, evaluateAlerts, rulesJudged } from '../core/alert-rules.js';
import { Calendar, preferredTimeZone } from '../core/calendar.js';
import { configuredTokensPerBlock } from '../core/config-schema.js';
import { gatherAlertFacts } from '../store/alert-facts.js';
import { raiseAlerts, type StoredAlert } from '../store/alerts.js';
import type { Db } from '../store/database.js';

/**
 * Evaluates the rules against the history as it stands, records what is new and closes what
 * cleared. The block's rules need every block (the limit is learned from them), so only a full
 * check judges them.
 */
export function raiseCurrentAlerts(db: Db, config: Record<string, unknown>, options: { now: number; env: NodeJS.ProcessEnv; withBlock: boolean }): StoredAlert[] {
  const { rules, delivery } = alertSettingsOf(config);
  const calendar = new Calendar(preferredTimeZone(config.timezone, options.env.TZ));
  const tokensPerBlock = configuredTokensPerBlock(config);
  const facts = gatherAlertFacts(db, { now: options.now, calendar, withBlock: options.withBlock, ...(tokensPerBlock === undefined ? {} : { tokensPerBlock }) });
  return raiseAlerts(db, evaluateAlerts(facts, rules), { now: options.now, minIntervalMs: delivery.minIntervalMs, judged: rulesJudged(facts) });
}
