import { alertSettingsOf } from '../core/alert-rules.js';
import type { LoadedConfig } from '../shared/config.js';
import { takeUndelivered, type StoredAlert } from '../store/alerts.js';
import { refreshHistory } from '../history/refresh.js';
import { openForReading } from '../store/reader.js';
import { deliverAlerts } from './alert-delivery.js';
import { raiseCurrentAlerts } from './alert-raise.js';

export interface CheckResult {
  raised: StoredAlert[];
  problems: string[];
}

/** Evaluates every rule against the history (imported first), raises what is new and delivers it. */
export async function checkAlerts(config: LoadedConfig['config'], env = process.env, now = Date.now()): Promise<CheckResult> {
  const { db } = openForReading(env);
  try {
    refreshHistory(db, config, env);
    const raised = raiseCurrentAlerts(db, config, { now, env, withBlock: true });
    const problems = await deliverAlerts(takeUndelivered(db, now), alertSettingsOf(config).delivery, env, config);
    return { raised, problems };
  } finally {
    db.close();
  }
}
