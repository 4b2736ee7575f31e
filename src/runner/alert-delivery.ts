import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import type { AlertDelivery } from '../core/alert-rules.js';
import { preferredTimeZone } from '../core/calendar.js';
import { alertMessage, type StoredAlert } from '../store/alerts.js';

const WEBHOOK_TIMEOUT_MS = 5000;

/**
 * Sends alerts where the user asked: a desktop notification (notify-send, where a desktop session
 * exists) and a JSON POST to each webhook. Best effort and bounded: a webhook that hangs is given
 * up after five seconds; what failed is returned for the log, never thrown.
 */
export async function deliverAlerts(alerts: readonly StoredAlert[], delivery: AlertDelivery, env: NodeJS.ProcessEnv = process.env, config: Record<string, unknown> = {}): Promise<string[]> {
  const problems: string[] = [];
  if (alerts.length === 0) return problems;
  const time = displayClock(config, env);
  if (delivery.desktop) {
    const notifySend = desktopNotifier(env);
    for (const alert of notifySend ? alerts : []) {
      const child = spawn(notifySend!, ['--app-name=ClaudeWatch', `--urgency=${alert.severity === 'critical' ? 'critical' : 'normal'}`, 'ClaudeWatch', alertMessage(alert, time)], { detached: true, stdio: 'ignore', env });
      child.on('error', (error) => problems.push(`notify-send: ${error.message}`));
      child.unref();
    }
  }
  await Promise.all(
    delivery.webhooks.flatMap((url) =>
      alerts.map(async (alert) => {
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              source: 'claudewatch',
              alert: { id: alert.id, rule: alert.rule, condition: alert.condition, severity: alert.severity, message: alertMessage(alert, time), data: alert.data, createdAt: new Date(alert.createdAt).toISOString() },
            }),
            signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
          });
          await response.arrayBuffer();
          if (!response.ok) problems.push(`alert webhook ${new URL(url).origin}: answered ${response.status}`);
        } catch (error) {
          problems.push(`alert webhook ${new URL(url).origin}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }),
    ),
  );
  return problems;
}

/** Clock times as the user reads them: in the zone of config.json, else TZ, else the system's, named. */
export function displayClock(config: Record<string, unknown>, env: NodeJS.ProcessEnv): (at: number) => string {
  const timeZone = preferredTimeZone(config.timezone, env.TZ);
  const clock = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return (at) => `${clock.format(new Date(at))} ${timeZone}`;
}

/** A desktop session to notify: X, Wayland or a session bus. */
export function hasDesktop(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY || env.DBUS_SESSION_BUS_ADDRESS);
}

/** notify-send on PATH, when there is a desktop to notify; else null. */
export function desktopNotifier(env: NodeJS.ProcessEnv): string | null {
  if (!hasDesktop(env)) return null;
  for (const dir of (env.PATH ?? '').split(':')) {
    if (dir === '') continue;
    const candidate = join(dir, 'notify-send');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return null;
}
