import { closeSync, openSync, readSync, realpathSync } from 'node:fs';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { isExecutableFile } from './find-claude.js';
import { pathLineFor, shellQuote } from './shim-files.js';

/** Our own commands, each with the entry file its bin runs. */
const OUR_COMMANDS = ['cw', 'cw-run'] as const;

export interface CommandOnPath {
  name: (typeof OUR_COMMANDS)[number];
  /** The first executable of that name on PATH, or null. */
  found: string | null;
  /** It runs this installation (a link to our entry, or a script naming it), not another copy. */
  ours: boolean;
}

/** What a shell finds for `cw` and `cw-run`. */
export function findOurCommands(pathValue: string | undefined, packageRoot: string): CommandOnPath[] {
  return OUR_COMMANDS.map((name) => {
    const entry = join(packageRoot, 'dist', 'bin', `${name}.js`);
    for (const dir of (pathValue ?? '').split(delimiter)) {
      if (dir === '') continue;
      const candidate = join(dir, name);
      if (isExecutableFile(candidate)) return { name, found: candidate, ours: runsEntry(candidate, entry) };
    }
    return { name, found: null, ours: false };
  });
}

/** Whether they are all there and ours. */
export function allOnPath(commands: readonly CommandOnPath[]): boolean {
  return commands.every((command) => command.ours);
}

/**
 * What to say about them: where they are, or how to put them on PATH. A global install's bin
 * folder may simply be missing from PATH; a checkout is linked with `npm link`.
 */
export function describeOurCommands(commands: readonly CommandOnPath[], packageRoot: string, shell: string | undefined): string[] {
  if (allOnPath(commands)) return [`${commands.map((command) => `\`${command.name}\``).join(' and ')} are on your PATH (${commands.map((command) => command.found).join(', ')}).`];
  const lines = commands
    .filter((command) => command.found !== null && !command.ours)
    .map((command) => `\`${command.name}\` on your PATH is ${command.found}, which is not this installation (${packageRoot}).`);
  const missing = commands.filter((command) => command.found === null).map((command) => `\`${command.name}\``);
  if (missing.length > 0) lines.push(`${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not on your PATH.`);
  const globalBin = globalBinOf(packageRoot);
  if (globalBin !== null) {
    const { line, file } = pathLineFor(shell, globalBin);
    lines.push(`They are installed in ${globalBin}; add this line to ${file}, then open a new shell:`, '', `  ${line}`, '');
  } else {
    lines.push(`To put them there, link this checkout into npm's global bin folder ($(npm prefix -g)/bin, on PATH in most setups):`, '', `  cd ${shellQuote(packageRoot)} && npm link`, '');
    const entries = commands.map((command) => `node ${join(packageRoot, 'dist', 'bin', `${command.name}.js`)}`);
    lines.push(`Until then, run them as ${entries.map((entry) => `\`${entry}\``).join(' and ')}.`);
  }
  return lines;
}

/** `<prefix>/bin` for a package installed globally in `<prefix>/lib/node_modules/<name>`. */
function globalBinOf(packageRoot: string): string | null {
  const modules = dirname(resolve(packageRoot));
  if (basename(modules) !== 'node_modules' || basename(dirname(modules)) !== 'lib') return null;
  return join(dirname(dirname(modules)), 'bin');
}

function runsEntry(candidate: string, entry: string): boolean {
  try {
    if (realpathSync(candidate) === realpathSync(entry)) return true;
  } catch {
    return false;
  }
  // A wrapper script (npm's on some systems, or the user's own) that names our entry.
  let fd: number | null = null;
  try {
    fd = openSync(candidate, 'r');
    const head = Buffer.alloc(4096);
    return head.subarray(0, readSync(fd, head, 0, head.length, 0)).includes(entry);
  } catch {
    return false;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
