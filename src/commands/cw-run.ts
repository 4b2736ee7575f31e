import { runSession } from '../runner/launch.js';
import { resolvePaths } from '../shared/paths.js';
import { parseRunArgs, RUN_USAGE } from './options/run-args.js';

/** `cw-run [our options] [--] <claude arguments>`: a session with our options, Claude's exit code. */
export async function run(argv: string[]): Promise<number> {
  const args = parseRunArgs(argv);
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
