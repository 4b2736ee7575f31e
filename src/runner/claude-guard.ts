import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';

/**
 * Claude never outlives us unseen. Node cannot ask the kernel for a signal when its parent dies
 * (PR_SET_PDEATHSIG), so a small sh waits on a pipe only we hold: when we end without saying
 * Claude is done (kill -9, a crash), the pipe closes and the guard sends Claude SIGTERM, as the
 * signal that ended us would have reached Claude had it run on its own. The terminal's keys
 * (Ctrl+C, Ctrl+\) and a hang-up are for Claude and us, not for the guard.
 */
const GUARD_SCRIPT = `trap '' INT QUIT HUP TSTP TTIN TTOU; read -r _ || kill -TERM "$1" 2>/dev/null`;

export interface ClaudeGuard {
  /** Claude has ended (or was handed on): the guard leaves without a signal. */
  release(): void;
}

export function guardClaude(claudePid: number): ClaudeGuard {
  const guard = spawn('/bin/sh', ['-c', GUARD_SCRIPT, 'claudewatch-guard', String(claudePid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
    // Only what sh needs: nothing of the user's environment reaches a process that runs nothing.
    env: { PATH: '/usr/bin:/bin' },
  });
  // Neither the guard nor its pipe keeps our process alive.
  guard.unref();
  const stdin = guard.stdin as Socket;
  stdin.unref();
  stdin.on('error', () => {
    // The guard is gone (killed with its process group): nothing to release.
  });
  guard.on('error', () => {
    // No /bin/sh: Claude simply is not guarded.
  });
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      stdin.end('done\n');
    },
  };
}
