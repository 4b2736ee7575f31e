import { alertSettingsOf, evaluateAlerts, rulesJudged } from '../core/alert-rules.js';
import { Calendar, preferredTimeZone } from '../core/calendar.js';
import { configuredTokensPerBlock } from '../core/config-schema.js';
import { gatherAlertFacts } from '../store/alert-facts.js';
import { raiseAlerts, type StoredAlert } from '../store/alerts.js';
import type { Db } from '../store/database.js';

/**
 * Evaluates the rules against the history as it stands, records what is new and closes what
 * cleared. The block's rules need every block (the limit is learned from them), so only a full
 * check judges them. Without a rule to check, nothing is read.
 */
export function raiseCurrentAlerts(db: Db, config: Record<string, unknown>, options: { now: number; env: NodeJS.ProcessEnv; withBlock: boolean }): StoredAlert[] {
  const { rules, delivery } = alertSettingsOf(config);
  const cheapRules = rules.dailyCostUsd !== undefined || rules.weeklyCostUsd !== undefined || rules.limitReached || rules.windows || rules.sessionErrors;
  if (!options.withBlock && !cheapRules) return [];
  // A calendar needs the zone's rules, which load ICU's data: made only for a rule that counts days.
  let calendar: Calendar | undefined;
  const calendarOf = (): Calendar => (calendar ??= new Calendar(preferredTimeZone(config.timezone, options.env.TZ)));
  const tokensPerBlock = configuredTokensPerBlock(config);
  const facts = gatherAlertFacts(db, { now: options.now, calendar: calendarOf, withBlock: options.withBlock, rules, ...(tokensPerBlock === undefined ? {} : { tokensPerBlock }) });
  return raiseAlerts(db, evaluateAlerts(facts, rules), { now: options.now, minIntervalMs: delivery.minIntervalMs, judged: rulesJudged(facts) });
}
