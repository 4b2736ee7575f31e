/**
 * LineSplitter (src/core/line-splitter.ts): any chunking of any byte stream, broken UTF-8, CR/LF
 * mixes, huge lines and empty chunks included, gives the same lines and oversized reports as one
 * whole write, and both match a plain reading of the bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/core/line-splitter.js';
import { HEADLESS_LINES, hugeBytes, mutatedLineBytes, TRANSCRIPT_LINES } from './support/fixtures.js';
import { checkProperty, timeoutFor } from './support/fuzz.js';

type Event = { line: string } | { oversized: number };

function splitChunks(chunks: Uint8Array[], maxLineBytes?: number): Event[] {
  const events: Event[] = [];
  const splitter = new LineSplitter({
    onLine: (line) => events.push({ line }),
    onOversizedLine: (oversized) => events.push({ oversized }),
    ...(maxLineBytes === undefined ? {} : { maxLineBytes }),
  });
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return events;
}

/** What the splitter should say: each newline-ended part, and a non-empty last part. */
function expectedEvents(bytes: Buffer, maxLineBytes = 64 * 1024 * 1024): Event[] {
  const parts: Buffer[] = [];
  let start = 0;
  for (let newline = bytes.indexOf(0x0a); newline !== -1; newline = bytes.indexOf(0x0a, start)) {
    parts.push(bytes.subarray(start, newline));
    start = newline + 1;
  }
  if (start < bytes.length) parts.push(bytes.subarray(start));
  return parts.map((part) => {
    if (part.length > maxLineBytes) return { oversized: part.length };
    const line = part.toString('utf8');
    return { line: line.endsWith('\r') ? line.slice(0, -1) : line };
  });
}

const SEPARATORS = ['\n', '\r\n', '\r', '\n\n', '\r\r\n', ''].map((text) => Buffer.from(text));

/** A stream of real JSON lines (mutated), random bytes, nasty bytes and huge runs, joined by CR/LF mixes. */
const stream = fc
  .array(
    fc.tuple(
      fc.oneof(
        { weight: 4, arbitrary: mutatedLineBytes([...TRANSCRIPT_LINES, ...HEADLESS_LINES], 16 * 1024) },
        { weight: 2, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)) },
        { weight: 1, arbitrary: hugeBytes(256 * 1024) },
      ),
      fc.constantFrom(...SEPARATORS),
    ),
    { maxLength: 12 },
  )
  .map((pieces) => Buffer.concat(pieces.flat()));

/** Cut points (sorted, repeats allowed: a repeat is an empty chunk) into `length` bytes. */
function chunksAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = cuts.map((cut) => cut % (bytes.length + 1)).sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let previous = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(previous, point));
    previous = point;
  }
  return chunks;
}

describe('LineSplitter properties', () => {
  it(
    'gives the same events for any chunking as for one whole write, and as a plain reading of the bytes',
    () => {
      checkProperty(
        'line-splitter',
        fc.tuple(stream, fc.array(fc.nat(), { maxLength: 40 }), fc.option(fc.integer({ min: 1, max: 4096 }), { nil: undefined })),
        ([bytes, cuts, maxLineBytes]) => {
          const whole = splitChunks([bytes], maxLineBytes);
          expect(whole).toEqual(expectedEvents(bytes, maxLineBytes));
          expect(splitChunks(chunksAt(bytes, cuts), maxLineBytes)).toEqual(whole);
        },
        { share: 0.8 },
      );
    },
    timeoutFor(5, 0.8),
  );

  it(
    'gives the same events one byte at a time, from plain Uint8Array views into a larger buffer',
    () => {
      checkProperty(
        'line-splitter',
        fc.tuple(mutatedLineBytes(TRANSCRIPT_LINES, 1024), fc.constantFrom(...SEPARATORS), fc.integer({ min: 0, max: 7 })),
        ([line, separator, padding]) => {
          const bytes = Buffer.concat([line, separator, line]);
          // Chunks that are not Buffers, sharing one ArrayBuffer at an offset, as a pty may hand them.
          const backing = new Uint8Array(bytes.length + padding * 2);
          backing.set(bytes, padding);
          const views = Array.from({ length: bytes.length }, (_, index) => new Uint8Array(backing.buffer, padding + index, 1));
          expect(splitChunks(views)).toEqual(expectedEvents(bytes));
        },
        { normal: 100, share: 0.2 },
      );
    },
    timeoutFor(5, 0.2),
  );
});
