import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallbackDispatcher, callbackConfigOf, type CallbackConfig } from '../../src/runner/callbacks.js';
import type { Logger } from '../../src/shared/log.js';

interface RecordingLogger extends Logger {
  lines: Array<{ level: string; message: string }>;
  warnings(): string[];
}

function recordingLogger(): RecordingLogger {
  const lines: Array<{ level: string; message: string }> = [];
  const record = (level: string) => (message: string) => lines.push({ level, message }) > 0;
  return {
    lines,
    warnings: () => lines.filter((line) => line.level === 'warn').map((line) => line.message),
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    errorCount: 0,
    file: null,
  };
}

const STATUSES = ['ACTIVE', 'RATE_LIMITED', 'ACTIVE', 'COMPLETED'];

function documentOf(status: string): Record<string, unknown> {
  return { status, data: { id: 'cw-123', status, cwd: '/home/a/proj', costUsd: 0.42 }, updatedAt: '2026-11-22T09:00:00.000Z' };
}

/** ACTIVE from the start, a rate limit, back to work, done. */
function sendSession(dispatcher: CallbackDispatcher): void {
  STATUSES.forEach((to, index) => dispatcher.notify({ from: index === 0 ? null : (STATUSES[index - 1] ?? null), to, document: documentOf(to) }));
}

const config = (overrides: Partial<CallbackConfig>): CallbackConfig => ({ commands: [], webhooks: [], timeoutMs: 5000, ...overrides });

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cw-callbacks-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface Received {
  headers: IncomingHttpHeaders;
  method: string | undefined;
  url: string | undefined;
  body: string;
}

async function startReceiver(status = 204): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, method: request.method, url: request.url, body: Buffer.concat(chunks).toString('utf8') });
      // A slow answer to the first request shows that later ones wait their turn.
      setTimeout(() => response.writeHead(status).end(), received.length === 1 ? 150 : 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, received };
}

const closeServer = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

