import { spawn } from 'node:child_process';
import type { ChildExit } from './exit-code.js';
import type { Relay, RelayRequest } from './relay.js';

/**
 * Claude with our stdio as its own: nothing to observe, nothing in the way. Used for pipelines
 * that are not print mode, for management subcommands, and as the fallback when anything of
 * ours fails before Claude starts.
 */
export function startInheritRelay(request: RelayRequest): Relay {
  const child = spawn(request.file, [...request.args], { cwd: request.cwd, env: request.env, stdio: 'inherit' });
  const exited = new Promise<ChildExit>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ exitCode: code ?? 1, signal }));
  });
  return {
    pid: child.pid ?? -1,
    exited,
    forwardSignal(signal) {
      try {
        child.kill(signal);
      } catch {
        // Already gone.
      }
    },
  };
}
