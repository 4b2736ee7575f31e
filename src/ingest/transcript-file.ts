import { closeSync, openSync, readSync } from 'node:fs';
import { LineSplitter } from '../core/line-splitter.js';
import { summarizeTranscript, type TranscriptSummary } from './transcript-line.js';

const CHUNK_BYTES = 1024 * 1024;

/**
 * The lines of `file` from byte `offset` on, read a chunk at a time so a large transcript is
 * never held whole. A missing or unreadable file has no lines.
 */
export function* transcriptLines(file: string, offset = 0): Generator<string> {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return;
  }
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    const ready: string[] = [];
    const splitter = new LineSplitter({ onLine: (line) => ready.push(line) });
    let position = offset;
    for (;;) {
      const read = readSync(fd, buffer, 0, CHUNK_BYTES, position);
      if (read <= 0) break;
      position += read;
      splitter.push(buffer.subarray(0, read));
      yield* ready.splice(0);
    }
    splitter.end();
    yield* ready.splice(0);
  } finally {
    closeSync(fd);
  }
}

/** A transcript, or the part of it from `offset` on, folded into totals. */
export function summarizeTranscriptFile(file: string, ctx: { now: number; timeZone: string; offset?: number }): TranscriptSummary {
  return summarizeTranscript(transcriptLines(file, ctx.offset ?? 0), ctx);
}
