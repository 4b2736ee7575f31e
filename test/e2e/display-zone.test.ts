/** One display zone: `cw sessions` and `cw events` show instants in the zone asked for, not in UTC. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createSandbox, runCw, type Sandbox } from '../support/sandbox.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = createSandbox();
  const folder = join(sandbox.home, '.claude', 'projects', '-work-app');
  mkdirSync(folder, { recursive: true });
  const answer = { type: 'assistant', sessionId: 'claude-zoned', cwd: '/work/app', requestId: 'r-1', timestamp: '2026-11-19T10:00:00.000Z', message: { id: 'm-1', model: 'claude-sonnet-4-5', usage: { input_tokens: 10, output_tokens: 5 } } };
  // A 5-hour limit resetting at 15:00 UTC, in the legacy bar form: midnight in Tokyo.
  const limit = {
    type: 'assistant',
    sessionId: 'claude-zoned',
    timestamp: '2026-11-19T10:30:00.000Z',
    message: { id: 'limit-1', model: '<synthetic>', role: 'assistant', content: [{ type: 'text', text: `Claude AI usage limit reached|${Date.UTC(2026, 10, 19, 15) / 1000}` }], usage: { input_tokens: 0, output_tokens: 0 } },
    isApiErrorMessage: true,
  };
  writeFileSync(join(folder, 'claude-zoned.jsonl'), `${JSON.stringify(answer)}\n${JSON.stringify(limit)}\n`);
});
afterEach(() => sandbox.cleanup());

it('shows sessions and events in --timezone, else TZ, and keeps ISO instants in --json', async () => {
  expect((await runCw(sandbox, ['import', '--quiet'])).code).toBe(0);

  const sessions = (await runCw(sandbox, ['sessions', '--timezone', 'Asia/Tokyo'])).stdout.toString();
  expect(sessions).toContain('STARTED (Asia/Tokyo)');
  expect(sessions).toContain('2026-11-19 19:00:00');

  const events = (await runCw(sandbox, ['events', '--session', 'claude-zoned', '--timezone', 'Asia/Tokyo'])).stdout.toString();
  expect(events).toContain('TIME (Asia/Tokyo)');
  expect(events).toMatch(/2026-11-19 19:30:00\.000 +limit +subscription limit, resets 2026-11-20 00:00:00/);

  const byTz = (await runCw(sandbox, ['events', '--session', 'claude-zoned'], { TZ: 'America/New_York' })).stdout.toString();
  expect(byTz).toContain('TIME (America/New_York)');
  expect(byTz).toContain('resets 2026-11-19 10:00:00');

  const json = JSON.parse((await runCw(sandbox, ['events', '--session', 'claude-zoned', '--json', '--timezone', 'Asia/Tokyo'])).stdout.toString());
  expect(json.events.map((event: { at: string }) => event.at)).toContain('2026-11-19T10:30:00.000Z');
  expect(json.events.find((event: { type: string }) => event.type === 'limit').detail).toContain('resets 2026-11-19T15:00:00.000Z');
});
