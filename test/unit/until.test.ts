/** The tests' one way of waiting for another process. */
import { describe, expect, it } from 'vitest';
import { until } from '../support/until.js';

describe('until', () => {
  it('returns the first value that is not null, undefined or false, zero and empty text included', async () => {
    let calls = 0;
    const reads: unknown[] = [null, undefined, false, 0];
    expect(await until(() => reads[calls++], 'a value', { intervalMs: 1 })).toBe(0);
    expect(calls).toBe(4);
    expect(await until(async () => '', 'text', { intervalMs: 1 })).toBe('');
  });

  it('takes a throw for "not yet"', async () => {
    let calls = 0;
    const read = (): string => {
      calls += 1;
      if (calls < 3) throw new Error('half written');
      return 'whole';
    };
    expect(await until(read, 'the file', { intervalMs: 1 })).toBe('whole');
  });

  it('names what it waited for, the last error and what it saw when time runs out', async () => {
    const waiting = until(
      () => {
        throw new Error('not listening');
      },
      'the server',
      { timeoutMs: 30, intervalMs: 5, seen: () => ({ requests: 0 }) },
    );
    await expect(waiting).rejects.toThrow(/^timed out after 30 ms waiting for the server\nlast error: not listening\nseen: \{\n {2}"requests": 0\n\}$/);
  });
});
