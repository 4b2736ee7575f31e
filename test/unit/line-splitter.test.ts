import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/core/line-splitter.js';

function split(chunks: Buffer[], maxLineBytes?: number): { lines: string[]; oversized: number[] } {
  const lines: string[] = [];
  const oversized: number[] = [];
  const splitter = new LineSplitter({ onLine: (line) => lines.push(line), onOversizedLine: (n) => oversized.push(n), ...(maxLineBytes ? { maxLineBytes } : {}) });
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return { lines, oversized };
}

describe('LineSplitter', () => {
  const text = '{"a":1}\n{"b":"é€😀"}\r\n\nlast without newline';
  const whole = Buffer.from(text);

  it('gives the same lines for every way of cutting the stream into chunks', () => {
    const expected = split([whole]).lines;
    expect(expected).toEqual(['{"a":1}', '{"b":"é€😀"}', '', 'last without newline']);
    for (let size = 1; size <= whole.length; size++) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < whole.length; i += size) chunks.push(whole.subarray(i, i + size));
      expect(split(chunks).lines).toEqual(expected);
    }
  });

  it('rejoins a multi-byte character cut between two chunks', () => {
    const bytes = Buffer.from('€\n');
    expect(split([bytes.subarray(0, 1), bytes.subarray(1, 2), bytes.subarray(2)]).lines).toEqual(['€']);
  });

  it('reports a line over the limit instead of buffering it, and goes on', () => {
    const long = Buffer.alloc(100, 0x61);
    const { lines, oversized } = split([Buffer.from('ok\n'), long.subarray(0, 60), long.subarray(60), Buffer.from('\nnext\n')], 64);
    expect(lines).toEqual(['ok', 'next']);
    expect(oversized).toEqual([100]);
  });

  it('does not keep a reference to the caller’s buffer', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter({ onLine: (line) => lines.push(line) });
    const chunk = Buffer.from('abc');
    splitter.push(chunk);
    chunk.fill(0x7a);
    splitter.push(Buffer.from('\n'));
    expect(lines).toEqual(['abc']);
  });
});
