/** Desktop notifications: notify-send on a Linux desktop, osascript on macOS, each a fake on PATH that records its arguments. */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { deliverAlerts, hasDesktop } from '../../src/runner/alert-delivery.js';
import type { StoredAlert } from '../../src/store/alerts.js';
import { until } from '../support/until.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cw-notify-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const alert: StoredAlert = {
  id: 1,
  rule: 'daily-cost',
  condition: 'daily-cost',
  key: 'dailyCost:2026-12-07',
  severity: 'critical',
  // Without facts an alert shows its stored words, here ones AppleScript would take for its own.
  data: null,
  message: 'Spent $12.00 today "quoted" & end tell',
  createdAt: 0,
  notifiedAt: null,
  deliveredAt: null,
  ackedAt: null,
  clearedAt: null,
};
const delivery = { minIntervalMs: 0, bell: false, desktop: true, webhooks: [] };

/** A program on PATH that writes its arguments, one per line, to `<name>.args`. */
function fakeProgram(name: string): string {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\nfor arg in "$@"; do printf '%s\\n' "$arg"; done > "${join(dir, `${name}.args`)}.part" && mv "${join(dir, `${name}.args`)}.part" "${join(dir, `${name}.args`)}"\n`);
  chmodSync(file, 0o755);
  return file;
}

async function argsOf(name: string): Promise<string[]> {
  const file = join(dir, `${name}.args`);
  await until(() => existsSync(file), `${name} to be run`, { timeoutMs: 10_000 });
  return readFileSync(file, 'utf8').split('\n').slice(0, -1);
}

it('notifies through osascript on macOS, the message an argument and never script source', async () => {
  fakeProgram('osascript');
  expect(await deliverAlerts([alert], delivery, { PATH: `${dir}:/usr/bin:/bin` }, {}, 'darwin')).toEqual([]);
  const args = await argsOf('osascript');
  expect(args.slice(-2)).toEqual(['ClaudeWatch', alert.message]);
  expect(args.slice(0, -2).join(' ')).not.toContain('Spent');
});

it('prefers notify-send on a Linux desktop, and sends nothing without one', async () => {
  fakeProgram('notify-send');
  fakeProgram('osascript');
  await deliverAlerts([alert], delivery, { PATH: `${dir}:/usr/bin:/bin` }, {}, 'linux');
  await deliverAlerts([alert], delivery, { PATH: `${dir}:/usr/bin:/bin`, DISPLAY: ':0' }, {}, 'linux');
  expect(await argsOf('notify-send')).toEqual(['--app-name=ClaudeWatch', '--urgency=critical', 'ClaudeWatch', alert.message]);
  expect(existsSync(join(dir, 'osascript.args'))).toBe(false);
  expect(hasDesktop({}, 'darwin')).toBe(true);
  expect(hasDesktop({}, 'linux')).toBe(false);
});