describe('CallbackDispatcher', () => {
  it('runs a command per transition, in order, with the state JSON on stdin and the statuses in its environment', async () => {
    const out = join(dir, 'out.jsonl');
    const command = `cat >> '${out}'; printf '\\n%s|%s|%s|%s\\n' "$CLAUDEWATCH_EVENT" "$CLAUDEWATCH_PREVIOUS_STATUS" "$CLAUDEWATCH_STATUS" "$CLAUDEWATCH_SESSION_ID" >> '${out}'`;
    const logger = recordingLogger();
    const dispatcher = new CallbackDispatcher(config({ commands: [command] }), logger);
    sendSession(dispatcher);
    await dispatcher.drain();

    const lines = readFileSync(out, 'utf8').trim().split('\n');
    const payloads = lines.filter((_, index) => index % 2 === 0).map((line) => JSON.parse(line) as Record<string, unknown>);
    const envs = lines.filter((_, index) => index % 2 === 1);
    expect(payloads.map((payload) => [payload.from, payload.to])).toEqual([
      [null, 'ACTIVE'],
      ['ACTIVE', 'RATE_LIMITED'],
      ['RATE_LIMITED', 'ACTIVE'],
      ['ACTIVE', 'COMPLETED'],
    ]);
    expect(payloads[3]).toEqual({ event: 'status-changed', from: 'ACTIVE', to: 'COMPLETED', at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/), session: documentOf('COMPLETED') });
    expect(envs).toEqual(['status-changed||ACTIVE|cw-123', 'status-changed|ACTIVE|RATE_LIMITED|cw-123', 'status-changed|RATE_LIMITED|ACTIVE|cw-123', 'status-changed|ACTIVE|COMPLETED|cw-123']);
    expect(logger.warnings()).toEqual([]);
  });

  it('names a wait for the user as its own event, the status unchanged', async () => {
    const out = join(dir, 'out.jsonl');
    const command = `cat >> '${out}'; printf '\\n%s|%s|%s\\n' "$CLAUDEWATCH_EVENT" "$CLAUDEWATCH_PREVIOUS_STATUS" "$CLAUDEWATCH_STATUS" >> '${out}'`;
    const dispatcher = new CallbackDispatcher(config({ commands: [command] }), recordingLogger());
    dispatcher.notify({ event: 'waiting-started', from: 'ACTIVE', to: 'ACTIVE', document: documentOf('ACTIVE') });
    dispatcher.notify({ event: 'waiting-ended', from: 'ACTIVE', to: 'ACTIVE', document: documentOf('ACTIVE') });
    await dispatcher.drain();
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines.filter((_, index) => index % 2 === 0).map((line) => (JSON.parse(line) as { event: string }).event)).toEqual(['waiting-started', 'waiting-ended']);
    expect(lines.filter((_, index) => index % 2 === 1)).toEqual(['waiting-started|ACTIVE|ACTIVE', 'waiting-ended|ACTIVE|ACTIVE']);
  });

  it('POSTs each transition to a webhook as JSON, in order even when an answer is slow', async () => {
    const { server, url, received } = await startReceiver();
    try {
      const logger = recordingLogger();
      const dispatcher = new CallbackDispatcher(config({ webhooks: [`${url}/claude?token=abc`] }), logger);
      sendSession(dispatcher);
      await dispatcher.drain();

      expect(received.map((request) => [request.method, request.url, request.headers['content-type']])).toEqual(
        STATUSES.map(() => ['POST', '/claude?token=abc', 'application/json']),
      );
      const bodies = received.map((request) => JSON.parse(request.body) as Record<string, unknown>);
      expect(bodies.map((body) => body.to)).toEqual(STATUSES);
      expect(bodies[1]).toMatchObject({ event: 'status-changed', from: 'ACTIVE', to: 'RATE_LIMITED', session: documentOf('RATE_LIMITED') });
      expect(logger.warnings()).toEqual([]);
    } finally {
      await closeServer(server);
    }
  });

  it('sends a webhook’s user and password as Basic authorization, and logs neither them nor its query', async () => {
    const { server, url, received } = await startReceiver(500);
    try {
      const logger = recordingLogger();
      const dispatcher = new CallbackDispatcher(config({ webhooks: [url.replace('://', '://me:s3cret@') + '/hook?key=hunter2'] }), logger);
      dispatcher.notify({ from: 'ACTIVE', to: 'FAILED', document: documentOf('FAILED') });
      await dispatcher.drain();

      expect(received[0]?.headers.authorization).toBe(`Basic ${Buffer.from('me:s3cret').toString('base64')}`);
      expect(logger.warnings()).toEqual([`callback webhook ${url}/hook: answered 500 Internal Server Error`]);
      expect(JSON.stringify(logger.lines)).not.toMatch(/s3cret|hunter2/);
    } finally {
      await closeServer(server);
    }
  });

  it('kills a hanging command’s whole process group at the time limit', async () => {
    const pidFile = join(dir, 'pid');
    const logger = recordingLogger();
    // The grandchild `sleep` shares the group; it must die with its shell.
    const dispatcher = new CallbackDispatcher(config({ commands: [`sleep 30 & echo $! > '${pidFile}'; wait`], timeoutMs: 300 }), logger);
    const started = Date.now();
    dispatcher.notify({ from: 'ACTIVE', to: 'COMPLETED', document: documentOf('COMPLETED') });
    await dispatcher.drain();
    const elapsed = Date.now() - started;

    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1500);
    expect(logger.warnings()).toEqual([expect.stringMatching(/^callback command ".*": timed out after 300 ms; killed$/)]);
    const sleeper = Number(readFileSync(pidFile, 'utf8'));
    await expect.poll(() => isRunning(sleeper), { timeout: 2000 }).toBe(false);
  });

  it('ends within the time limit however many deliveries a hanging command has queued', async () => {
    const logger = recordingLogger();
    const dispatcher = new CallbackDispatcher(config({ commands: ['sleep 30'], timeoutMs: 300 }), logger);
    const started = Date.now();
    sendSession(dispatcher);
    await dispatcher.drain();

    expect(Date.now() - started).toBeLessThan(1500);
    // The first delivery's own limit and drain's run out together; either may come first.
    const warnings = logger.warnings();
    expect(warnings).toContainEqual(expect.stringMatching(/^callbacks: [23] delivery\(ies\) not sent: cancelled at the end of the session$/));
    expect(warnings.filter((warning) => warning.endsWith('; killed')).length).toBeLessThanOrEqual(2);
  });

  it('logs a failing command, an unreachable webhook and an unrunnable command, and throws nothing', async () => {
    const closed = await startReceiver();
    await closeServer(closed.server);
    const logger = recordingLogger();
    const dispatcher = new CallbackDispatcher(config({ commands: ['echo broken >&2; exit 3', 'x\0y'], webhooks: [`${closed.url}/gone`] }), logger);
    expect(() => dispatcher.notify({ from: null, to: 'ACTIVE', document: documentOf('ACTIVE') })).not.toThrow();
    await dispatcher.drain();

    const warnings = logger.warnings();
    expect(warnings).toHaveLength(3);
    expect(warnings).toContain('callback command "echo broken >&2; exit 3": exit 3: broken');
    expect(warnings).toContain(`callback webhook ${closed.url}/gone: connect ECONNREFUSED ${closed.url.replace('http://', '')}`);
    expect(warnings).toContainEqual(expect.stringMatching(/^callback command "x\\u0000y": cannot run: .*null bytes/));
  });

  it('does not hold the caller up: notify returns before any command has run', async () => {
    const out = join(dir, 'out');
    const dispatcher = new CallbackDispatcher(config({ commands: [`sleep 0.2; echo done > '${out}'`] }), recordingLogger());
    const started = Date.now();
    dispatcher.notify({ from: null, to: 'ACTIVE', document: documentOf('ACTIVE') });
    expect(Date.now() - started).toBeLessThan(100);
    await dispatcher.drain();
    expect(readFileSync(out, 'utf8')).toBe('done\n');
  });
});

