/** What the screen watcher's emulator gets of Claude's output: batches, within a budget. */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { ScreenBatches } from '../../src/runner/screen-batches.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function harness(): { batches: ScreenBatches; delivered: Buffer[]; text: () => string } {
  const delivered: Buffer[] = [];
  const batches = new ScreenBatches({ deliver: (batch) => delivered.push(batch) });
  return { batches, delivered, text: () => Buffer.concat(delivered).toString() };
}

it('hands chunks over in batches: 25 ms after the first, or at once when 64 KB wait', () => {
  const h = harness();
  h.batches.write(Buffer.from('a'));
  h.batches.write(Buffer.from('b'));
  vi.advanceTimersByTime(24);
  expect(h.delivered).toEqual([]);
  h.batches.write(Buffer.from('c'));
  vi.advanceTimersByTime(1);
  expect(h.delivered.map(String)).toEqual(['abc']);

  h.batches.write(Buffer.alloc(40 * 1024, 'x'));
  expect(h.delivered).toHaveLength(1);
  h.batches.write(Buffer.alloc(24 * 1024, 'y'));
  expect(h.delivered).toHaveLength(2);
  expect(h.delivered[1]).toHaveLength(64 * 1024);
  vi.advanceTimersByTime(1000);
  expect(h.delivered).toHaveLength(2);
});

it('gives everything, in order, to a screen painting within the budget', () => {
  const h = harness();
  let written = '';
  // 8 KB every 50 ms is 160 KB a second, a busy screen of Claude's.
  for (let frame = 0; frame < 100; frame++) {
    const paint = `${String(frame).padStart(4, '0')}${'.'.repeat(8 * 1024 - 4)}`;
    written += paint;
    h.batches.write(Buffer.from(paint));
    vi.advanceTimersByTime(50);
  }
  expect(h.text()).toBe(written);
  expect(h.batches.flooding).toBe(false);
});

it('skips a flood past its budget and, once output slows, hands over the tail that ends it', () => {
  const h = harness();
  const chunk = (index: number): Buffer => Buffer.from(`${String(index).padStart(8, '0')}${'z'.repeat(4096 - 8)}`);
  // 20 MB at 32 MB a second, in the 4 KB chunks a pty reads.
  const chunks = 5000;
  for (let index = 0; index < chunks; index++) {
    h.batches.write(chunk(index));
    if (index % 16 === 15) vi.advanceTimersByTime(2);
  }
  expect(h.batches.flooding).toBe(true);
  const duringFlood = h.delivered.reduce((sum, batch) => sum + batch.length, 0);
  expect(duringFlood).toBeLessThanOrEqual(256 * 1024);

  vi.advanceTimersByTime(1000);
  expect(h.batches.flooding).toBe(false);
  const tail = h.delivered.at(-1)!.toString();
  expect(tail.endsWith(chunk(chunks - 1).toString())).toBe(true);
  expect(tail.length).toBeGreaterThanOrEqual(128 * 1024);
  expect(tail.length).toBeLessThanOrEqual(128 * 1024 + 4096);

  // Claude's own pace again: every byte reaches the emulator.
  h.batches.write(Buffer.from('next frame'));
  vi.advanceTimersByTime(25);
  expect(h.delivered.at(-1)!.toString()).toBe('next frame');
});

it('stays in a flood while output outruns the budget, even slowly', () => {
  const h = harness();
  h.batches.write(Buffer.alloc(300 * 1024, 'f'));
  expect(h.batches.flooding).toBe(true);
  // 400 KB a second, for five seconds.
  for (let step = 0; step < 100; step++) {
    h.batches.write(Buffer.alloc(20 * 1024, 'g'));
    vi.advanceTimersByTime(50);
  }
  expect(h.batches.flooding).toBe(true);
  expect(h.delivered).toEqual([]);
});

it('hands nothing over once disposed', () => {
  const h = harness();
  h.batches.write(Buffer.from('late'));
  h.batches.dispose();
  vi.advanceTimersByTime(1000);
  h.batches.write(Buffer.from('later'));
  vi.advanceTimersByTime(1000);
  expect(h.delivered).toEqual([]);
});
