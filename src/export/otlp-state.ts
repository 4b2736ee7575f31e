import { closeSync, openSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { OtlpSignal } from '../core/otlp-settings.js';
import type { Paths } from '../shared/paths.js';
import { ensurePrivateDir, PRIVATE_FILE_MODE, writeFileAtomic } from '../shared/private-fs.js';
import type { ExportOutcome } from './otlp-sdk.js';

/** What every push so far did: how many there were and what was dropped, for `cw otlp status`. */
export interface OtlpState {
  pushes: number;
  /** Pushes in which at least one signal was dropped. */
  failedPushes: number;
  /** Data points and log records that never reached the collector. */
  dropped: Record<OtlpSignal, number>;
  lastPush: { at: string; session: string | null; outcome: ExportOutcome } | null;
  lastError: { at: string; message: string } | null;
}

const EMPTY: OtlpState = { pushes: 0, failedPushes: 0, dropped: { metrics: 0, logs: 0 }, lastPush: null, lastError: null };
/** Pushes of sessions that end together update the file one at a time; a lock older than this is a crashed push's. */
const LOCK_WAIT_MS = 1000;
const STALE_LOCK_MS = 10_000;

export function otlpStateFile(paths: Paths): string {
  return join(paths.stateDir, 'otlp.json');
}

export function readOtlpState(paths: Paths): OtlpState {
  try {
    const parsed = JSON.parse(readFileSync(otlpStateFile(paths), 'utf8')) as Partial<OtlpState>;
    return { ...EMPTY, ...parsed, dropped: { ...EMPTY.dropped, ...parsed.dropped } };
  } catch {
    return { ...EMPTY, dropped: { ...EMPTY.dropped } };
  }
}

/** Adds one push's outcome to the totals and returns them. */
export function recordOtlpPush(paths: Paths, push: { at: number; session: string | null; outcome: ExportOutcome }): OtlpState {
  ensurePrivateDir(paths.stateDir);
  const release = lock(`${otlpStateFile(paths)}.lock`, push.at);
  try {
    const state = readOtlpState(paths);
    const failures = (['metrics', 'logs'] as const).filter((signal) => push.outcome[signal]?.ok === false);
    for (const signal of failures) state.dropped[signal] += push.outcome[signal]?.items ?? 0;
    state.pushes += 1;
    if (failures.length > 0) {
      state.failedPushes += 1;
      const messages = failures.map((signal) => `${signal}: ${push.outcome[signal]?.error ?? 'failed'}`);
      state.lastError = { at: new Date(push.at).toISOString(), message: messages.join('; ') };
    }
    state.lastPush = { at: new Date(push.at).toISOString(), session: push.session, outcome: push.outcome };
    writeFileAtomic(otlpStateFile(paths), `${JSON.stringify(state, null, 2)}\n`);
    return state;
  } finally {
    release();
  }
}

function lock(file: string, now: number): () => void {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      closeSync(openSync(file, 'wx', PRIVATE_FILE_MODE));
      return () => removeQuietly(file);
    } catch {
      if (isStale(file, now)) removeQuietly(file);
      else if (Date.now() > deadline) return () => {};
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

function isStale(file: string, now: number): boolean {
  try {
    return now - statSync(file).mtimeMs > STALE_LOCK_MS;
  } catch {
    return true;
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}
