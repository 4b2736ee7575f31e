import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { noticeWaiting, waitingNoticeOf } from '../../src/runner/waiting-notice.js';
import type { StateDocument } from '../../src/store/state-files.js';
import type { Logger } from '../../src/shared/log.js';
import { sessionView } from '../support/live-fixtures.js';
import { until } from '../support/until.js';

const dir = mkdtempSync(join(tmpdir(), 'cw-notice-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const logger = { debug: () => true, info: () => true, warn: () => true, error: () => true, errorCount: 0, file: null } as unknown as Logger;

function waitingDocument(message: string): StateDocument {
  const data = sessionView({ projectPath: '/work/app', waiting: { since: '2026-12-07T09:00:00.000Z', reason: 'permission', message } });
  return { schemaVersion: 1, status: data.status, data, updatedAt: data.startedAt };
}

function fakeConsole() {
  const notices: number[][] = [];
  return { notices, console: { type: () => {}, lastKeyAt: () => 0, notice: (bytes: Uint8Array) => notices.push([...bytes]) } };
}

describe('notify.waiting', () => {
  it('reads off, desktop or bell; anything else is off', () => {
    expect(waitingNoticeOf({})).toBe('off');
    expect(waitingNoticeOf({ notify: { waiting: 'bell' } })).toBe('bell');
    expect(waitingNoticeOf({ notify: { waiting: 'desktop' } })).toBe('desktop');
    expect(waitingNoticeOf({ notify: { waiting: 'loud' } })).toBe('off');
    expect(waitingNoticeOf({ notify: 'bell' })).toBe('off');
  });

  it('the bell goes to Claude’s terminal as one BEL, only for a session that waits', () => {
    const target = fakeConsole();
    noticeWaiting('bell', waitingDocument('Claude needs your permission to use Bash'), { env: {}, logger, console: target.console });
    expect(target.notices).toEqual([[0x07]]);
    const notWaiting = waitingDocument('x');
    notWaiting.data.waiting = null;
    noticeWaiting('bell', notWaiting, { env: {}, logger, console: target.console });
    noticeWaiting('off', waitingDocument('x'), { env: {}, logger, console: target.console });
    expect(target.notices).toEqual([[0x07]]);
    // No terminal of Claude's (a print run): nothing, and nothing thrown.
    expect(() => noticeWaiting('bell', waitingDocument('x'), { env: {}, logger, console: null })).not.toThrow();
  });

  it('the desktop notification names the project, with escapes from outside shown as text', async () => {
    const shown = join(dir, 'shown.txt');
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'notify-send'), `#!/bin/sh\nprintf '%s\\n' "$@" >> '${shown}'\n`, { mode: 0o755 });
    const env = { PATH: `${bin}:/usr/bin:/bin`, DISPLAY: ':0' };
    noticeWaiting('desktop', waitingDocument('Claude needs your permission to use \x1b]0;pwned\x07Bash'), { env, logger, console: null });
    const text = await until(() => (existsSync(shown) ? readFileSync(shown, 'utf8') : null), 'the notification');
    expect(text.split('\n').slice(0, 3)).toEqual(['--app-name=ClaudeWatch', '--urgency=normal', 'Claude is waiting for you']);
    expect(text).not.toContain('\x1b');
    expect(text).not.toContain('\x07');
    // Without a desktop, nothing is started.
    rmSync(shown);
    noticeWaiting('desktop', waitingDocument('x'), { env: { PATH: env.PATH }, logger, console: null });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(existsSync(shown)).toBe(false);
  });
});
