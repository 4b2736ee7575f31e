import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { isatty } from 'node:tty';
import { describeRunContext, type RunContext } from '../core/run-context.js';
import { machineName, userName } from '../shared/identity.js';

/** Where this process runs. Every probe is guarded: a missing /proc or marker only means less is known. */
export function probeRunContext(env: Record<string, string | undefined> = process.env): RunContext {
  return describeRunContext({
    env,
    tty: stdinTerminal(),
    pid: process.pid,
    ppid: process.ppid,
    user: userName() ?? env.USER ?? 'unknown',
    host: machineName() ?? 'unknown',
    container: {
      cgroup: attempt(() => readFileSync('/proc/1/cgroup', 'utf8')),
      dockerEnv: attempt(() => existsSync('/.dockerenv')) ?? false,
      podmanEnv: attempt(() => existsSync('/run/.containerenv')) ?? false,
    },
  });
}

/** Asks fd 0 directly rather than process.stdin.isTTY, which would create a stream on stdin just to answer. */
function stdinTerminal(): string | null {
  if (!isatty(0)) return null;
  // A terminal we cannot name (no /proc) is still a terminal: someone is typing.
  return attempt(() => readlinkSync('/proc/self/fd/0')) ?? '/dev/tty';
}

function attempt<T>(read: () => T): T | null {
  try {
    return read();
  } catch {
    return null;
  }
}
