import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../shared/log.js';
import { describeError } from '../shared/errors.js';

/**
 * Callbacks tell the user's own tools when a session changes status, or starts or stops waiting
 * for the user: shell commands get the state JSON on stdin, webhooks get it POSTed. They run
 * beside the session and must never hold it up or break it: failures are logged, and the end of
 * the session waits for them only so long.
 */
export interface CallbackConfig {
  /** Shell commands run with `sh -c`, the state JSON on stdin. */
  commands: string[];
  /** URLs POSTed the state JSON (Content-Type: application/json). http(s) only. */
  webhooks: string[];
  /** Each delivery's time limit; default 5000 ms. */
  timeoutMs: number;
}

export const DEFAULT_CALLBACK_TIMEOUT_MS = 5000;
/** Ten minutes: more is surely a mistake, and setTimeout cannot wait past about 24 days anyway. */
const MAX_CALLBACK_TIMEOUT_MS = 600_000;
const CONFIG_KEYS = ['commands', 'webhooks', 'timeoutMs'];
const STDERR_LOG_BYTES = 500;
const COMMAND_LOG_CHARS = 120;

/** Reads and validates `config.callbacks`; a bad entry is skipped and named in `problems`, the rest still work. */
export function callbackConfigOf(config: Record<string, unknown>): { config: CallbackConfig; problems: string[] } {
  const raw = config.callbacks;
  const problems: string[] = [];
  const result: CallbackConfig = { commands: [], webhooks: [], timeoutMs: DEFAULT_CALLBACK_TIMEOUT_MS };
  if (raw === undefined) return { config: result, problems };
  if (!isRecord(raw)) {
    problems.push('config.json: callbacks must be an object, e.g. {"commands": ["sh ~/bin/on-status.sh"], "webhooks": [], "timeoutMs": 5000}');
    return { config: result, problems };
  }
  for (const key of Object.keys(raw)) {
    if (!CONFIG_KEYS.includes(key)) problems.push(`config.json: callbacks.${key}: unknown field; the fields are ${CONFIG_KEYS.join(', ')}`);
  }
  result.commands = validEntries(raw.commands, 'commands', commandProblem, problems);
  result.webhooks = validEntries(raw.webhooks, 'webhooks', webhookProblem, problems);
  if (raw.timeoutMs !== undefined) {
    const timeoutMs = raw.timeoutMs;
    if (typeof timeoutMs === 'number' && timeoutMs > 0 && timeoutMs <= MAX_CALLBACK_TIMEOUT_MS) result.timeoutMs = timeoutMs;
    else problems.push(`config.json: callbacks.timeoutMs must be a number of milliseconds from 1 to ${MAX_CALLBACK_TIMEOUT_MS}; using ${DEFAULT_CALLBACK_TIMEOUT_MS}`);
  }
  return { config: result, problems };
}

function validEntries(value: unknown, field: string, problemOf: (entry: unknown) => string | null, problems: string[]): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push(`config.json: callbacks.${field} must be a list of strings`);
    return [];
  }
  const entries: string[] = [];
  value.forEach((entry: unknown, index) => {
    const problem = problemOf(entry);
    if (problem === null) entries.push(entry as string);
    else problems.push(`config.json: callbacks.${field}[${index}] ${problem}; skipped`);
  });
  return entries;
}

function commandProblem(entry: unknown): string | null {
  return typeof entry === 'string' && entry.trim() !== '' ? null : 'must be a non-empty string';
}

function webhookProblem(entry: unknown): string | null {
  if (typeof entry !== 'string') return 'must be a string URL';
  const url = parseUrl(entry);
  if (url === null) return 'is not a URL';
  return url.protocol === 'http:' || url.protocol === 'https:' ? null : `must be an http or https URL, not ${url.protocol}`;
}

/** A session changed status, or Claude started or stopped waiting for the user (the status stays). */
export type CallbackEvent = 'status-changed' | 'waiting-started' | 'waiting-ended';

export interface Transition {
  /** What happened; a status change unless told otherwise. */
  event?: CallbackEvent;
  from: string | null;
  to: string;
  /** The StateDocument written at that moment. */
  document: unknown;
}

