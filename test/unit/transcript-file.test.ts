import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { completeLines } from '../../src/ingest/transcript-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cw-lines-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function file(content: string | Buffer): string {
  const path = join(dir, 't.jsonl');
  writeFileSync(path, content);
  return path;
}

/** The lines decoded, with their offsets; the bytes are views, so each is read before the next. */
function read(path: string, offset = 0, options: Parameters<typeof completeLines>[2] = {}): Array<{ line: string; end: number }> {
  return Array.from(completeLines(path, offset, options), ({ bytes, end }) => ({ line: bytes.toString('utf8'), end }));
}

describe('completeLines', () => {
  const text = '{"a":1}\r\n\n{"b":"é – 😀"}\n{"c":3}\ntorn';

  it.each([1, 3, 7, 64, 1024 * 1024])('gives every complete line with the offset after it, whatever the chunk (%i bytes)', (size) => {
    const lines = read(file(text), 0, { buffer: Buffer.alloc(size) });
    const bytes = Buffer.byteLength('{"b":"é – 😀"}');
    expect(lines).toEqual([
      { line: '{"a":1}', end: 9 },
      { line: '', end: 10 },
      { line: '{"b":"é – 😀"}', end: 11 + bytes },
      { line: '{"c":3}', end: 19 + bytes },
    ]);
  });

  it('resumes at an offset it gave, and waits for a last line without its newline', () => {
    const path = file(text);
    const all = read(path);
    expect(read(path, all[1]!.end)).toEqual(all.slice(2));
    expect(read(path, all.at(-1)!.end)).toEqual([]);
  });

  it('skips a line over the limit, counting its bytes, and goes on', () => {
    const sizes: number[] = [];
    const lines = read(file('{"x":"0123456789"}\n{"y":1}\n'), 0, { maxLineBytes: 10, buffer: Buffer.alloc(4), onOversized: (bytes) => sizes.push(bytes) });
    expect(lines).toEqual([{ line: '{"y":1}', end: 27 }]);
    expect(sizes).toEqual([18]);
  });

  it('has no lines for a missing file', () => {
    expect(read(join(dir, 'missing.jsonl'))).toEqual([]);
  });
});
