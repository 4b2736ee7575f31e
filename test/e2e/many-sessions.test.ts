/**
 * Several wrapped sessions at once, each in its own kind of place, each told apart by its
 * isolation key; and the callbacks a user configures, called on every status change.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnClaudeScreen } from '../support/claude-pty.js';
import { createSandbox, CW, fakeScript, installFakeClaude, recordedSessions, runProcess, SHIM, type FakeStep, type Sandbox } from '../support/sandbox.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = createSandbox();
  installFakeClaude(sandbox);
});
afterEach(() => sandbox.cleanup());

const user = userInfo().username;
const host = hostname();

/** A claude that says something, stays a moment so the others overlap it, and ends. */
const briefly: FakeStep[] = [{ out: 'working\n' }, { sleep: 1500 }, { exit: 0 }];

describe('sessions in different places at once', () => {
  it('records each one’s kind and isolation key', async () => {
    // Each session's prompt is stored only as its length: names of different lengths tell them apart.
    const places: Array<{ name: string; env: Record<string, string> }> = [
      { name: 'ssh', env: { SSH_CLIENT: '203.0.113.5 52000 22', SSH_CONNECTION: '203.0.113.5 52000 10.0.0.2 22', SSH_TTY: '/dev/pts/9' } },
      { name: 'vscode', env: { TERM_PROGRAM: 'vscode', VSCODE_IPC_HOOK_CLI: '/tmp/vscode-ipc.sock' } },
      { name: 'kubernetes-pod', env: { KUBERNETES_SERVICE_HOST: '10.96.0.1' } },
    ];
    const screens = places.map((place) =>
      spawnClaudeScreen({
        command: SHIM,
        args: [place.name],
        cwd: sandbox.home,
        env: { ...sandbox.env, ...place.env, TERM: 'xterm-256color', FAKE_CLAUDE_SCRIPT: fakeScript(briefly) },
      }),
    );
    // And one with no terminal at all, as a script would run it.
    const scripted = runProcess(SHIM, ['a cron job'], { env: { ...sandbox.env, FAKE_CLAUDE_SCRIPT: fakeScript(briefly) } });
    try {
      await Promise.all(screens.map((screen) => screen.exited));
    } finally {
      for (const screen of screens) screen.dispose();
    }
    expect((await scripted).code).toBe(0);

    const sessions = await recordedSessions(sandbox);
    expect(sessions).toHaveLength(4);
    const byPrompt = new Map(sessions.map((session) => [String((session.argv as string[])[0]), session]));
    const keyOf = (name: string): string => String(byPrompt.get(`<prompt:${name.length} chars>`)?.isolationKey);
    const placeOf = (name: string) => byPrompt.get(`<prompt:${name.length} chars>`)!.place as Record<string, unknown>;

    expect(placeOf('ssh')).toMatchObject({ kind: 'ssh', transport: 'ssh', sshClient: '203.0.113.5', user, host });
    expect(keyOf('ssh')).toMatch(new RegExp(`^pts/\\d+:ssh:${user}:${host}:\\d+$`));
    expect(placeOf('vscode')).toMatchObject({ kind: 'vscode', editor: 'vscode', transport: 'local' });
    expect(placeOf('kubernetes-pod')).toMatchObject({ kind: 'container', container: 'kubernetes' });
    expect(keyOf('kubernetes-pod')).toMatch(new RegExp(`^pts/\\d+:local:${user}:${host}:\\d+$`));
    expect(placeOf('a cron job')).toMatchObject({ kind: 'script', tty: null });
    expect(keyOf('a cron job')).toMatch(new RegExp(`^script:local:${user}:${host}:\\d+$`));
    // Four sessions, four keys: each is told apart.
    expect(new Set(sessions.map((session) => session.isolationKey)).size).toBe(4);
    for (const session of sessions) expect((session.place as { pid: number }).pid).toBe(Number(String(session.isolationKey).split(':').at(-1)));
  });
});

describe('callbacks on status changes', () => {
  it('a command and a webhook get every transition in order; a hanging one delays the end by at most its limit', async () => {
    const received: Array<Record<string, unknown>> = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ ...(JSON.parse(body) as Record<string, unknown>), contentType: req.headers['content-type'] });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const log = join(sandbox.root, 'transitions.jsonl');
    mkdirSync(sandbox.cwHome, { recursive: true });
    writeFileSync(
      join(sandbox.cwHome, 'config.json'),
      JSON.stringify({
        callbacks: {
          commands: [`cat >> '${log}'; echo >> '${log}'`, 'sleep 30'],
          webhooks: [`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`],
          timeoutMs: 1500,
        },
      }),
    );
    const resetsAt = Math.floor(Date.now() / 1000) + 3600;
    const started = Date.now();
    const run = await runProcess(SHIM, ['-p', 'go', '--output-format', 'stream-json', '--verbose'], {
      env: {
        ...sandbox.env,
        FAKE_CLAUDE_SCRIPT: fakeScript([
          { out: '{"type":"system","subtype":"init","session_id":"cb","model":"claude-sonnet-4-5"}\n' },
          { out: `{"type":"rate_limit_event","rate_limit_info":{"status":"rejected","rateLimitType":"five_hour","resetsAt":${resetsAt}}}\n` },
          { out: '{"type":"assistant","message":{"id":"m1","model":"claude-sonnet-4-5","usage":{"input_tokens":5,"output_tokens":7}},"session_id":"cb"}\n' },
          { out: '{"type":"result","subtype":"success","is_error":false,"num_turns":1,"total_cost_usd":0.01,"session_id":"cb"}\n' },
        ]),
      },
    });
    const elapsed = Date.now() - started;
    server.close();
    expect(run.code).toBe(0);
    expect(run.stderr.toString()).toBe('');
    const expected = [
      [null, 'ACTIVE'],
      ['ACTIVE', 'RATE_LIMITED'],
      ['RATE_LIMITED', 'ACTIVE'],
      ['ACTIVE', 'COMPLETED'],
    ];
    const lines = readFileSync(log, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as { event: string; from: string | null; to: string; session: { status: string; data: { claudeSessionId: string | null } } });
    expect(lines.map((line) => [line.from, line.to])).toEqual(expected);
    expect(lines.every((line) => line.event === 'status-changed' && line.session.status === line.to)).toBe(true);
    expect(received.map((entry) => [entry.from, entry.to])).toEqual(expected);
    expect(received.every((entry) => entry.contentType === 'application/json')).toBe(true);
    // The hanging `sleep 30` is cut off at its 1.5 s limit; the run itself takes well under a second.
    expect(elapsed).toBeLessThan(1500 + 2500);
    const events = await runProcess(process.execPath, [CW, 'events', '--json'], { env: sandbox.env });
    const types = (JSON.parse(events.stdout.toString()) as { events: Array<{ type: string }> }).events.map((event) => event.type);
    expect(types).toEqual(['start', 'limit', 'answer', 'end']);
  }, 30_000);
});
