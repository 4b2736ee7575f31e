import { exitWithCode, type ExitStatus } from '../runner/exit-code.js';
import { runSession } from '../runner/run-session.js';
import { createFileLogger } from '../shared/log.js';
import { resolvePaths } from '../shared/paths.js';
import { parseRunArgs, RUN_USAGE } from './options/run-args.js';

/** `cw-run [our options] [--] <claude arguments>`: a session with our options, Claude's exit code. */
export async function run(argv: string[]): Promise<ExitStatus> {
  const args = parseRunArgs(argv);
  if (args.help) {
    process.stdout.write(RUN_USAGE);
    return exitWithCode(0);
  }
  if (args.debug) process.env.CLAUDEWATCH_DEBUG = '1';
  const status = await runSession({
    claudeArgs: args.claudeArgs,
    sessionType: args.sessionType,
    projectPath: args.projectPath,
    stateFile: args.stateFile,
    isolation: args.isolation,
    verbose: args.verbose,
  });
  if (args.debug) {
    // Named only once it holds the session's end: a log that could not be written is said so.
    const file = resolvePaths().logFile;
    const logged = createFileLogger(file, { level: 'debug' }).debug(`cw-run: claude ended (${status.signal ?? `exit ${status.code}`})`);
    process.stderr.write(logged ? `cw-run: debug log in ${file}\n` : `cw-run: the debug log could not be written to ${file}\n`);
  }
  return status;
}
