import { COMMANDS, usage } from '../cli/commands.js';
import { UserError } from '../shared/errors.js';
import { exitWhenFlushed } from './exit.js';

async function main(argv: string[]): Promise<number> {
  // --debug anywhere: our log at debug level, each command's start and end in it, and where it is.
  const debug = argv.includes('--debug');
  if (debug) {
    process.env.CLAUDEWATCH_DEBUG = '1';
    const { startDebugLog } = await import('../cli/debug-log.js');
    return startDebugLog(argv.filter((arg) => arg !== '--debug'), (args) => dispatch(args));
  }
  return dispatch(argv);
}

async function dispatch(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    const { readPackageVersion } = await import('../shared/package-info.js');
    process.stdout.write(`${readPackageVersion()}\n`);
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) throw new UserError(`cw: unknown command "${name}". Run \`cw help\` for the list.`, 2);
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
