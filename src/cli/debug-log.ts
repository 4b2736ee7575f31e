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
  logger.debug(`cw ${argv.join(' ')}: start (node ${process.version}, ${process.platform}, cwd ${process.cwd()})`);
  try {
    const code = await run(argv);
    logger.debug(`cw ${argv[0] ?? ''}: exit ${code} after ${Math.round(performance.now() - started)} ms`);
    return code;
  } catch (error) {
    logger.error(`cw ${argv[0] ?? ''}: failed after ${Math.round(performance.now() - started)} ms`, error);
    throw error;
  } finally {
    process.stderr.write(`cw: debug log in ${file}\n`);
  }
}
