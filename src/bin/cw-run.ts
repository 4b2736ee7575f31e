#!/usr/bin/env node
import { parseRunArgs, RUN_USAGE } from '../cli/run-args.js';
import { runSession } from '../runner/run-session.js';
import { UserError } from '../shared/errors.js';
import { resolvePaths } from '../shared/paths.js';
import { exitWhenFlushed } from './exit.js';

async function main(): Promise<number> {
  const args = parseRunArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(RUN_USAGE);
    return 0;
  }
  if (args.debug) process.env.CLAUDEWATCH_DEBUG = '1';
  const code = await runSession({
    claudeArgs: args.claudeArgs,
    sessionType: args.sessionType,
    projectPath: args.projectPath,
    stateFile: args.stateFile,
    isolation: args.isolation,
    verbose: args.verbose,
  });
  if (args.debug) process.stderr.write(`cw-run: debug log in ${resolvePaths().logFile}\n`);
  return code;
}

main().then(exitWhenFlushed, (error: unknown) => {
  if (error instanceof UserError) {
    process.stderr.write(`${error.message}\n`);
    exitWhenFlushed(error.exitCode);
    return;
  }
  process.stderr.write(`cw-run: ${error instanceof Error ? error.message : String(error)}\n`);
  exitWhenFlushed(1);
});
