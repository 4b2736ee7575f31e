import { COMMANDS, completeCommandLine, usage } from '../cli/commands.js';
import { takeGlobalOptions } from '../cli/global-options.js';
import { UserError } from '../shared/errors.js';
import { exitWhenFlushed } from './exit.js';

async function main(argv: string[]): Promise<number> {
  const { args, debug, colour } = takeGlobalOptions(argv);
  // The painters read FORCE_COLOR, as chalk does: a flag on the command line outranks the environment.
  if (colour !== null) process.env.FORCE_COLOR = colour ? '1' : '0';
  // --debug anywhere: our log at debug level, each command's start and end in it, and where it is.
  if (debug) {
    process.env.CLAUDEWATCH_DEBUG = '1';
    const { startDebugLog } = await import('../cli/debug-log.js');
    return startDebugLog(args, (rest) => dispatch(rest));
  }
  return dispatch(args);
}

async function dispatch(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v' || name === '-V' || name === 'version') {
    const { readPackageVersion } = await import('../shared/package-info.js');
    process.stdout.write(`${readPackageVersion()}\n`);
    return 0;
  }
  if (name === 'help') return dispatch([rest[0]!, '--help']);
  // What the scripts of `cw completion` ask on each Tab: cw complete -- WORDS.
  if (name === 'complete') {
    await completeCommandLine(rest[0] === '--' ? rest.slice(1) : rest);
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    const { unknownCommand } = await import('../cli/unknown-command.js');
    throw unknownCommand(name);
  }
  const command = await entry.load();
  const code = await command.run(rest);
  if (code === 0 && !entry.quiet) {
    const { noteDailyAnalysis } = await import('../commands/daily-analysis.js');
    await noteDailyAnalysis(rest);
  }
  return code;
}

/** `cw` with every command but the statusline: the command table, the daily note, errors as exit codes. */
export function runCw(argv: string[]): void {
  main(argv).then(exitWhenFlushed, exitOnError);
}

function exitOnError(error: unknown): void {
  if (error instanceof UserError) {
    process.stderr.write(`${error.message}\n`);
    exitWhenFlushed(error.exitCode);
    return;
  }
  process.stderr.write(`cw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  exitWhenFlushed(1);
}
