/** The dashboard's HTTP server on a free port of 127.0.0.1, over data the test gives it. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Calendar } from '../../src/core/calendar.js';
import { summarizeDailyUsage } from '../../src/core/daily-usage.js';
import { buildLiveView } from '../../src/core/live-view.js';
import { summarizeRecentBlocks } from '../../src/core/recent-blocks.js';
import type { DashboardData } from '../../src/ui/dashboard/data-source.js';
import { createLiveEvents, type LiveEvents } from '../../src/ui/dashboard/live-events.js';
import { readPageScript } from '../../src/ui/dashboard/page-script.js';
import { dashboardRoutes } from '../../src/ui/dashboard/routes.js';
import { startDashboardServer, type DashboardServer } from '../../src/ui/dashboard/server.js';
import { NOW, sessionView, snapshot, usage } from '../support/live-fixtures.js';

const TOKEN = 'test-token-0123456789';
const calendar = new Calendar('UTC');
const records = [usage('2026-11-29T10:00:00Z', 5000, 0.5), usage('2026-11-30T14:10:00Z', 2000, 0.25)];
const session = sessionView({ projectPath: '/work/<script>alert(1)</script>' });
/** What the build bundles from browser/; the end-to-end tests serve the real one. */
const SCRIPT = "'use strict';\n(() => {})();\n";

const data: DashboardData = {
  timeZone: 'UTC',
  health: (now) => ({ status: 'ok', version: '0.0.0', time: new Date(now).toISOString(), historyImportedAt: null }),
  currentSession: () => ({ status: 'ACTIVE', data: session, updatedAt: session.updatedAt }),
  live: (now) => ({ ...buildLiveView(snapshot({ sessions: [session], records }), now), timeZone: 'UTC' }),
  sessions: (limit) => [{ ...session, source: 'wrapped' as const }].slice(0, limit),
  session: (id) => (session.id.startsWith(id) ? { session: { ...session, source: 'wrapped' }, runs: [session.id], events: [{ at: NOW, type: 'start', detail: 'print in /work' }] } : null),
  stats: (days, now) => summarizeDailyUsage(records, calendar, now, days),
  blocks: (days, now) => summarizeRecentBlocks(records, [], now, { from: now - days * 86_400_000 }),
};

