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

/** A complete line and the byte offset just past its newline: where reading may resume. */
export interface PlacedLine {
  line: string;
  end: number;
}

const NEWLINE = 0x0a;

/**
 * The complete lines of `file` from byte `offset` on, each with the offset after it, a chunk at
 * a time. A last line without its newline is not given: it may still be being written, and an
 * import resuming at the last `end` reads it whole next time. Lines over `maxLineBytes` are
 * skipped (counted by `onOversized`), never buffered whole.
 */
export function* completeLines(
  file: string,
  offset = 0,
  options: { maxLineBytes?: number; onOversized?: (bytes: number) => void } = {},
): Generator<PlacedLine> {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return;
  }
  const maxLineBytes = options.maxLineBytes ?? 64 * 1024 * 1024;
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let oversized = false;
    let position = offset;
    for (;;) {
      const read = readSync(fd, buffer, 0, CHUNK_BYTES, position);
      if (read <= 0) return;
      let start = 0;
      while (start < read) {
        const newline = buffer.indexOf(NEWLINE, start);
        const stop = newline === -1 || newline >= read ? read : newline;
        if (!oversized) {
          if (pendingBytes + (stop - start) > maxLineBytes) {
            oversized = true;
          } else {
            pending.push(Buffer.from(buffer.subarray(start, stop)));
          }
        }
        pendingBytes += stop - start;
        if (stop === read) break;
        const end = position + newline + 1;
        if (oversized) options.onOversized?.(pendingBytes);
        else yield { line: Buffer.concat(pending, pendingBytes).toString('utf8').replace(/\r$/, ''), end };
        pending = [];
        pendingBytes = 0;
        oversized = false;
        start = newline + 1;
      }
      position += read;
    }
  } finally {
    closeSync(fd);
  }
}

/** A transcript, or the part of it from `offset` on, folded into totals. */
export function summarizeTranscriptFile(file: string, ctx: { now: number; timeZone: string; offset?: number }): TranscriptSummary {
  return summarizeTranscript(transcriptLines(file, ctx.offset ?? 0), ctx);
}
