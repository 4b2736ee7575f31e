import { accessSync, closeSync, constants, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

/** The line every copy of our shim carries, so no copy is ever taken for the real claude. */
export const SHIM_MARKER = 'CLAUDEWATCH_SHIM';

export type ClaudeSource = 'env' | 'config' | 'path';

export interface FoundClaude {
  path: string;
  source: ClaudeSource;
}

export interface ClaudeSearch {
  env: Record<string, string | undefined>;
  configuredPath?: string | undefined;
  /** Directories that hold our shim; never searched. */
  shimDirs?: readonly string[];
}

export class ClaudeNotFoundError extends Error {
  constructor(
    message: string,
    readonly searched: string[],
  ) {
    super(message);
    this.name = 'ClaudeNotFoundError';
  }
}

/** A shim that would run itself (or another copy of itself) is refused, never followed. */
export class ShimLoopError extends Error {
  constructor(readonly path: string) {
    super(
      `${path} is a ClaudeWatch shim, not the real claude; refusing to run it (that would call the shim again). ` +
        'Set CLAUDEWATCH_REAL_CLAUDE to the real binary, e.g. the output of `cw which` before the shim was installed.',
    );
    this.name = 'ShimLoopError';
  }
}

/**
 * The real claude: CLAUDEWATCH_REAL_CLAUDE, else the configured path, else the first `claude`
 * on PATH that is neither in a shim directory nor a copy of our shim.
 */
export function findRealClaude(search: ClaudeSearch): FoundClaude {
  const fromEnv = search.env.CLAUDEWATCH_REAL_CLAUDE;
  if (fromEnv) return { path: checkExplicit(fromEnv, 'CLAUDEWATCH_REAL_CLAUDE'), source: 'env' };
  if (search.configuredPath) return { path: checkExplicit(search.configuredPath, 'realClaude in the config'), source: 'config' };

  const skipDirs = new Set((search.shimDirs ?? []).map(canonicalDir));
  const searched: string[] = [];
  for (const dir of (search.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(resolve(dir), 'claude');
    searched.push(dir);
    if (skipDirs.has(canonicalDir(dir))) continue;
    if (!isExecutableFile(candidate)) continue;
    if (isShim(candidate)) continue;
    return { path: candidate, source: 'path' };
  }
  throw new ClaudeNotFoundError(
    'claudewatch: the real claude was not found: no executable `claude` on PATH outside the shim directory ' +
      `(searched ${searched.length} directories). Install Claude Code (npm i -g @anthropic-ai/claude-code) ` +
      'or set CLAUDEWATCH_REAL_CLAUDE to its path.',
    searched,
  );
}

function checkExplicit(path: string, origin: string): string {
  const absolute = resolve(path);
  if (!isExecutableFile(absolute)) {
    throw new ClaudeNotFoundError(`claudewatch: ${origin} names ${absolute}, which is not an executable file.`, [absolute]);
  }
  if (isShim(absolute)) throw new ShimLoopError(absolute);
  return absolute;
}

export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Reads only the head of the file: the real claude can be a 400 MB binary. */
export function isShim(path: string): boolean {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(1024);
    const length = readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, length).includes(SHIM_MARKER);
  } catch {
    return false;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

function canonicalDir(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return resolve(dir);
  }
}