interface Delivery {
  /** One line of JSON, the same for every target. */
  payload: string;
  env: Record<string, string>;
}

/** Sends one delivery; resolves (never rejects) once it is done, has failed, or `signal` aborted it. */
type Send = (delivery: Delivery, signal: AbortSignal) => Promise<void>;

/**
 * Sends each transition to every configured target. Each target has its own queue, so one
 * session's deliveries reach it in order and a slow target holds up only itself.
 */
export class CallbackDispatcher {
  private readonly queues: TargetQueue[];

  constructor(
    private readonly config: CallbackConfig,
    private readonly logger: Logger,
  ) {
    this.queues = [
      ...config.commands.map((command) => new TargetQueue((delivery, signal) => runCommand(command, delivery, signal, logger), config.timeoutMs, logger)),
      ...config.webhooks.map((url) => new TargetQueue((delivery, signal) => postWebhook(url, delivery, signal, logger), config.timeoutMs, logger)),
    ];
  }

  /** Queues a delivery to every target; never throws, never blocks the caller. */
  notify(transition: Transition): void {
    if (this.queues.length === 0) return;
    try {
      const delivery = deliveryOf(transition);
      for (const queue of this.queues) queue.push(delivery);
    } catch (error) {
      this.logger.warn(`callbacks: cannot send ${transition.from ?? 'start'} → ${transition.to}: ${describeError(error)}`);
    }
  }

  /**
   * Resolves when every queued delivery is done, or `timeoutMs` after it was called, whichever
   * comes first: then deliveries still running are cancelled (a command's process group is
   * killed, a request aborted) and those not yet started are dropped, with a warning. So a
   * hanging callback delays the end of a session by at most its time limit, and the last
   * transition, queued just before, gets its full time limit unless an earlier delivery to the
   * same target is still using it.
   */
  async drain(): Promise<void> {
    if (this.queues.length === 0) return;
    try {
      const idle = Promise.all(this.queues.map((queue) => queue.whenIdle()));
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), this.config.timeoutMs);
      });
      const timedOut = await Promise.race([idle.then(() => false), late]);
      clearTimeout(timer);
      if (!timedOut) return;
      for (const queue of this.queues) queue.cancel();
      // Cancelled deliveries settle at once; waiting lets their warnings reach the log.
      await idle;
    } catch (error) {
      this.logger.warn(`callbacks: ${describeError(error)}`);
    }
  }
}

function deliveryOf(transition: Transition): Delivery {
  const event = transition.event ?? 'status-changed';
  const payload = JSON.stringify({ event, from: transition.from, to: transition.to, at: new Date().toISOString(), session: transition.document });
  const env: Record<string, string> = {
    CLAUDEWATCH_EVENT: event,
    CLAUDEWATCH_STATUS: transition.to,
    CLAUDEWATCH_PREVIOUS_STATUS: transition.from ?? '',
    // Empty rather than absent, so a value inherited from an enclosing session cannot pass for this one.
    CLAUDEWATCH_SESSION_ID: sessionIdOf(transition.document) ?? '',
  };
  return { payload, env };
}

function sessionIdOf(document: unknown): string | null {
  if (!isRecord(document) || !isRecord(document.data)) return null;
  return typeof document.data.id === 'string' ? document.data.id : null;
}

const CANCELLED = 'cancelled at the end of the session';

/** One target's deliveries, one at a time, each cut off after the time limit. */
class TargetQueue {
  private readonly pending: Delivery[] = [];
  private running: AbortController | null = null;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly send: Send,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {}

  push(delivery: Delivery): void {
    this.pending.push(delivery);
    if (this.running === null) void this.run();
  }

