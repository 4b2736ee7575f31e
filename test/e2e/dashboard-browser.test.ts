/**
 * The dashboard page in a real browser (Debian's Chromium, driven by playwright-core): refused
 * without the token, live while a wrapped session runs and idle after it, charts drawn, a session's
 * events on a click. Screenshots go to test-artifacts/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDashboard, type DashboardProcess } from '../support/dashboard-process.js';
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
});
