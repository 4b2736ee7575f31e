import { describe, expect, it } from 'vitest';
import { takeGlobalOptions } from '../../src/cli/global-options.js';
import { closestWord } from '../../src/core/suggest.js';

describe('takeGlobalOptions', () => {
  it('takes --color, --no-color and --debug wherever they stand, before a --', () => {
    expect(takeGlobalOptions(['report', '--color', 'daily'])).toEqual({ args: ['report', 'daily'], debug: false, colour: true });
    expect(takeGlobalOptions(['--no-color', '--debug', 'status'])).toEqual({ args: ['status'], debug: true, colour: false });
    expect(takeGlobalOptions(['--color=auto', 'status']).colour).toBeNull();
    expect(takeGlobalOptions(['--color=never', 'status']).colour).toBe(false);
    // After `--` everything is the command's.
    expect(takeGlobalOptions(['complete', '--', 'report', '--color'])).toEqual({ args: ['complete', '--', 'report', '--color'], debug: false, colour: null });
  });

  it('refuses a --color it does not know', () => {
    expect(() => takeGlobalOptions(['--color=sometimes'])).toThrow('--color takes always, never or auto, got "sometimes".');
  });
});

describe('closestWord', () => {
  it('finds a typo, a swap and a prefix, and guesses nothing far off', () => {
    expect(closestWord('repotr', ['report', 'prune', 'prices'])).toBe('report');
    expect(closestWord('sesions', ['sessions', 'status'])).toBe('sessions');
    expect(closestWord('dash', ['dashboard', 'doctor'])).toBe('dashboard');
    expect(closestWord('xyz', ['report', 'status'])).toBeNull();
    expect(closestWord('st', ['status', 'statusline'])).toBeNull();
  });
});
