import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NoticeQueue } from '../../src/runner/notice-queue.js';

const BELL = Uint8Array.of(0x07);

/** Claude's chunks and our notices through the queue, as the terminal receives them. */
function terminal() {
  let received = '';
  const out = { write: (bytes: Uint8Array | string) => ((received += typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('latin1')), true) };
  const queue = new NoticeQueue(out);
  return {
    queue,
    claude: (text: string) => {
      out.write(text);
      queue.after(Buffer.from(text, 'latin1'));
    },
    received: () => received,
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('NoticeQueue', () => {
  it('rings at once between sequences', () => {
    const t = terminal();
    t.claude('\x1b]0;Claude Code\x07hello');
    t.queue.write(BELL);
    expect(t.received()).toBe('\x1b]0;Claude Code\x07hello\x07');
  });

  it('holds the bell while Claude’s window title is cut between chunks, and rings after it ends', () => {
    const t = terminal();
    t.claude('\x1b]0;Claude ');
    t.queue.write(BELL);
    t.claude('Code');
    expect(t.received()).toBe('\x1b]0;Claude Code');
    t.claude('\x07more');
    expect(t.received()).toBe('\x1b]0;Claude Code\x07more\x07');
  });

  it('rings after a second at the latest, should Claude never end the sequence', () => {
    const t = terminal();
    t.claude('\x1b[38;5');
    t.queue.write(BELL);
    vi.advanceTimersByTime(999);
    expect(t.received()).toBe('\x1b[38;5');
    vi.advanceTimersByTime(1);
    expect(t.received()).toBe('\x1b[38;5\x07');
  });

  it('drops what it holds once Claude is gone', () => {
    const t = terminal();
    t.claude('\x1b]0;x');
    t.queue.write(BELL);
    t.queue.dispose();
    vi.advanceTimersByTime(5000);
    expect(t.received()).toBe('\x1b]0;x');
  });
});
