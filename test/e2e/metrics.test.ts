/**
 * cw serve --metrics scraped by a real Prometheus server (Debian's prometheus package) while
 * wrapped sessions run: a query through Prometheus' HTTP API returns the cost and session counts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createSandbox, CW, fakeScript, installFakeClaude, runProcess, SHIM, type Sandbox } from '../support/sandbox.js';
import { until } from '../support/until.js';

const PROMETHEUS = '/usr/bin/prometheus';
let sandbox: Sandbox;
const children: ChildProcess[] = [];

beforeEach(() => {
  sandbox = createSandbox();
  installFakeClaude(sandbox);
});
afterEach(async () => {
  for (const child of children.splice(0)) {
    child.kill('SIGTERM');
    if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
  }
  sandbox.cleanup();
});

const paidRun = (cost: number, id: string) =>
  fakeScript([{ out: `{"type":"result","subtype":"success","is_error":false,"num_turns":2,"total_cost_usd":${cost},"session_id":"${id}","usage":{"input_tokens":100,"output_tokens":40}}\n` }]);

async function wrappedRun(cost: number, id: string): Promise<void> {
  const run = await runProcess(SHIM, ['-p', 'go', '--output-format', 'json', '--model', 'claude-sonnet-4-5'], { env: { ...sandbox.env, FAKE_CLAUDE_SCRIPT: paidRun(cost, id) } });
  expect(run.code).toBe(0);
}

/** Starts a process and resolves with the first stdout line that matches. */
function startAndRead(command: string, args: string[], pattern: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(command, args, { env: sandbox.env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) resolve({ child, match });
    });
    child.once('exit', (code) => reject(new Error(`${command} exited ${code} before printing ${pattern}: ${output}`)));
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function query(prometheusPort: number, promql: string): Promise<number | null> {
  const response = await fetch(`http://127.0.0.1:${prometheusPort}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await response.json()) as { data?: { result?: Array<{ value: [number, string] }> } };
  const first = body.data?.result?.[0];
  return first ? Number(first.value[1]) : null;
}

/** Prometheus' answer to `promql` once `ok` takes it; until then the query is asked again. */
async function queryUntil(prometheusPort: number, promql: string, ok: (value: number | null) => boolean, what: string): Promise<number | null> {
  let last: number | null = null;
  await until(
    async () => {
      last = await query(prometheusPort, promql);
      return ok(last);
    },
    what,
    { timeoutMs: 30_000, intervalMs: 250, seen: () => last },
  );
  return last;
}

it('serves metrics that a real Prometheus scrapes and answers queries on', async () => {
  expect(existsSync(PROMETHEUS), 'Prometheus is missing: apt-get install prometheus').toBe(true);
  await wrappedRun(0.25, 'first');
  await wrappedRun(0.5, 'second');

  const { match } = await startAndRead(process.execPath, [CW, 'serve', '--metrics', '--port', '0'], /Serving metrics on http:\/\/127\.0\.0\.1:(\d+)\/metrics\n/);
  const metricsPort = Number(match[1]);
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  expect(text).toContain('# TYPE claudewatch_cost_usd_total counter');
  expect(text).toMatch(/claudewatch_sessions\{host="[^"]+",user="[^"]+",status="completed"\} 2\n/);
  expect(text).not.toMatch(/first|second/); // no session ids in labels

  const prometheusPort = await freePort();
  const dir = join(sandbox.root, 'prometheus');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: claudewatch\n    static_configs:\n      - targets: ['127.0.0.1:${metricsPort}']\n`,
  );
  const prometheus = spawn(
    PROMETHEUS,
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${prometheusPort}`],
    { stdio: 'ignore' },
  );
  children.push(prometheus);

  expect(await queryUntil(prometheusPort, 'sum(claudewatch_cost_usd_total)', (value) => value !== null && Math.abs(value - 0.75) < 1e-9, 'the cost of two runs')).toBeCloseTo(0.75, 9);
  expect(await query(prometheusPort, 'sum(claudewatch_sessions{status="completed"})')).toBe(2);

  // A third run while Prometheus watches: the next scrapes see it.
  await wrappedRun(1, 'third');
  await queryUntil(prometheusPort, 'sum(claudewatch_sessions{status="completed"})', (value) => value === 3, 'the third session');
  expect(await query(prometheusPort, 'sum(claudewatch_cost_usd_total)')).toBeCloseTo(1.75, 9);
  // A turn is a prompt Claude answered: one per run, whatever round trips Claude counted (2 each).
  expect(await query(prometheusPort, 'sum(claudewatch_turns_total)')).toBe(3);
  expect(await query(prometheusPort, 'sum(claudewatch_tokens_total{type="input"})')).toBe(300);
});

/** A GET with exactly this Host header, as a page of another site whose name was rebound to 127.0.0.1 would send it. */
function getWithHost(port: number, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpGet({ host: '127.0.0.1', port, path: '/metrics', headers: { host } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.once('error', reject);
  });
}

it('answers only to its own names, like the dashboard: a foreign Host header gets 421 and no metrics', async () => {
  await wrappedRun(0.25, 'host-check');
  const { match } = await startAndRead(process.execPath, [CW, 'serve', '--metrics', '--port', '0'], /Serving metrics on http:\/\/127\.0\.0\.1:(\d+)\/metrics\n/);
  const port = Number(match[1]);
  for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1.evil.example:${port}`, `127.0.0.1:${port + 1}`]) {
    const answer = await getWithHost(port, host);
    expect(answer.status, host).toBe(421);
    expect(answer.body).not.toContain('claudewatch_');
  }
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
    const answer = await getWithHost(port, host);
    expect(answer.status, host).toBe(200);
    expect(answer.body).toContain('claudewatch_');
  }
});

it('refuses other interfaces unless told, and says what to serve', async () => {
  const remote = await runProcess(process.execPath, [CW, 'serve', '--metrics', '--host', '0.0.0.0'], { env: sandbox.env });
  expect(remote.code).toBe(2);
  expect(remote.stderr.toString()).toContain('reachable from other machines');
  const nothing = await runProcess(process.execPath, [CW, 'serve'], { env: sandbox.env });
  expect(nothing.code).toBe(2);
  expect(nothing.stderr.toString()).toContain('--metrics');
});
