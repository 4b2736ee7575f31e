/**
 * The built `cw dashboard`: the URL comes first on stdout, every request needs the token, and it
 * listens on 127.0.0.1 and nowhere else.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDashboard, type DashboardProcess } from '../support/dashboard-process.js';
import { createSandbox, runCw, type Sandbox } from '../support/sandbox.js';
import { until } from '../support/until.js';

let sandbox: Sandbox;
let dashboard: DashboardProcess | null = null;
beforeEach(() => {
  sandbox = createSandbox();
});
afterEach(async () => {
  await dashboard?.stop();
  dashboard = null;
  sandbox.cleanup();
});

/** Listening TCP sockets on a port, as the kernel lists them: `ADDR:PORT` in hex. */
function listeners(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return [];
    }
    return text
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A')
      .map((fields) => fields[1]!);
  });
}

function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('cw dashboard', () => {
  it('prints its URL first, answers 401 without the right token and 200 with it', async () => {
    dashboard = await startDashboard(sandbox);
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    const { base, token } = dashboard;

    for (const path of ['/', '/api/health', '/api/sessions', '/api/events', '/charts/blocks.svg', '/app.js', '/nowhere']) {
      expect((await fetch(`${base}${path}`)).status, path).toBe(401);
      expect((await fetch(`${base}${path}?token=wrong`)).status, path).toBe(401);
      expect((await fetch(`${base}${path}?token=${token}x`)).status, path).toBe(401);
      expect((await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token.slice(1)}` } })).status, path).toBe(401);
    }
    expect(await (await fetch(`${base}/api/health`)).json()).toEqual({ error: expect.stringContaining('token') });

    const health = await fetch(`${base}/api/health?token=${token}`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', version: expect.any(String) });
    const bearer = await fetch(`${base}/api/sessions`, { headers: { Authorization: `Bearer ${token}` } });
    expect(bearer.status).toBe(200);
    expect(await bearer.json()).toEqual([]);

    // The page's one script, as the build bundled it: no module syntax left, nothing read into HTML.
    const script = await fetch(`${base}/app.js?token=${token}`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const source = await script.text();
    expect(source).toContain('LIVE SESSION ACTIVE');
    expect(source).not.toMatch(/^\s*(import|export)\b/m);
    expect(source).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);

    const page = await fetch(dashboard.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const cookie = page.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    // The cookie the page keeps is enough for the page's own requests.
    const withCookie = await fetch(`${base}/api/stats`, { headers: { Cookie: cookie.split(';')[0]! } });
    expect(withCookie.status).toBe(200);
    expect(await withCookie.json()).toMatchObject({ timeZone: 'UTC', days: expect.any(Array) });
    expect((await fetch(`${base}/api/sessions/nope?token=${token}`)).status).toBe(404);
    expect((await fetch(`${base}/api/sessions?limit=0&token=${token}`)).status).toBe(400);
    // A page of another origin that resolves to us (DNS rebinding) is refused even with the token.
    expect((await rawGet(`${base}/api/health?token=${token}`, { Host: `evil.example:${dashboard.port}` })).status).toBe(421);
  });

  it('serves /metrics without the token only when asked to, everything else still behind it', async () => {
    dashboard = await startDashboard(sandbox);
    expect((await fetch(`${dashboard.base}/metrics`)).status).toBe(401);
    await dashboard.stop();
    dashboard = await startDashboard(sandbox, ['--metrics']);
    const metrics = await fetch(`${dashboard.base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('# TYPE claudewatch_block_tokens gauge');
    expect((await fetch(`${dashboard.base}/api/sessions`)).status).toBe(401);
  });

  it('listens on 127.0.0.1 only', async () => {
    dashboard = await startDashboard(sandbox);
    // 0100007F is 127.0.0.1 as /proc/net/tcp writes it (little-endian).
    expect(listeners(dashboard.port)).toEqual([`0100007F:${dashboard.port.toString(16).toUpperCase().padStart(4, '0')}`]);
    await expect(fetch(`http://[::1]:${dashboard.port}/api/health?token=${dashboard.token}`)).rejects.toThrow();
  });

  it('streams the live picture as Server-Sent Events', async () => {
    dashboard = await startDashboard(sandbox);
    const controller = new AbortController();
    const response = await fetch(`${dashboard.base}/api/events`, { headers: { Authorization: `Bearer ${dashboard.token}` }, signal: controller.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('\n\nevent: live\ndata: ') || !text.endsWith('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const data = JSON.parse(text.split('data: ')[1]!.trim()) as { live: boolean; sessions: unknown[] };
    expect(data).toMatchObject({ live: false, sessions: [] });
  });

  it('refuses another interface unless asked, and a bad port', async () => {
    const refused = await runCw(sandbox, ['dashboard', '--host', '0.0.0.0']);
    expect(refused.code).toBe(2);
    expect(refused.stderr.toString()).toContain('--allow-remote');
    const badPort = await runCw(sandbox, ['dashboard', '--port', '70000']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr.toString()).toContain('--port');
  });

  it('warns when serving on another interface with --allow-remote', async () => {
    dashboard = await startDashboard(sandbox, ['--host', '0.0.0.0', '--allow-remote']);
    expect(dashboard.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+\//);
    await until(() => /^warning: serving on 0\.0\.0\.0/m.test(dashboard!.stderr()), 'the warning', { seen: () => dashboard!.stderr() });
    expect((await fetch(`http://127.0.0.1:${dashboard.port}/api/health`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${dashboard.port}/api/health?token=${dashboard.token}`)).status).toBe(200);
  });
});
