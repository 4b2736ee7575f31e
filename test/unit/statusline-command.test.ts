/** The user's own statusline, run after ours with the same input. */
import { describe, expect, it } from 'vitest';
import { runStatuslineCommand } from '../../src/runner/statusline-command.js';

const env = { PATH: '/usr/bin:/bin' };

describe('runStatuslineCommand', () => {
  it('gives the first line of what the command printed from the same input', () => {
    expect(runStatuslineCommand(`sed 's/^/got /'; echo; echo second`, '{"a":1}', env)).toBe('got {"a":1}');
  });

  it('keeps the output of a command that never reads its input', () => {
    // The input is written after `echo` has exited: the write fails with EPIPE, the line still counts.
    expect(runStatuslineCommand('echo theirs', 'x'.repeat(1 << 20), env)).toBe('theirs');
  });

  it('gives nothing for a command that fails silently or outlives its time', () => {
    expect(runStatuslineCommand('exit 3', '{}', env)).toBe('');
    const started = Date.now();
    expect(runStatuslineCommand('exec sleep 5', '{}', env, 200)).toBe('');
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('parseStatuslineArgs', () => {
  it('takes --then in either spelling and ignores what it does not know', async () => {
    const { parseStatuslineArgs } = await import('../../src/commands/statusline.js');
    expect(parseStatuslineArgs(['--then', 'echo a b'])).toEqual({ then: 'echo a b', help: false });
    expect(parseStatuslineArgs(['--unknown', '--then=x', '-h'])).toEqual({ then: 'x', help: true });
    expect(parseStatuslineArgs(['--then'])).toEqual({ then: null, help: false });
    expect(parseStatuslineArgs(['--then', '  '])).toEqual({ then: null, help: false });
  });
});
