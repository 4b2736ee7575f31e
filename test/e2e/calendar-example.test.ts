/** examples/callbacks/calendar-block.sh: a session's state JSON in, one calendar line out. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallbackDispatcher } from '../../src/runner/callbacks.js';
import { silentLogger } from '../../src/shared/log.js';
import { REPO_ROOT, runProcess } from '../support/sandbox.js';

const SCRIPT = join(REPO_ROOT, 'examples', 'callbacks', 'calendar-block.sh');

let dir: string;
let calendar: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cw-calendar-'));
  calendar = join(dir, 'calendar.txt');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A state document as the runner writes it; the peer's fields come later and must not be read. */
function stateDocument(status: string, data: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    status,
    data: {
      id: 'cw-20261122-0900-ab12',
      claudeSessionId: '5d1f6c3e-8a8e-4c55-9d44-0f3b8b6a2f10',
      status,
      mode: 'interactive',
      sessionType: null,
      projectPath: null,
      cwd: '/home/a/proj',
      argv: ['--model', 'opus', '-p', 'say "startedAt":"1999-01-01T00:00:00.000Z"'],
      pid: 4242,
      host: 'laptop',
      claudeVersion: '2.1.330',
      transcriptPath: '/home/a/.claude/projects/-home-a-proj/5d1f6c3e.jsonl',
      identifyMethod: 'hooks',
      model: 'claude-opus-4-5',
      models: ['claude-opus-4-5'],
      startedAt: '2026-11-22T09:00:00.000Z',
      endedAt: status === 'ACTIVE' ? null : '2026-11-22T09:42:10.000Z',
      durationMs: 2_530_000,
      durationApiMs: 1_200_000,
      exitCode: 0,
      signal: null,
      costUsd: 0.4213,
      costSource: 'claude',
      reportedCostUsd: 0.4213,
      computedCostUsd: 0.4101,
      unpricedModels: [],
      numTurns: 12,
      inputTokens: 1200,
      outputTokens: 5400,
      cacheCreationTokens: 20_000,
      cacheReadTokens: 150_000,
      rateLimit: null,
      rateLimitEvents: 0,
      accountLimits: [],
      isolation: 'unified',
      accountPeers: [{ id: 'cw-other', status: 'ACTIVE', project: '/home/a/other', costUsd: 9.99, startedAt: '2026-11-22T07:00:00.000Z' }],
      limitWindows: { five_hour: { utilization: 0.31, resetsAt: '2026-11-22T12:00:00.000Z' } },
      apiRetries: 0,
      rejectedLines: 0,
      isError: false,
      apiError: null,
      heartbeatAt: '2026-11-22T09:42:10.000Z',
      updatedAt: '2026-11-22T09:42:10.000Z',
      ...data,
    },
    updatedAt: '2026-11-22T09:42:10.000Z',
  };
}

function payload(from: string | null, to: string, data: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ event: 'status-changed', from, to, at: '2026-11-22T09:42:11.000Z', session: stateDocument(to, data) })}\n`;
}

const runScript = (stdin: string, env: Record<string, string> = {}) =>
  runProcess('/bin/sh', [SCRIPT], { env: { PATH: '/usr/bin:/bin', HOME: dir, TZ: 'UTC', CALENDAR_FILE: calendar, ...env }, cwd: dir, stdin });

describe('calendar-block.sh', () => {
  it('turns a finished session into one calendar line', async () => {
    const result = await runScript(payload('ACTIVE', 'COMPLETED'));
    expect(result).toMatchObject({ code: 0 });
    expect(result.stderr.toString()).toBe('');
    expect(readFileSync(calendar, 'utf8')).toBe('2026-11-22 09:00–09:42  claude  /home/a/proj  $0.42  COMPLETED\n');
  });

  it('prefers the project path, appends one line per ended session and nothing for the others', async () => {
    await runScript(payload(null, 'ACTIVE'));
    await runScript(payload('ACTIVE', 'RATE_LIMITED'));
    expect(existsSync(calendar)).toBe(false);
    await runScript(payload('RATE_LIMITED', 'INTERRUPTED', { projectPath: '/home/a/proj root', costUsd: null }));
    await runScript(payload('ACTIVE', 'FAILED', { startedAt: '2026-11-22T23:30:00.000Z', endedAt: '2026-11-23T00:10:00.000Z', costUsd: 12.3456 }));
    expect(readFileSync(calendar, 'utf8')).toBe(
      '2026-11-22 09:00–09:42  claude  /home/a/proj root  $?  INTERRUPTED\n' + '2026-11-22 23:30–2026-11-23 00:10  claude  /home/a/proj  $12.35  FAILED\n',
    );
  });

  it('writes to $HOME/claudewatch-calendar.txt by default', async () => {
    await runProcess('/bin/sh', [SCRIPT], { env: { PATH: '/usr/bin:/bin', HOME: dir, TZ: 'UTC' }, cwd: dir, stdin: payload('ACTIVE', 'COMPLETED') });
    expect(readFileSync(join(dir, 'claudewatch-calendar.txt'), 'utf8')).toBe('2026-11-22 09:00–09:42  claude  /home/a/proj  $0.42  COMPLETED\n');
  });

  it('works as a callback command', async () => {
    const dispatcher = new CallbackDispatcher({ commands: [`CALENDAR_FILE='${calendar}' TZ=UTC sh '${SCRIPT}'`], webhooks: [], timeoutMs: 5000 }, silentLogger);
    dispatcher.notify({ from: null, to: 'ACTIVE', document: stateDocument('ACTIVE') });
    dispatcher.notify({ from: 'ACTIVE', to: 'COMPLETED', document: stateDocument('COMPLETED') });
    await dispatcher.drain();
    expect(readFileSync(calendar, 'utf8')).toBe('2026-11-22 09:00–09:42  claude  /home/a/proj  $0.42  COMPLETED\n');
  });
});
