/**
 * Waiting in tests for something another process does: a state file to change, a server to
 * answer, a request to arrive. One poll loop, so every wait fails the same way: after its
 * deadline, naming what it waited for and what it saw instead.
 */
import { inspect } from 'node:util';

export interface UntilOptions {
  /** Default 15 s. */
  timeoutMs?: number;
  /** Default 50 ms. */
  intervalMs?: number;
  /** What there is to see instead, for the message on timeout (a state file, the requests so far). */
  seen?: () => unknown;
}

type Found<T> = Exclude<T, null | undefined | false>;

/**
 * Calls `read` until it returns something other than null, undefined or false, and returns
 * that. A throw counts as "not yet" (a file half written, a server not listening): the last
 * error is in the message if time runs out.
 */
export async function until<T>(read: () => T | Promise<T>, what: string, options: UntilOptions = {}): Promise<Found<T>> {
  const { timeoutMs = 15_000, intervalMs = 50 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let failure: unknown;
    try {
      const value = await read();
      if (value !== null && value !== undefined && value !== false) return value as Found<T>;
    } catch (error) {
      failure = error;
    }
    if (Date.now() >= deadline) throw new Error(timeoutMessage(what, timeoutMs, failure, options.seen));
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function timeoutMessage(what: string, timeoutMs: number, failure: unknown, seen: (() => unknown) | undefined): string {
  const parts = [`timed out after ${timeoutMs} ms waiting for ${what}`];
  if (failure !== undefined) parts.push(`last error: ${failure instanceof Error ? failure.message : inspect(failure)}`);
  if (seen) {
    const shown = seen();
    parts.push(`seen: ${typeof shown === 'string' ? shown : JSON.stringify(shown, null, 2)}`);
  }
  return parts.join('\n');
}
