import { workerData, type MessagePort } from 'node:worker_threads';
import { readTranscript, type ReadingJob, type TranscriptReading } from './transcript-reading.js';

/**
 * A thread of the reading pool (reading-pool.ts): reads each group of transcript files it is
 * sent and answers with their readings, or with the error that stopped it. Each answer also
 * bumps a shared counter and wakes the pool, which waits on it rather than on an event loop: the
 * import is synchronous.
 */

export interface ReadingRequest {
  group: number;
  jobs: ReadingJob[];
}

export type ReadingAnswer = { group: number; readings: TranscriptReading[] } | { group: number; error: string } | { ready: true };

const { port, signal } = workerData as { port: MessagePort; signal: Int32Array };

function answer(message: ReadingAnswer): void {
  port.postMessage(message);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

port.on('message', ({ group, jobs }: ReadingRequest) => {
  try {
    answer({ group, readings: jobs.map(readTranscript) });
  } catch (error) {
    answer({ group, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
answer({ ready: true });
