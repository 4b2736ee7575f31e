import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Starts `cw ARGS` on its own, outliving us: work after a session that the shell prompt must not wait for. */
export function startDetachedCw(args: readonly string[], env: NodeJS.ProcessEnv | Record<string, string | undefined>): void {
  const cw = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'cw.js');
  const child = spawn(process.execPath, [cw, ...args], { detached: true, stdio: 'ignore', env });
  child.on('error', () => {});
  child.unref();
}
