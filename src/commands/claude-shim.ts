import { spawnSync } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { printable } from '../core/text-escape.js';
import { findRealClaude } from '../runner/find-claude.js';
import { runSession } from '../runner/launch.js';

/**
 * What shims/claude runs. Every argument is Claude's. If anything of ours throws before Claude
 * has run, Claude is run plainly: the user gets Claude either way.
 */
export async function run(args: string[], env = process.env): Promise<number> {
  const shimDirs = env.CLAUDEWATCH_SHIM_DIR ? [env.CLAUDEWATCH_SHIM_DIR] : [];
  try {
    return await runSession({ claudeArgs: args, shimDirs });
  } catch (error) {
    let real: string;
    try {
      real = findRealClaude({ env, shimDirs }).path;
    } catch {
      process.stderr.write(`claudewatch: ${printable(error instanceof Error ? error.message : String(error))}\n`);
      return 127;
    }
    const result = spawnSync(real, args, { stdio: 'inherit' });
    return result.status ?? (result.signal ? 128 + (osConstants.signals[result.signal] ?? 0) : 1);
  }
}
