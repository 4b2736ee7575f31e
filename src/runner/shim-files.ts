import { chmodSync, existsSync, readFileSync, realpathSync, unlinkSync } from 'node:fs';
import { basename, delimiter, join, resolve } from 'node:path';
import { ensurePrivateDir, writeFileAtomic } from '../shared/private-fs.js';
import { isShim } from './find-claude.js';

export interface ShimInstallPlan {
  target: string;
  action: 'create' | 'update';
}

/** The shim with this installation's Node and entry written in, so it needs no lookup at run time. */
export function renderShim(template: string, nodePath: string, entryPath: string): string {
  return template
    .replace(`cw_node='@CW_NODE@'`, `cw_node=${shellQuote(nodePath)}`)
    .replace(`cw_entry='@CW_ENTRY@'`, `cw_entry=${shellQuote(entryPath)}`);
}

export function planShimInstall(dir: string): ShimInstallPlan | { refuse: string } {
  const target = join(resolve(dir), 'claude');
  if (!existsSync(target)) return { target, action: 'create' };
  if (isShim(target)) return { target, action: 'update' };
  return {
    refuse:
      `${target} exists and is not a ClaudeWatch shim (it looks like the real claude). ` +
      'Refusing to overwrite it: choose another directory with --dir.',
  };
}

export function writeShim(plan: ShimInstallPlan, content: string): void {
  ensureDir(resolve(plan.target, '..'));
  writeFileAtomic(plan.target, content);
  chmodSync(plan.target, 0o755);
}

export function removeShim(dir: string): { removed: string } | { refuse: string } | { missing: string } {
  const target = join(resolve(dir), 'claude');
  if (!existsSync(target)) return { missing: target };
  if (!isShim(target)) return { refuse: `${target} is not a ClaudeWatch shim; leaving it alone.` };
  unlinkSync(target);
  return { removed: target };
}

/** The line that puts `dir` first on PATH, in the user's shell's own syntax. */
export function pathLineFor(shell: string | undefined, dir: string): { line: string; file: string } {
  const name = basename(shell ?? '');
  if (name === 'fish') return { line: `fish_add_path --prepend ${shellQuote(dir)}`, file: '~/.config/fish/config.fish' };
  if (name === 'zsh') return { line: `export PATH=${shellQuote(dir)}:"$PATH"`, file: '~/.zshrc' };
  if (name === 'bash') return { line: `export PATH=${shellQuote(dir)}:"$PATH"`, file: '~/.bashrc' };
  return { line: `export PATH=${shellQuote(dir)}:"$PATH"`, file: '~/.profile' };
}

/** Whether `dir` comes before every other directory holding a `claude` on this PATH. */
export function isAheadOnPath(dir: string, pathValue: string | undefined): boolean {
  const wanted = canonical(dir);
  for (const entry of (pathValue ?? '').split(delimiter)) {
    if (entry === '') continue;
    if (canonical(entry) === wanted) return true;
    if (existsSync(join(entry, 'claude'))) return false;
  }
  return false;
}

export function readShimTemplate(file: string): string {
  return readFileSync(file, 'utf8');
}

function ensureDir(dir: string): void {
  if (!existsSync(dir)) ensurePrivateDir(dir);
}

function canonical(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return resolve(dir);
  }
}

export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
