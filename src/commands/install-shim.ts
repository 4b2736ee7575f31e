import { describeOurCommands, findOurCommands } from '../runner/command-path.js';
import { isAheadOnPath, pathLineFor, planShimInstall, readShimTemplate, renderShim, writeShim } from '../runner/shim-files.js';
import { UserError } from '../shared/errors.js';
import { PACKAGE_ROOT, SHIM_ENTRY, SHIM_TEMPLATE } from '../shared/package-info.js';
import { resolvePaths } from '../shared/paths.js';
import { type CommandOptions, parseCommandArgs } from './options/parse.js';
import { existsSync } from 'node:fs';

/** The options `cw install-shim` takes, for its parser and for shell completion. */
export const OPTIONS = { dir: { type: 'string' } } as const satisfies CommandOptions;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('install-shim', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(
      'Usage: cw install-shim [--dir DIR]\n\nInstall the claude shim into DIR (default ~/.local/bin) and print the PATH line that puts it first.\n',
    );
    return 0;
  }
  const dir = values.dir ?? resolvePaths().defaultShimDir;
  if (!existsSync(SHIM_ENTRY)) throw new UserError(`cw install-shim: ${SHIM_ENTRY} is missing; run \`npm run build\` first.`);
  const plan = planShimInstall(dir);
  if ('refuse' in plan) throw new UserError(`cw install-shim: ${plan.refuse}`);
  writeShim(plan, renderShim(readShimTemplate(SHIM_TEMPLATE), process.execPath, SHIM_ENTRY));
  process.stdout.write(`${plan.action === 'create' ? 'Installed' : 'Updated'} the claude shim at ${plan.target}\n`);
  if (isAheadOnPath(dir, process.env.PATH)) {
    process.stdout.write('It is already first on your PATH: `claude` now runs through ClaudeWatch.\n');
  } else {
    const { line, file } = pathLineFor(process.env.SHELL, dir);
    process.stdout.write(`Put it ahead of the real claude on PATH: add this line to ${file}, then open a new shell:\n\n  ${line}\n\n`);
  }
  // The shim records sessions; cw and cw-run are how a person sees them.
  const commands = findOurCommands(process.env.PATH, PACKAGE_ROOT);
  process.stdout.write(`${describeOurCommands(commands, PACKAGE_ROOT, process.env.SHELL).join('\n')}\n`);
  return 0;
}
