import { closeSync, constants, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Passing statusline readings to a running session through its inbox, the file our hooks append
 * to and the runner follows (see ingest/hook-event.ts for how the line is read back).
 */

/** The same file as runner/watch-setup.ts inboxFileOf, without loading what that module needs. */
export function inboxFileFor(stateDir: string, sessionId: string): string {
  return join(stateDir, 'inbox', `${sessionId}.jsonl`);
}

const FIELD = '"statusline":';

/** Only the limits travel: the session learns its cost from its transcript, which knows what a resume already spent. */
export function statuslineInboxLine(claudeSessionId: string | null, rateLimits: Record<string, unknown>, at: number): string {
  return `${JSON.stringify({ at, statusline: { session_id: claudeSessionId, rate_limits: rateLimits } })}\n`;
}

/**
 * Appends one whole line in a single write with O_APPEND, so lines of hooks and statuslines
 * writing at once never interleave. Without O_CREAT: an inbox that is gone belongs to a session
 * that ended, and a new file there would be read by nobody. Never throws.
 */
export function appendToInbox(file: string, line: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDWR | constants.O_APPEND);
  } catch {
    return false;
  }
  try {
    if (repeatsLastReading(fd, line)) return false;
    const bytes = Buffer.from(line);
    return writeSync(fd, bytes) === bytes.length;
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

const TAIL_BYTES = 8192;

/**
 * The state file shows a reading up to half a second after it was appended (the runner polls,
 * the recorder throttles its writes), and Claude may refresh meanwhile: a reading the inbox's last
 * statusline line already holds is not appended again.
 */
function repeatsLastReading(fd: number, line: string): boolean {
  const size = fstatSync(fd).size;
  const start = Math.max(0, size - TAIL_BYTES);
  const buffer = Buffer.alloc(size - start);
  const tail = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, start)).toString('utf8');
  const last = tail.lastIndexOf(FIELD);
  if (last < 0) return false;
  const end = tail.indexOf('\n', last);
  const payload = line.slice(line.indexOf(FIELD)).trimEnd();
  return (end < 0 ? tail.slice(last) : tail.slice(last, end)) === payload;
}
