import { findRealClaude } from '../runner/find-claude.js';
import { configuredRealClaude, loadConfig } from '../shared/config.js';
import { UserError } from '../shared/errors.js';
import { resolvePaths } from '../shared/paths.js';
import { type CommandOptions, parseCommandArgs } from './options/parse.js';

/** The options `cw which` takes, for its parser and for shell completion. */
export const OPTIONS = {} as const satisfies CommandOptions;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('which', argv, OPTIONS);
  if (values.help) {
    process.stdout.write('Usage: cw which\n\nPrint the path of the real claude binary that the shim and cw-run start.\n');
    return 0;
  }
  const paths = resolvePaths();
  try {
    const found = findRealClaude({ env: process.env, configuredPath: configuredRealClaude(loadConfig(paths.configFile).config), shimDirs: shimDirsFromEnv() });
    process.stdout.write(`${found.path}\n`);
    return 0;
  } catch (error) {
    throw new UserError(error instanceof Error ? error.message : String(error), 127);
  }
}

function shimDirsFromEnv(): string[] {
  return process.env.CLAUDEWATCH_SHIM_DIR ? [process.env.CLAUDEWATCH_SHIM_DIR] : [];
}
