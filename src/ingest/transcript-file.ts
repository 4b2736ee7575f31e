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

/**
 * A complete line's bytes, without its newline or a trailing `\r`, and the byte offset just past
 * its newline: where reading may resume. The bytes are a view into the read buffer, valid only
 * until the next line is asked for, so a line that is skipped is never copied or decoded.
 */
export interface PlacedLine {
  bytes: Buffer;
  end: number;
}

export interface CompleteLinesOptions {
  maxLineBytes?: number;
  onOversized?: (bytes: number) => void;
  /** The buffer to read into, e.g. one shared by files read one after another; a chunk's size. */
  buffer?: Buffer;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * The complete lines of `file` from byte `offset` on, each with the offset after it, a chunk at
 * a time. A last line without its newline is not given: it may still be being written, and an
 * import resuming at the last `end` reads it whole next time. Lines over `maxLineBytes` are
 * skipped (counted by `onOversized`), never buffered whole.
 */
export function* completeLines(file: string, offset = 0, options: CompleteLinesOptions = {}): Generator<PlacedLine> {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return;
  }
  const maxLineBytes = options.maxLineBytes ?? 64 * 1024 * 1024;
  try {
    const buffer = options.buffer ?? Buffer.allocUnsafe(CHUNK_BYTES);
    // The start of a line that began in an earlier chunk (copied: the buffer is read over).
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let oversized = false;
    let position = offset;
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, position);
      if (read <= 0) return;
      const chunk = buffer.subarray(0, read);
      let start = 0;
      while (start < read) {
        const newline = chunk.indexOf(NEWLINE, start);
        const stop = newline === -1 ? read : newline;
        oversized ||= pendingBytes + (stop - start) > maxLineBytes;
        if (newline === -1) {
          if (!oversized) pending.push(Buffer.from(chunk.subarray(start, read)));
          pendingBytes += read - start;
          break;
        }
        const end = position + newline + 1;
        if (oversized) options.onOversized?.(pendingBytes + (stop - start));
        else if (pendingBytes === 0) yield { bytes: withoutCarriageReturn(chunk.subarray(start, stop)), end };
        else yield { bytes: withoutCarriageReturn(Buffer.concat([...pending, chunk.subarray(start, stop)])), end };
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

function withoutCarriageReturn(line: Buffer): Buffer {
  return line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN ? line.subarray(0, line.length - 1) : line;
}

/** A transcript, or the part of it from `offset` on, folded into totals. */
export function summarizeTranscriptFile(file: string, ctx: { now: number; timeZone: string; offset?: number }): TranscriptSummary {
  return summarizeTranscript(transcriptLines(file, ctx.offset ?? 0), ctx);
}
