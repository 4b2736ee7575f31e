import { join } from 'node:path';
import { alertSettingsOf, mostSevere } from '../core/alert-rules.js';
import { printable } from '../core/text-escape.js';
import type { Paths } from '../shared/paths.js';
import { takeTurn } from '../shared/turn-stamp.js';
import { alertMessage, takeUnnotified } from '../store/alerts.js';
import type { Db } from '../store/database.js';
import { raiseCurrentAlerts } from './alert-raise.js';
import { displayClock, hasDesktop } from './alert-delivery.js';
import { startDetachedCw } from './detached-cw.js';

/** A full check (every block, delivery) at most this often from the shim: a loop of runs must not spawn a check each. */
const FULL_CHECK_EVERY_MS = 60_000;

/**
 * After Claude exits: the cheap rules (cost today and this week, limits in force, failed
 * sessions) are checked here, and the one line to show for what is new is returned. When the
 * user has webhooks or a desktop, a detached `cw alerts check` delivers there and checks the
 * rules that need every block, so the shell prompt never waits on them; without either, those
 * rules are checked by `cw alerts check` (run it from cron).
 */
export function alertsAfterSession(options: { db: Db; paths: Paths; config: Record<string, unknown>; now: number; env: NodeJS.ProcessEnv }): string | null {
  const { db, paths, config, now } = options;
  const { delivery } = alertSettingsOf(config);
  raiseCurrentAlerts(db, config, { now, env: options.env, withBlock: false });
  const fresh = takeUnnotified(db, now);
  const top = mostSevere(fresh);
  // The words are written now, in the zone of the terminal that shows them.
  const notice = top ? `${delivery.bell ? '\x07' : ''}claudewatch: alert: ${printable(alertMessage(top, displayClock(config, options.env)))}${fresh.length > 1 ? ` (+${fresh.length - 1} more: cw alerts list)` : ''}` : null;
  // Someone listens beyond this terminal: let a detached check deliver (and look at the block).
  const listened = delivery.webhooks.length > 0 || (delivery.desktop && hasDesktop(options.env));
  if (listened) startFullCheck(paths, now, options.env);
  return notice;
}

function startFullCheck(paths: Paths, now: number, env: NodeJS.ProcessEnv): void {
  if (takeTurn(join(paths.stateDir, 'last-alert-check'), now, FULL_CHECK_EVERY_MS)) startDetachedCw(['alerts', 'check', '--quiet'], env);
}
