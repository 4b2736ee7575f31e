/**
 * Whether a terminal stream stops inside an escape sequence. A byte of ours (the bell) written
 * between two of Claude's chunks must not land inside one of Claude's sequences: a BEL ends an
 * OSC early (a window title would be cut short and the rest printed as text). Only the tail of
 * each chunk is looked at: sequences do not nest, so the last ESC starts the one that may be open.
 */

const ESC = 0x1b;
const BEL = 0x07;

/** Outside any sequence; inside a control sequence (ESC [ …); inside a string (OSC, DCS, APC, PM, SOS: ends with BEL or ESC \). */
export type EscapeState = 'ground' | 'control' | 'string';

/** The state after `chunk`, given the state before it. */
export function escapeStateAfter(before: EscapeState, chunk: Uint8Array): EscapeState {
  const last = chunk.lastIndexOf(ESC);
  if (last === -1) return carriedThrough(before, chunk);
  return stateFrom(chunk, last);
}

/** A chunk without ESC: a string ends only at BEL; a control sequence at its final byte. */
function carriedThrough(before: EscapeState, chunk: Uint8Array): EscapeState {
  if (before === 'ground' || chunk.length === 0) return before;
  if (before === 'string') return chunk.includes(BEL) ? 'ground' : 'string';
  return chunk.some(isFinalByte) ? 'ground' : 'control';
}

function stateFrom(chunk: Uint8Array, escAt: number): EscapeState {
  const introducer = chunk[escAt + 1];
  if (introducer === undefined) return 'control';
  // ESC \ is the string terminator: whatever was open is closed.
  if (introducer === 0x5c) return 'ground';
  const rest = chunk.subarray(escAt + 2);
  // OSC ]  DCS P  SOS X  PM ^  APC _
  if (introducer === 0x5d || introducer === 0x50 || introducer === 0x58 || introducer === 0x5e || introducer === 0x5f) return rest.includes(BEL) ? 'ground' : 'string';
  if (introducer === 0x5b) return rest.some(isFinalByte) ? 'ground' : 'control';
  // ESC ( B and the like take intermediate bytes (0x20-0x2f), then one final byte.
  if (introducer >= 0x20 && introducer <= 0x2f) return rest.some((byte) => byte >= 0x30 && byte <= 0x7e) ? 'ground' : 'control';
  // A two-byte sequence (ESC 7, ESC =, ESC M): complete.
  return 'ground';
}

function isFinalByte(byte: number): boolean {
  return byte >= 0x40 && byte <= 0x7e;
}
