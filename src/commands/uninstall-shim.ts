import { removeShim } from '../runner/shim-files.js';
import { UserError } from '../shared/errors.js';
import { resolvePaths } from '../shared/paths.js';
import { type CommandOptions, parseCommandArgs } from './options/parse.js';

/** The options `cw uninstall-shim` takes, for its parser and for shell completion. */
export const OPTIONS = { dir: { type: 'string' } } as const satisfies CommandOptions;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('uninstall-shim', argv, OPTIONS);
  if (values.help) {
    process.stdout.write('Usage: cw uninstall-shim [--dir DIR]\n\nRemove the claude shim from DIR (default ~/.local/bin).\n');
    return 0;
  }
  const result = removeShim(values.dir ?? resolvePaths().defaultShimDir);
  if ('refuse' in result) throw new UserError(`cw uninstall-shim: ${result.refuse}`);
  process.stdout.write('missing' in result ? `No shim at ${result.missing}; nothing to do.\n` : `Removed ${result.removed}\n`);
  return 0;
}
