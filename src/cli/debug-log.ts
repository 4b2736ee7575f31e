import { createFileLogger } from '../shared/log.js';
import { resolvePaths } from '../shared/paths.js';

/**
 * `cw --debug ...`: the command's start, end, exit code and time go to the log at debug level (with
 * whatever the command logs itself), a failure with its stack, and the log's place is printed on
 * stderr at the end. Secrets in the arguments are redacted by the logger.
 */
export async function startDebugLog(argv: string[], run: (argv: string[]) => Promise<number>): Promise<number> {
  const file = resolvePaths().logFile;
  const logger = createFileLogger(file, { level: 'debug' });
  const started = performance.now();
  let logged = logger.debug(`cw ${argv.join(' ')}: start (node ${process.version}, ${process.platform}, cwd ${process.cwd()})`);
  try {
    const code = await run(argv);
    logged = logger.debug(`cw ${argv[0] ?? ''}: exit ${code} after ${Math.round(performance.now() - started)} ms`) || logged;
    return code;
  } catch (error) {
    logged = logger.error(`cw ${argv[0] ?? ''}: failed after ${Math.round(performance.now() - started)} ms`, error) || logged;
    throw error;
  } finally {
    process.stderr.write(logged ? `cw: debug log in ${file}\n` : `cw: the debug log could not be written to ${file}\n`);
  }
}