  whenIdle(): Promise<void> {
    if (this.running === null) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  cancel(): void {
    const dropped = this.pending.splice(0).length;
    if (dropped > 0) this.logger.warn(`callbacks: ${dropped} delivery(ies) not sent: ${CANCELLED}`);
    this.running?.abort(new Error(CANCELLED));
  }

  private async run(): Promise<void> {
    for (let delivery = this.pending.shift(); delivery !== undefined; delivery = this.pending.shift()) {
      const controller = new AbortController();
      this.running = controller;
      const timer = setTimeout(() => controller.abort(new Error(`timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
      try {
        await this.send(delivery, controller.signal);
      } catch (error) {
        this.logger.warn(`callbacks: ${describeError(error)}`);
      } finally {
        clearTimeout(timer);
      }
    }
    this.running = null;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

/**
 * `sh -c command` in its own process group, so that cutting it off also kills whatever it
 * started; its stdout is not ours to show (Claude may be drawing on the terminal).
 */
function runCommand(command: string, delivery: Delivery, signal: AbortSignal, logger: Logger): Promise<void> {
  const name = `callback command ${JSON.stringify(shorten(command))}`;
  let child: ChildProcess;
  try {
    child = spawn('sh', ['-c', command], { stdio: ['pipe', 'ignore', 'pipe'], detached: true, env: { ...process.env, ...delivery.env } });
  } catch (error) {
    // Arguments spawn rejects outright, such as a NUL byte in the command.
    logger.warn(`${name}: cannot run: ${describeError(error)}`);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    let settled = false;
    const finish = (problem: string | null): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (problem === null) logger.debug(`${name}: done`);
      else logger.warn(`${name}: ${problem}`);
      resolve();
    };
    const onAbort = (): void => {
      killGroup(child.pid);
      // Something that left the group may still hold stderr open; it must not keep us running.
      child.stderr?.destroy();
      child.unref();
      finish(`${describeError(signal.reason)}; killed`);
    };
    signal.addEventListener('abort', onAbort);
    let stderr = Buffer.alloc(0);
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < STDERR_LOG_BYTES) stderr = Buffer.concat([stderr, chunk]).subarray(0, STDERR_LOG_BYTES);
    });
    child.once('error', (error) => finish(`cannot run: ${describeError(error)}`));
    child.once('close', (code, exitSignal) => {
      if (code === 0) return finish(null);
      const how = code === null ? `killed by ${exitSignal}` : `exit ${code}`;
      const said = stderr.toString('utf8').trim();
      finish(said === '' ? how : `${how}: ${said}`);
    });
    // A command that does not read its input closes the pipe early; that is its business.
    child.stdin?.on('error', () => {});
    child.stdin?.end(delivery.payload);
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

async function postWebhook(target: string, delivery: Delivery, signal: AbortSignal, logger: Logger): Promise<void> {
  const { url, authorization } = splitCredentials(target);
  const name = `callback webhook ${loggableUrl(url)}`;
  try {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (authorization !== null) headers.authorization = authorization;
    const response = await fetch(url, { method: 'POST', headers, body: delivery.payload, signal });
    // The answer's body is of no use; reading it to the end frees the connection.
    await response.arrayBuffer();
    if (response.ok) logger.debug(`${name}: ${response.status}`);
    else logger.warn(`${name}: answered ${response.status} ${response.statusText}`.trimEnd());
  } catch (error) {
    const reason: unknown = signal.aborted ? signal.reason : error instanceof Error && error.cause !== undefined ? error.cause : error;
    logger.warn(`${name}: ${describeError(reason)}`);
  }
}

/** fetch refuses URLs with a user and password in them; they become the Basic authorization they stand for. */
function splitCredentials(target: string): { url: string; authorization: string | null } {
  const url = new URL(target);
  if (url.username === '' && url.password === '') return { url: target, authorization: null };
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  url.username = '';
  url.password = '';
  return { url: url.href, authorization: `Basic ${Buffer.from(credentials).toString('base64')}` };
}

/** Only origin and path: tokens often ride in the query or the user part, and logs are kept. */
function loggableUrl(target: string): string {
  const url = parseUrl(target);
  return url === null ? '(invalid URL)' : `${url.origin}${url.pathname}`;
}

function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

function shorten(text: string): string {
  return text.length > COMMAND_LOG_CHARS ? `${text.slice(0, COMMAND_LOG_CHARS - 1)}…` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
