import { describe, expect, it } from 'vitest';
import { escapeStateAfter, type EscapeState } from '../../src/core/escape-sequences.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
/** The state after each chunk in turn, from the ground. */
const after = (...chunks: string[]): EscapeState => chunks.reduce<EscapeState>((state, chunk) => escapeStateAfter(state, bytes(chunk)), 'ground');

describe('escapeStateAfter', () => {
  it('plain text and complete sequences end on the ground', () => {
    expect(after('hello')).toBe('ground');
    expect(after('\x1b[2J\x1b[1;1Hhi')).toBe('ground');
    expect(after('\x1b]0;title\x07text')).toBe('ground');
    expect(after('\x1b]0;title\x1b\\')).toBe('ground');
    expect(after('\x1b(B')).toBe('ground');
    expect(after('\x1b7')).toBe('ground');
  });

  it('a sequence cut at the end of a chunk is open until a later chunk ends it', () => {
    // A window title cut in two: a BEL of ours here would end it early.
    expect(after('\x1b]0;Claude ')).toBe('string');
    expect(after('\x1b]0;Claude ', 'Code')).toBe('string');
    expect(after('\x1b]0;Claude ', 'Code\x07')).toBe('ground');
    expect(after('\x1b]0;Claude ', 'Code\x1b', '\\')).toBe('ground');
    expect(after('\x1b[38;5')).toBe('control');
    expect(after('\x1b[38;5', ';208m')).toBe('ground');
    expect(after('text\x1b')).toBe('control');
    expect(after('text\x1b', '[0m')).toBe('ground');
    expect(after('\x1bP1$r')).toBe('string');
    expect(after('\x1b(')).toBe('control');
  });

  it('an empty chunk changes nothing', () => {
    expect(after('\x1b]0;x', '')).toBe('string');
    expect(after('')).toBe('ground');
  });
});