let server: DashboardServer;
let events: LiveEvents;
beforeEach(async () => {
  events = createLiveEvents({ load: () => data.live(NOW), heartbeatMs: 50 });
  server = await startDashboardServer({ host: '127.0.0.1', port: 0, token: TOKEN, routes: dashboardRoutes(data, events, { script: SCRIPT }), checkHost: true, now: () => NOW });
});
afterEach(async () => {
  events.close();
  await server.close();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`http://127.0.0.1:${server.port}${path}`, { headers: { Authorization: `Bearer ${TOKEN}`, ...headers } });

describe('the dashboard server', () => {
  it('prints a URL with the token and answers 401 to anything without it', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${TOKEN}`);
    const denied = await fetch(`http://127.0.0.1:${server.port}/api/sessions`);
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toContain('Bearer');
    expect((await fetch(`http://127.0.0.1:${server.port}/api/sessions?token=${TOKEN.slice(0, -1)}`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${server.port}/nowhere`)).status).toBe(401);
  });

  it('sets the cookie on the page opened with ?token=, and takes the cookie after', async () => {
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    const cookie = page.headers.get('set-cookie')!;
    expect(cookie).toBe(`cw_dashboard_${server.port}=${TOKEN}; Path=/; HttpOnly; SameSite=Strict`);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const withCookie = await fetch(`http://127.0.0.1:${server.port}/api/health`, { headers: { Cookie: cookie.split(';')[0]! } });
    expect(withCookie.status).toBe(200);
    // Only the page sets it: an API call with ?token= does not.
    expect((await fetch(`http://127.0.0.1:${server.port}/api/health?token=${TOKEN}`)).headers.get('set-cookie')).toBeNull();
  });

  it('serves the API as JSON', async () => {
    expect(await (await get('/api/health')).json()).toEqual({ status: 'ok', version: '0.0.0', time: new Date(NOW).toISOString(), historyImportedAt: null });
    expect(await (await get('/api/current-session')).json()).toMatchObject({ status: 'ACTIVE', data: { id: session.id } });
    expect(await (await get('/api/sessions?limit=1')).json()).toHaveLength(1);
    expect((await get('/api/sessions?limit=abc')).status).toBe(400);
    expect(await (await get(`/api/sessions/${session.id.slice(0, 8)}`)).json()).toMatchObject({ session: { id: session.id }, events: [{ type: 'start' }] });
    expect((await get('/api/sessions/zzz')).status).toBe(404);
    const live = (await (await get('/api/live')).json()) as { live: boolean; block: unknown };
    expect(live.live).toBe(true);
    expect(live.block).not.toBeNull();
    const stats = (await (await get('/api/stats')).json()) as { days: Array<{ day: string; costUsd: number }>; totals: { costUsd: number } };
    expect(stats.days).toHaveLength(30);
    expect(stats.days.at(-1)).toMatchObject({ day: '2026-11-30', costUsd: 0.25 });
    expect(stats.totals.costUsd).toBeCloseTo(0.75);
    const blocks = (await (await get('/api/blocks')).json()) as { timeline: unknown[]; active: { projection: { remainingMs: number } } };
    expect(blocks.timeline.length).toBeGreaterThan(0);
    expect(blocks.active.projection.remainingMs).toBe(30 * 60_000 + 4 * 3_600_000);
    expect((await get('/api/nothing')).status).toBe(404);
    const post = await fetch(`http://127.0.0.1:${server.port}/api/health`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('draws the charts as SVG: a bar per day of use, one per block', async () => {
    const chart = await get('/charts/daily-cost.svg');
    expect(chart.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    const svg = await chart.text();
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<rect [^>]*><title>/g)).toHaveLength(2);
    expect(await (await get('/charts/blocks.svg')).text()).toContain('<title>11-30 14:00 · input: 2k</title>');
  });

  it('serves the script it is given and the style, and session data only as JSON', async () => {
    const script = await get('/app.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe(SCRIPT);
    expect((await get('/app.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    // What a session holds reaches the page as JSON, which the script puts in as text.
    expect(await (await get('/api/sessions')).text()).toContain('/work/<script>alert(1)</script>');
  });

  it('refuses a Host that is not its own (a page rebinding a name to 127.0.0.1)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: `/api/health?token=${TOKEN}`, headers: { Host: `attacker.example:${server.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
    expect((await fetch(`http://localhost:${server.port}/api/health?token=${TOKEN}`).catch(() => null))?.status ?? 200).toBe(200);
  });

  it('streams the live picture, then each change, with heartbeats between', async () => {
    const controller = new AbortController();
    const response = await get('/api/events');
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (done: (text: string) => boolean): Promise<void> => {
      while (!done(text)) text += decoder.decode((await reader.read()).value, { stream: true });
    };
    await readUntil((t) => t.includes('event: live\ndata: ') && t.endsWith('\n\n'));
    expect(text.startsWith('retry: 2000\n\n')).toBe(true);
    expect(events.clientCount()).toBe(1);
    await readUntil((t) => t.includes(': heartbeat\n\n'));
    events.notify();
    await readUntil((t) => t.split('event: live').length === 3);
    const last = text.split('data: ').at(-1)!;
    expect(JSON.parse(last.slice(0, last.indexOf('\n\n')))).toMatchObject({ live: true, sessions: [{ session: { id: session.id } }] });
    await reader.cancel();
    controller.abort();
  });

  it('says how to make the page’s script when the build has not', () => {
    expect(() => readPageScript('/nonexistent/app.js')).toThrow(/page's script is missing \(.*ENOENT.*\); `npm run build` makes it/);
  });
});
