import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { basename, join } from 'node:path';
import type { AlertDelivery } from '../core/alert-rules.js';
import { preferredTimeZone } from '../core/calendar.js';
import { alertMessage, type StoredAlert } from '../store/alerts.js';

const WEBHOOK_TIMEOUT_MS = 5000;

/**
 * Sends alerts where the user asked: a desktop notification (notify-send where a Linux desktop
 * session exists, osascript on macOS) and a JSON POST to each webhook. Best effort and bounded: a
 * webhook that hangs is given up after five seconds; what failed is returned for the log, never
 * thrown.
 */
export async function deliverAlerts(
  alerts: readonly StoredAlert[],
  delivery: AlertDelivery,
  env: NodeJS.ProcessEnv = process.env,
  config: Record<string, unknown> = {},
  platform: NodeJS.Platform = process.platform,
): Promise<string[]> {
  const problems: string[] = [];
  if (alerts.length === 0) return problems;
  const time = displayClock(config, env);
  if (delivery.desktop) {
    const notifier = desktopNotifier(env, platform);
    for (const alert of notifier ? alerts : []) {
      const child = spawn(notifier!.command, notifier!.args('ClaudeWatch', alertMessage(alert, time), alert.severity === 'critical'), { detached: true, stdio: 'ignore', env });
      child.on('error', (error) => problems.push(`${basename(notifier!.command)}: ${error.message}`));
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

/** A desktop to notify: X, Wayland or a session bus on Linux; macOS always has one. */
export function hasDesktop(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): boolean {
  return platform === 'darwin' || Boolean(env.DISPLAY || env.WAYLAND_DISPLAY || env.DBUS_SESSION_BUS_ADDRESS);
}

export interface Notifier {
  command: string;
  args(title: string, message: string, critical: boolean): string[];
}

/**
 * notify-send where a Linux desktop runs; osascript on macOS, where notify-send is not. The
 * message reaches AppleScript as an argument, never as script source, so nothing in it is run.
 */
export function desktopNotifier(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): Notifier | null {
  if (!hasDesktop(env, platform)) return null;
  const notifySend = findOnPath('notify-send', env);
  if (notifySend !== null) {
    return { command: notifySend, args: (title, message, critical) => ['--app-name=ClaudeWatch', `--urgency=${critical ? 'critical' : 'normal'}`, title, message] };
  }
  const osascript = platform === 'darwin' ? findOnPath('osascript', env) : null;
  if (osascript === null) return null;
  return {
    command: osascript,
    args: (title, message) => ['-e', 'on run argv', '-e', 'display notification (item 2 of argv) with title (item 1 of argv)', '-e', 'end run', title, message],
  };
}

function findOnPath(program: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? '').split(':')) {
    if (dir === '') continue;
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return null;
}
