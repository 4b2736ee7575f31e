import { spawnSync } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { findRealClaude } from '../runner/find-claude.js';
import { runSession } from '../runner/run-session.js';
import { exitWhenFlushed } from './exit.js';

/**
 * What shims/claude runs. Every argument is Claude's. If anything of ours throws before Claude
 * has run, Claude is run plainly: the user gets Claude either way.
 */
const args = process.argv.slice(2);
const shimDirs = process.env.CLAUDEWATCH_SHIM_DIR ? [process.env.CLAUDEWATCH_SHIM_DIR] : [];

runSession({ claudeArgs: args, shimDirs }).then(exitWhenFlushed, (error: unknown) => {
  let real: string;
  try {
    real = findRealClaude({ env: process.env, shimDirs }).path;
  } catch {
    process.stderr.write(`claudewatch: ${error instanceof Error ? error.message : String(error)}\n`);
    exitWhenFlushed(127);
    return;
  }
  const result = spawnSync(real, args, { stdio: 'inherit' });
  exitWhenFlushed(result.status ?? (result.signal ? 128 + (osConstants.signals[result.signal] ?? 0) : 1));
});