describe('callbackConfigOf', () => {
  it('defaults to no callbacks and a 5 s limit', () => {
    expect(callbackConfigOf({})).toEqual({ config: { commands: [], webhooks: [], timeoutMs: 5000 }, problems: [] });
  });

  it('takes a valid configuration as it is', () => {
    const callbacks = { commands: ['sh /x/calendar-block.sh'], webhooks: ['http://127.0.0.1:9000/claude', 'https://example.com/h?token=1'], timeoutMs: 2500 };
    expect(callbackConfigOf({ callbacks })).toEqual({ config: callbacks, problems: [] });
  });

  it('skips bad entries, keeps the good ones and says what was wrong', () => {
    const { config: result, problems } = callbackConfigOf({
      callbacks: { commands: ['ok', '', 7], webhooks: ['ftp://example.com/x', 'not a url', 'https://example.com/ok', null], timeoutMs: -1, command: 'typo' },
    });
    expect(result).toEqual({ commands: ['ok'], webhooks: ['https://example.com/ok'], timeoutMs: 5000 });
    expect(problems).toEqual([
      'config.json: callbacks.command: unknown field; the fields are commands, webhooks, timeoutMs',
      'config.json: callbacks.commands[1] must be a non-empty string; skipped',
      'config.json: callbacks.commands[2] must be a non-empty string; skipped',
      'config.json: callbacks.webhooks[0] must be an http or https URL, not ftp:; skipped',
      'config.json: callbacks.webhooks[1] is not a URL; skipped',
      'config.json: callbacks.webhooks[3] must be a string URL; skipped',
      'config.json: callbacks.timeoutMs must be a number of milliseconds from 1 to 600000; using 5000',
    ]);
  });

  it('rejects lists that are not lists and callbacks that are not an object', () => {
    expect(callbackConfigOf({ callbacks: { commands: 'sh x.sh', timeoutMs: '5000' } }).problems).toEqual([
      'config.json: callbacks.commands must be a list of strings',
      'config.json: callbacks.timeoutMs must be a number of milliseconds from 1 to 600000; using 5000',
    ]);
    expect(callbackConfigOf({ callbacks: ['sh x.sh'] })).toMatchObject({ config: { commands: [], webhooks: [] }, problems: [expect.stringMatching(/^config.json: callbacks must be an object/)] });
  });
});

/** Running, not merely a zombie waiting for init to reap it. */
function isRunning(pid: number): boolean {
  try {
    return !execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim().startsWith('Z');
  } catch {
    return false;
  }
}
