import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { ReadingAnswer, ReadingRequest } from './reading-worker.js';
import { readTranscript, type ReadingJob, type TranscriptReading } from './transcript-reading.js';

/**
 * Transcripts read on worker threads, one group of files per request, handed back in the order
 * asked for while the caller waits synchronously: the import stays one synchronous function for
 * every command that runs it, and parsing (most of its time) uses every core. Placing the
 * readings into the ledger stays on the caller's thread, so the result does not depend on which
 * thread read what. Where threads cannot be had, the files are read here, in order, the same way.
 */

/** Past this much to read, threads pay for their start (tens of ms each). */
const THREADS_FROM_BYTES = 32 * 1024 * 1024;
/** A group of files is one request: at most this much to read, and enough groups that every thread has some. */
const GROUP_BYTES = 4 * 1024 * 1024;
const GROUPS_PER_READER = 4;
const GROUP_FILES = 200;
/** Requests a thread holds at once: one being read, one waiting. */
const IN_FLIGHT = 2;
/** A thread silent this long is taken for dead, and what it held is read here. */
const STALL_MS = 60_000;

interface Thread {
  worker: Worker;
  port: MessagePort;
  busy: number;
}

/**
 * Worker threads to read `bytes` with beside this one, which reads too: none for a small import,
 * else one per further core that is idle now, at most three. On a busy machine threads only add
 * their start and their own warming up. CLAUDEWATCH_IMPORT_THREADS says how many regardless.
 */
export function readingThreads(env: Record<string, string | undefined>, bytes: number): number {
  const asked = Number(env.CLAUDEWATCH_IMPORT_THREADS);
  if (env.CLAUDEWATCH_IMPORT_THREADS !== undefined && Number.isInteger(asked) && asked >= 0) return Math.min(asked, 16);
  if (bytes < THREADS_FROM_BYTES) return 0;
  const cores = availableParallelism();
  const idle = Math.floor(cores - (loadavg()[0] ?? 0));
  return Math.max(0, Math.min(cores - 1, idle, 3));
}

/** The jobs in groups, in their order, sized so that `threads` threads and this one each get several. */
export function groupJobs(jobs: ReadonlyArray<ReadingJob & { bytes: number }>, threads: number): ReadingJob[][] {
  const total = jobs.reduce((sum, job) => sum + job.bytes, 0);
  const groupBytes = Math.min(GROUP_BYTES, total / ((threads + 1) * GROUPS_PER_READER));
  const groups: ReadingJob[][] = [];
  let group: ReadingJob[] = [];
  let bytes = 0;
  for (const job of jobs) {
    group.push({ root: job.root, path: job.path, offset: job.offset, state: job.state, now: job.now, timeZone: job.timeZone });
    bytes += job.bytes;
    if (bytes >= groupBytes || group.length >= GROUP_FILES) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/**
 * The readings of every group, in order. `threads` worker threads read from the front of the
 * queue; this thread reads the group that is due when no thread has it yet, and otherwise the
 * last one waiting, so no core idles while the readings are handed out in order. Without threads
 * (none asked for, none can start, or they stop answering) every group is read here.
 */
export function* readGroups(groups: readonly ReadingJob[][], threads: number): Generator<TranscriptReading[]> {
  const pool = threads > 0 && groups.length > 1 ? startThreads(Math.min(threads, groups.length - 1)) : null;
  const answers = new Map<number, TranscriptReading[]>();
  const read = (group: number): TranscriptReading[] => groups[group]!.map(readTranscript);
  if (pool === null) {
    for (let group = 0; group < groups.length; group++) yield read(group);
    return;
  }
  // Groups not yet given to anyone lie between `front` (the threads' next) and `back` (ours).
  let front = 0;
  let back = groups.length;
  let failed = false;
  const send = (): void => {
    for (const thread of pool.threads) {
      while (thread.busy < IN_FLIGHT && front < back) {
        thread.port.postMessage({ group: front, jobs: groups[front]! } satisfies ReadingRequest);
        thread.busy += 1;
        front += 1;
      }
    }
  };
  const take = (next: number): void => {
    for (const thread of pool.threads) {
      for (let message = receiveMessageOnPort(thread.port); message; message = receiveMessageOnPort(thread.port)) {
        const answer = message.message as ReadingAnswer;
        if ('ready' in answer) continue;
        thread.busy -= 1;
        // Late for a group read here already (after a stall): nothing to do with it.
        if (answer.group < next) continue;
        // A group a thread could not read is read here: the import is never worse than without threads.
        answers.set(answer.group, 'error' in answer ? read(answer.group) : answer.readings);
      }
    }
  };
  try {
    for (let next = 0; next < groups.length; next++) {
      let waitedMs = 0;
      while (!answers.has(next)) {
        const seen = Atomics.load(pool.signal, 0);
        take(next);
        if (answers.has(next)) break;
        if (!failed) send();
        if (next >= front || failed) {
          // Due, and no thread has it (or the threads stopped answering): read it here.
          front = Math.max(front, next + 1);
          answers.set(next, read(next));
        } else if (front < back) {
          back -= 1;
          answers.set(back, read(back));
        } else {
          const started = Date.now();
          if (Atomics.wait(pool.signal, 0, seen, 1000) === 'timed-out') waitedMs += Date.now() - started;
          else waitedMs = 0;
          failed = waitedMs >= STALL_MS;
        }
      }
      const readings = answers.get(next)!;
      answers.delete(next);
      yield readings;
    }
  } finally {
    pool.close();
  }
}

function startThreads(count: number): { threads: Thread[]; signal: Int32Array; close(): void } | null {
  // Built code only: a thread runs JavaScript, not the TypeScript of a test run.
  const file = fileURLToPath(new URL('./reading-worker.js', import.meta.url));
  if (!existsSync(file)) return null;
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const threads: Thread[] = [];
  const close = (): void => {
    for (const { worker, port } of threads) {
      port.close();
      void worker.terminate();
    }
  };
  try {
    for (let index = 0; index < count; index++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(file, { workerData: { port: port2, signal }, transferList: [port2] });
      // An error inside a thread is answered as an error; one that ends it shows as silence.
      worker.on('error', () => {});
      worker.unref();
      threads.push({ worker, port: port1, busy: 0 });
    }
  } catch {
    close();
    return null;
  }
  return { threads, signal, close };
}
