/**
 * Reading `ps` and `lsof` where there is no /proc. The lines are our own, laid out as macOS's
 * ps(1) and procps' ps(1) document their columns (numbers right-aligned, `time` as BSD's
 * minutes:seconds.hundredths or procps' [dd-]hh:mm:ss, `etime` as [[dd-]hh:]mm:ss, the command
 * last) and as lsof(8) documents its field output.
 */
import { describe, expect, it } from 'vitest';
import { environmentValue, parseLsofCwd, parsePsDuration, parsePsOutput, PS_ARGS } from '../../src/runner/ps-table.js';

const MACOS = [
  '    1     0     0  14032   2:31.74 12-04:10:33 /sbin/launchd',
  '  612     1   501  48120   0:03.21    03:12:09 /Applications/iTerm.app/Contents/MacOS/iTerm2',
  ' 8123   612   501   2960   0:00.04       41:07 -zsh',
  ' 8190  8123   501 241312  12:05.33       40:58 /Users/ada/.local/bin/claude --model opus',
  ' 8191  8190   501  10240   0:00.10       00:02 /bin/sh -c git status --short',
  '', // the trailing newline
].join('\n');

const PROCPS = ['    1     0     0 12700 00:01:38 3-03:49:40 /sbin/init splash', '  900     1  1000 88000 1-02:03:04    05:06:07 node /home/ada/.npm/_npx/cli.js', ''].join('\n');

describe('parsePsOutput', () => {
  it('reads macOS rows: pid, parent, owner, memory in bytes, CPU and running time in ms, the command with its spaces', () => {
    const rows = parsePsOutput(MACOS);
    expect(rows).toHaveLength(5);
    expect(rows[3]).toEqual({
      pid: 8190,
      ppid: 8123,
      uid: 501,
      rssBytes: 241312 * 1024,
      cpuMs: (12 * 60 + 5.33) * 1000,
      elapsedMs: (40 * 60 + 58) * 1000,
      command: '/Users/ada/.local/bin/claude --model opus',
    });
    expect(rows[0]!.elapsedMs).toBe((((12 * 24 + 4) * 60 + 10) * 60 + 33) * 1000);
    expect(rows[2]!.command).toBe('-zsh');
  });

  it('reads procps rows the same way, and skips what is not a row', () => {
    const rows = parsePsOutput(`${PROCPS}garbage line\n  12  1  0\n`);
    expect(rows.map((row) => [row.pid, row.cpuMs, row.elapsedMs])).toEqual([
      [1, 98_000, (((3 * 24 + 3) * 60 + 49) * 60 + 40) * 1000],
      [900, (((24 + 2) * 60 + 3) * 60 + 4) * 1000, ((5 * 60 + 6) * 60 + 7) * 1000],
    ]);
  });

  it('asks for the columns it reads, without headers', () => {
    expect(PS_ARGS.at(-1)).toBe('pid=,ppid=,uid=,rss=,time=,etime=,command=');
  });
});

describe('parsePsDuration', () => {
  it('takes both time layouts and refuses others', () => {
    expect(parsePsDuration('0:00.04')).toBe(40);
    expect(parsePsDuration('00:00:00')).toBe(0);
    expect(parsePsDuration('2-00:00:01')).toBe(2 * 86_400_000 + 1000);
    expect(parsePsDuration('1:2:3:4')).toBeNull();
    expect(parsePsDuration('soon')).toBeNull();
  });
});

describe('the environment and working directory', () => {
  it('finds one variable in ps -E text, not a longer name ending in it', () => {
    const text = '/Users/ada/.local/bin/claude -p hi XCLAUDEWATCH_PARENT_SESSION=no CLAUDEWATCH_PARENT_SESSION=run-42 HOME=/Users/ada\n';
    expect(environmentValue(text, 'CLAUDEWATCH_PARENT_SESSION')).toBe('run-42');
    expect(environmentValue('claude HOME=/Users/ada', 'CLAUDEWATCH_PARENT_SESSION')).toBeNull();
  });

  it('reads the cwd from lsof field output', () => {
    expect(parseLsofCwd('p8190\nfcwd\nn/Users/ada/code/my app\n')).toBe('/Users/ada/code/my app');
    expect(parseLsofCwd('p8190\n')).toBeNull();
  });
});
