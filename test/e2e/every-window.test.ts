/**
 * Every limit window Claude reports reaches every surface: a statusline input with the 5-hour and
 * weekly windows, and a stream-json run whose rate_limit_event names the weekly Opus window at
 * 85%. The statusline, `cw status` (text and JSON), `cw watch`, `cw blocks`, the dashboard's data
 * and /metrics each show all three, read back here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startDashboard } from '../support/dashboard-process.js';
import { createSandbox, CW, CW_STATUSLINE, fakeScript, installFakeClaude, runCw, runProcess, SHIM, type Sandbox } from '../support/sandbox.js';
import { readStateData } from '../support/state-file.js';
import { until } from '../support/until.js';

const HOUR_S = 3600;
let sandbox: Sandbox;
const children: ChildProcess[] = [];
beforeEach(() => {
  sandbox = createSandbox();
  installFakeClaude(sandbox);
});
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGTERM');
  sandbox.cleanup();
});

interface Data {
  id: string;
  status: string;
  limitWindows: Record<string, { utilization: number }>;
}

function liveStates(): Data[] {
  const dir = join(sandbox.cwHome, 'state', 'sessions');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .flatMap((name) => readStateData<Data>(join(dir, name)) ?? []);
}

const STATES = { timeoutMs: 20_000, seen: liveStates };

it('shows the 5-hour, weekly and weekly Opus windows on every surface', async () => {
  const now = Math.floor(Date.now() / 1000);
  const opusReset = now + 50 * HOUR_S;
  const event = { type: 'rate_limit_event', rate_limit_info: { status: 'allowed_warning', rateLimitType: 'seven_day_opus', utilization: 0.85, resetsAt: opusReset }, session_id: 'claude-print' };
  // An interactive-like session that Claude's statusline reports to, running while we look...
  const running = runProcess(SHIM, ['-p', 'hi'], {
    env: { ...sandbox.env, FAKE_CLAUDE_VERSION: '2.1.330', FAKE_CLAUDE_SCRIPT: fakeScript([{ sleep: 25_000 }, { out: 'done\n' }]) },
    timeoutMs: 60_000,
  });
  const ours = await until(() => liveStates().find((data) => data.status === 'ACTIVE'), 'the running session', STATES);
  // ... and a print run of the same account whose event names the weekly Opus window.
  const printRun = await runProcess(SHIM, ['-p', 'go', '--output-format', 'stream-json', '--verbose'], {
    env: {
      ...sandbox.env,
      FAKE_CLAUDE_VERSION: '2.1.330',
      FAKE_CLAUDE_SCRIPT: fakeScript([
        { out: '{"type":"system","subtype":"init","session_id":"claude-print","model":"claude-opus-4-5"}\n' },
        { out: `${JSON.stringify(event)}\n` },
        { out: '{"type":"result","subtype":"success","is_error":false,"num_turns":1,"total_cost_usd":0.1,"session_id":"claude-print"}\n' },
      ]),
    },
  });
  expect(printRun.code).toBe(0);
  // The account's windows reach the running session's state within its next look at the account.
  await until(() => liveStates().find((data) => data.id === ours.id && data.limitWindows.seven_day_opus), 'the Opus window in the running session', STATES);
  const input = { session_id: 'claude-live', model: { display_name: 'Opus 4.5' }, rate_limits: { five_hour: { used_percentage: 47, resets_at: now + 3 * HOUR_S }, seven_day: { used_percentage: 81, resets_at: now + 100 * HOUR_S } } };
  const statusline = await runProcess(process.execPath, [CW_STATUSLINE], { env: { ...sandbox.env, NO_COLOR: '1', CLAUDEWATCH_PARENT_SESSION: ours.id }, stdin: JSON.stringify(input) });
  expect(statusline.stdout.toString()).toMatch(/^Opus 4\.5 · 5h 47% \(.+\) · 7d 81% \(.+\) · 7d Opus 85% \((?:2d 1h|2d 2h)\)\n$/);
  await until(() => liveStates().find((data) => data.id === ours.id && data.limitWindows.five_hour && data.limitWindows.seven_day), 'the statusline’s windows', STATES);

  const json = JSON.parse((await runCw(sandbox, ['status', '--json'])).stdout.toString()) as { windows: Array<{ kind: string; utilization: number }> };
  expect(Object.fromEntries(json.windows.map((window) => [window.kind, window.utilization]))).toEqual({ five_hour: 0.47, seven_day: 0.81, seven_day_opus: 0.85 });
  const text = (await runCw(sandbox, ['status'])).stdout.toString();
  for (const line of [/5-hour\s+47%/, /weekly\s+81%/, /weekly Opus\s+85%/]) expect(text).toMatch(line);

  const watch = (await runCw(sandbox, ['watch', '--once'], { COLUMNS: '120', LINES: '60' })).stdout.toString();
  for (const line of [/5-hour\s+47%/, /weekly\s+81%/, /weekly Opus\s+85%/]) expect(watch).toMatch(line);
  const blocks = (await runCw(sandbox, ['blocks'])).stdout.toString();
  for (const line of [/5-hour\s+47%/, /weekly\s+81%/, /weekly Opus\s+85%/]) expect(blocks).toMatch(line);

  const dashboard = await startDashboard(sandbox);
  try {
    const live = (await (await fetch(`${dashboard.base}/api/live`, { headers: { Authorization: `Bearer ${dashboard.token}` } })).json()) as { windows: Array<{ kind: string; utilization: number }> };
    expect(Object.fromEntries(live.windows.map((window) => [window.kind, window.utilization]))).toEqual({ five_hour: 0.47, seven_day: 0.81, seven_day_opus: 0.85 });
  } finally {
    await dashboard.stop();
  }

  const server = spawn(process.execPath, [CW, 'serve', '--metrics', '--port', '0'], { env: sandbox.env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(server);
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    server.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    server.once('exit', (code) => reject(new Error(`cw serve exited ${code}: ${output}`)));
  });
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  for (const [window, share] of [['five_hour', '0\\.47'], ['seven_day', '0\\.81'], ['seven_day_opus', '0\\.85']] as const) {
    expect(metrics).toMatch(new RegExp(`claudewatch_limit_window_utilization_ratio\\{[^}]*window="${window}"[^}]*\\} ${share}\\n`));
  }
  expect((await running).code).toBe(0);
});
