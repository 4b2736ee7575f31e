import { spawnSync } from 'node:child_process';
import { printable } from '../core/text-escape.js';
import { exitStatusOf, exitWithCode, type ExitStatus } from '../runner/exit-code.js';
import { findRealClaude } from '../runner/find-claude.js';
import { runSession } from '../runner/launch.js';

/**
 * What shims/claude runs. Every argument is Claude's. If anything of ours throws before Claude
 * has run, Claude is run plainly: the user gets Claude either way.
 */
export async function run(args: string[], env = process.env): Promise<ExitStatus> {
  const shimDirs = env.CLAUDEWATCH_SHIM_DIR ? [env.CLAUDEWATCH_SHIM_DIR] : [];
  try {
    return await runSession({ claudeArgs: args, shimDirs });
  } catch (error) {
    let real: string;
    try {
      real = findRealClaude({ env, shimDirs }).path;
    } catch {
      process.stderr.write(`claudewatch: ${printable(error instanceof Error ? error.message : String(error))}\n`);
      return exitWithCode(127);
    }
    const result = spawnSync(real, args, { stdio: 'inherit' });
    return exitStatusOf({ exitCode: result.status ?? 1, signal: result.signal });
  }
}
