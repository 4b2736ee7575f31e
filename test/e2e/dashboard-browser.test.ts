/**
 * The dashboard page in a real browser (Debian's Chromium, driven by playwright-core): refused
 * without the token, live while a wrapped session runs and idle after it, charts drawn, a session's
 * events on a click. Screenshots go to test-artifacts/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildLiveView } from '../../src/core/live-view.js';
import { startDashboard, type DashboardProcess } from '../support/dashboard-process.js';
import { at, NOW, sessionView, snapshot } from '../support/live-fixtures.js';
import { createSandbox, fakeScript, installFakeClaude, REPO_ROOT, runProcess, SHIM, type Sandbox } from '../support/sandbox.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');

let browser: Browser;
let sandbox: Sandbox;
let dashboard: DashboardProcess | null = null;

beforeAll(async () => {
  // A missing browser is a broken test machine, not a reason to pass quietly.
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: the dashboard's browser test needs Debian's Chromium. Run \`apt-get install chromium\`.`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  mkdirSync(ARTIFACTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(() => {
  sandbox = createSandbox();
  installFakeClaude(sandbox);
});
afterEach(async () => {
  await dashboard?.stop();
  dashboard = null;
  sandbox.cleanup();
});

describe('cw dashboard in a browser', () => {
  it('needs the token, goes live with a wrapped session and idle after it, draws charts, shows a session’s events', async () => {
    dashboard = await startDashboard(sandbox);
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    try {
      const page = await context.newPage();
      // Anything the page's policy blocks, or a script error, shows up here.
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' && !message.text().includes('401')) problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      const refused = await page.goto(`${dashboard.base}/`);
      expect(refused?.status()).toBe(401);
      expect(await page.textContent('body')).toContain('token');

      const opened = await page.goto(dashboard.url);
      expect(opened?.status()).toBe(200);
      await page.waitForSelector('#connection[data-state="live"]');
      // The token leaves the address bar once the page holds it in its cookie.
      expect(page.url()).toBe(`${dashboard.base}/`);
      expect(await page.getAttribute('#live-indicator', 'data-live')).toBe('false');
      expect(await page.textContent('#live-label')).toBe('No active session');

      const session = runProcess(SHIM, ['-p', 'go', '--output-format', 'stream-json', '--verbose'], {
        env: {
          ...sandbox.env,
          FAKE_CLAUDE_SCRIPT: fakeScript([
            { out: '{"type":"system","subtype":"init","session_id":"b1","model":"claude-sonnet-4-5"}\n' },
            { out: '{"type":"assistant","message":{"id":"m1","model":"claude-sonnet-4-5","usage":{"input_tokens":1200,"output_tokens":340}},"session_id":"b1"}\n' },
            { sleep: 5000 },
            { out: '{"type":"result","subtype":"success","is_error":false,"num_turns":1,"total_cost_usd":0.0123,"session_id":"b1","usage":{"input_tokens":1200,"output_tokens":340}}\n' },
          ]),
        },
        timeoutMs: 30_000,
      });

      await page.waitForSelector('#live-indicator[data-live="true"]', { timeout: 15_000 });
      expect(await page.textContent('#live-label')).toBe('LIVE SESSION ACTIVE');
      // The open block's time mark is placed to scale (through the CSSOM: the policy refuses style attributes).
      await page.waitForSelector('#block-time');
      const share = await page.$eval('#block-time', (mark) => {
        const bar = mark.parentElement!.getBoundingClientRect();
        return (mark.getBoundingClientRect().left - bar.left) / bar.width;
      });
      expect(share).toBeGreaterThan(0);
      expect(share).toBeLessThanOrEqual(1);
      expect(await page.$$eval('#spark svg rect', (bars) => bars.length)).toBe(24);
      await expect.poll(() => page.textContent('#live-sessions tbody'), { timeout: 10_000 }).toContain(sandbox.home);
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-live.png'), fullPage: true });

      expect((await session).code).toBe(0);
      await page.waitForSelector('#live-indicator[data-live="false"]', { timeout: 15_000 });
      expect(await page.textContent('#live-label')).toBe('No active session');
      expect(await page.textContent('#live-summary')).toContain('Last session');

      // Bars carry a <title>; the legend's swatches do not.
      for (const chart of ['#chart-daily-cost', '#chart-daily-tokens', '#chart-blocks']) {
        await expect.poll(() => page.locator(`${chart} svg rect > title`).count(), { timeout: 10_000 }).toBeGreaterThan(0);
      }
      expect(await page.textContent('#chart-daily-cost svg')).toContain('sonnet-4-5');

      await page.waitForSelector('#sessions tbody tr');
      await page.click('#sessions tbody tr');
      await page.waitForSelector('#session-detail:not([hidden])');
      await page.waitForSelector('#detail-events tbody tr');
      expect(await page.textContent('#detail-fields')).toContain('COMPLETED');
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
      expect(problems).toEqual([]);

      // Another browser, without the cookie: refused.
      const stranger = await browser.newContext();
      try {
        expect((await stranger.request.get(`${dashboard.base}/api/sessions`)).status()).toBe(401);
      } finally {
        await stranger.close();
      }
    } finally {
      await context.close();
    }
  }, 60_000);

  it('draws who waits, who continues after a limit and each of Claude’s windows, all as text', async () => {
    dashboard = await startDashboard(sandbox);
    const hostile = '/work/<img src=x onerror="document.title=1">';
    const view = buildLiveView(
      snapshot({
        sessions: [
          sessionView({
            id: 'bbbb0000-0000-4000-8000-000000000003',
            projectPath: hostile,
            waiting: { since: '2026-11-30T14:27:00.000Z', reason: 'permission', message: 'Claude needs your permission to use <b>Bash</b>' },
            activity: 'working',
          }),
          sessionView({ id: 'eeee0000-0000-4000-8000-000000000006', projectPath: '/work/soon', status: 'RATE_LIMITED', resumeAt: '2026-11-30T14:32:05.000Z' }),
        ],
        windows: [
          { kind: 'five_hour', utilization: 0.47, resetsAt: at('2026-11-30T17:00:00Z'), status: 'allowed', source: 'statusline', observedAt: NOW - 60_000 },
          { kind: 'seven_day', utilization: 0.81, resetsAt: at('2026-12-04T10:00:00Z'), status: 'allowed', source: 'statusline', observedAt: NOW - 60_000 },
          { kind: 'seven_day_opus', utilization: 0.85, resetsAt: at('2026-12-02T16:00:00Z'), status: 'allowed_warning', source: 'stream-json', observedAt: NOW - 60_000 },
        ],
      }),
      NOW,
    );
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'en-GB' });
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      // The live picture is this view instead of the server's (the rest of the page is served for real).
      // The first fetch answers late, with an older and empty picture: the newer one streamed meanwhile stays.
      let fetched = false;
      await page.route('**/api/live', async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ ...buildLiveView(snapshot(), NOW - 60_000), timeZone: 'UTC' }) });
        fetched = true;
      });
      await page.route('**/api/events', (route) =>
        route.fulfill({ status: 200, headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' }, body: `retry: 60000\nevent: live\ndata: ${JSON.stringify({ ...view, timeZone: 'UTC' })}\n\n` }),
      );
      await page.goto(dashboard.url);
      await page.waitForSelector('#live-indicator[data-live="true"]');
      await expect.poll(() => fetched, { timeout: 5000 }).toBe(true);
      await page.waitForTimeout(200);
      expect(await page.getAttribute('#live-indicator', 'data-live')).toBe('true');

      const waiting = await page.locator('#waiting li').allTextContents();
      expect(waiting).toHaveLength(1);
      expect(waiting[0]).toMatch(/^Waiting for you: \/work\/<img src=x onerror="document\.title=1"> · Claude needs your permission to use <b>Bash<\/b> · since 14:27 \(3m 0\ds\)$/);
      const resuming = page.locator('#resuming li');
      expect(await resuming.count()).toBe(1);
      expect(await resuming.getAttribute('data-resume')).toBe('eeee0000-0000-4000-8000-000000000006');
      expect(await resuming.textContent()).toMatch(/^Continues after its limit: \/work\/soon · at 14:32:05 · in 0:0[12]:\d\d$/);

      for (const [kind, label, share] of [['five_hour', '5-hour', '47%'], ['seven_day', 'weekly', '81%'], ['seven_day_opus', 'weekly Opus', '85%']] as const) {
        const text = await page.textContent(`[data-window="${kind}"]`);
        expect(text).toContain(label);
        expect(text).toContain(share);
      }
      // What came from outside is shown as text, never markup.
      expect(await page.locator('img, #waiting b:has-text("Bash")').count()).toBe(0);
      expect(await page.title()).not.toBe('1');
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-attention.png'), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
