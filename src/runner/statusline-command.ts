import { spawnSync } from 'node:child_process';

type Env = Record<string, string | undefined>;

/** Claude asks again soon enough; a statusline that takes longer than this is shown without it. */
export const PREVIOUS_STATUSLINE_TIMEOUT_MS = 2000;

/**
 * Runs the user's own statusline command as Claude would: through the shell, with the same JSON
 * on stdin. Returns its first line of output, or '' if it failed, timed out or printed nothing.
 */
export function runStatuslineCommand(command: string, input: string, env: Env, timeoutMs = PREVIOUS_STATUSLINE_TIMEOUT_MS): string {
  const result = spawnSync('/bin/sh', ['-c', command], {
    input,
    env,
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    stdio: ['pipe', 'pipe', 'ignore'],
    maxBuffer: 1024 * 1024,
  });
  // What it printed counts even with an error: a command that never reads its input (`echo hi`)
  // can exit before the input is written, and the write fails with EPIPE.
  if (typeof result.stdout !== 'string') return '';
  return (result.stdout.split('\n')[0] ?? '').replace(/\r$/, '');
}
