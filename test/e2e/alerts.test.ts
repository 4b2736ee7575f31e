/**
 * Alerts end to end: wrapped runs through the shim raise them once per condition, in order; they
 * reach a webhook receiver on 127.0.0.1 and, on a terminal, one line after Claude exits.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createSandbox, fakeScript, installFakeClaude, runCw, runProcess, SHIM, type Sandbox } from '../support/sandbox.js';
import { startTmux, type TmuxWindow } from '../support/tmux.js';
import { until } from '../support/until.js';

let sandbox: Sandbox;
let server: Server;
let received: Array<{ rule: string; severity: string; message: string }>;
let url: string;
let tmux: TmuxWindow | null = null;

beforeEach(async () => {
  sandbox = createSandbox();
  installFakeClaude(sandbox);
  received = [];
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push((JSON.parse(body) as { alert: (typeof received)[number] }).alert);
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`;
  mkdirSync(sandbox.cwHome, { recursive: true });
  writeFileSync(join(sandbox.cwHome, 'config.json'), JSON.stringify({ alerts: { dailyCostUsd: 0.1, minIntervalMinutes: 0, desktop: false, webhooks: [url] } }));
});
afterEach(async () => {
  tmux?.kill();
  tmux = null;
  await new Promise((resolve) => server.close(resolve));
  sandbox.cleanup();
});

const paidRun = (cost: number) =>
  fakeScript([{ out: `{"type":"result","subtype":"success","is_error":false,"num_turns":1,"total_cost_usd":${cost},"session_id":"s-${cost}","usage":{"input_tokens":10,"output_tokens":5}}\n` }]);
const failedRun = fakeScript([{ out: '{"type":"result","subtype":"error_during_execution","is_error":true,"num_turns":0,"session_id":"s-failed"}\n' }, { exit: 1 }]);

const waitForAlerts = (count: number, what: string) => until(() => received.length === count, what, { seen: () => received });

it('raises each condition once, in order, and delivers it to a webhook on 127.0.0.1', async () => {
  const first = await runProcess(SHIM, ['-p', 'go', '--output-format', 'json'], { env: { ...sandbox.env, FAKE_CLAUDE_SCRIPT: paidRun(0.25) } });
  expect(first.code).toBe(0);
  // A pipe gets no notice: alerts are for people.
  expect(first.stderr.toString()).toBe('');
  // The shim left delivery to a detached check, which posts the day's cost alert.
  await waitForAlerts(1, 'the daily cost alert');
  expect(received[0]).toMatchObject({ rule: 'daily-cost', severity: 'warning', message: "today's cost $0.25 passed $0.10 (alerts.dailyCostUsd)" });

  // More cost the same day is the same condition; a failed session is a new one.
  expect((await runProcess(SHIM, ['-p', 'go', '--output-format', 'json'], { env: { ...sandbox.env, FAKE_CLAUDE_SCRIPT: paidRun(0.5) } })).code).toBe(0);
  expect((await runProcess(SHIM, ['-p', 'go', '--output-format', 'json'], { env: { ...sandbox.env, FAKE_CLAUDE_SCRIPT: failedRun } })).code).toBe(1);
  const check = await runCw(sandbox, ['alerts', 'check', '--json']);
  expect(check.code, check.stderr.toString()).toBe(0);
  await waitForAlerts(2, 'the failed session alert');
  expect(received.map((alert) => alert.rule)).toEqual(['daily-cost', 'session-error']);

  expect(JSON.parse((await runCw(sandbox, ['alerts', 'check', '--json'])).stdout.toString()).raised).toEqual([]);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(received).toHaveLength(2);

  const open = JSON.parse((await runCw(sandbox, ['alerts', 'list', '--json'])).stdout.toString()).alerts;
  expect(open.map((alert: { rule: string }) => alert.rule)).toEqual(['session-error', 'daily-cost']);
  expect((await runCw(sandbox, ['alerts', 'ack', String(open[0].id)])).code).toBe(0);
  expect((await runCw(sandbox, ['alerts', 'clear'])).stdout.toString()).toBe('1 alert(s) acknowledged.\n');
  expect(JSON.parse((await runCw(sandbox, ['alerts', 'list', '--json'])).stdout.toString()).alerts).toEqual([]);
});

it('shows one line after Claude exits on a terminal, after Claude’s own output', async () => {
  writeFileSync(join(sandbox.cwHome, 'config.json'), JSON.stringify({ alerts: { dailyCostUsd: 0.1, desktop: false } }));
  tmux = startTmux([SHIM, '-p', 'go', '--output-format', 'json'], { ...sandbox.env, FAKE_CLAUDE_SCRIPT: paidRun(0.3) }, { width: 160, height: 10 });
  const screen = await tmux.waitForScreen((lines) => lines.some((line) => line.startsWith('exited ')), 'the run to end');
  const text = screen.join('\n');
  expect(text).toContain('"total_cost_usd":0.3'); // Claude's output first, untouched
  expect(text).toContain("claudewatch: alert: today's cost $0.30 passed $0.10 (alerts.dailyCostUsd)");
  expect(text).toContain('exited 0');
  expect(text.indexOf('total_cost_usd')).toBeLessThan(text.indexOf('claudewatch: alert'));
});
