import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ensurePrivateDir, writeFileAtomic } from '../shared/private-fs.js';

/**
 * Which Claude Code version a binary is. What we may add to Claude's command line depends on it
 * (`--settings` exists from 1.0.61), so it is known before Claude starts. Asking the binary costs
 * 10 ms for the native build but 0.7 s for an old `cli.js`, and several seconds on a busy
 * machine, past which we give up and the version is unknown. So answers that run nothing come
 * first: the npm package the file belongs to, the native installer's versioned file name, the
 * package of the program a shell wrapper execs, then the binary itself, remembered per file
 * identity (path, size, mtime) so an upgrade is noticed.
 */
export interface ClaudeVersion {
  version: string | null;
  /** How it was learnt, for `cw doctor`. */
  source: 'package' | 'file-name' | 'wrapper' | 'binary' | 'unknown';
}

const PACKAGE_NAMES = /^@anthropic-ai\/claude-code(?:-[\w-]+)?$/;
const VERSION = /\b(\d+\.\d+\.\d+)\b/;
const PROBE_TIMEOUT_MS = 5000;
/** A wrapper is a line or two; anything bigger is a program of its own. */
const WRAPPER_MAX_BYTES = 4096;
const SHELL_SHEBANG = /^#!\s*(?:\S*\/)?(?:env\s+)?(?:ba|da|k|z)?sh\b/;

interface CacheEntry {
  size: number;
  mtimeMs: number;
  version: string;
}

export function detectClaudeVersion(file: string, options: { cacheFile: string; env?: Record<string, string | undefined> }): ClaudeVersion {
  let real: string;
  let identity: { size: number; mtimeMs: number };
  try {
    real = realpathSync(file);
    const stat = statSync(real);
    identity = { size: stat.size, mtimeMs: stat.mtimeMs };
  } catch {
    return { version: null, source: 'unknown' };
  }
  const fromPackage = versionFromPackage(real);
  if (fromPackage) return { version: fromPackage, source: 'package' };
  const fromName = versionFromFileName(real);
  if (fromName) return { version: fromName, source: 'file-name' };
  // Before the cache: the package behind an unchanged wrapper can be upgraded.
  const fromWrapper = identity.size <= WRAPPER_MAX_BYTES ? versionFromWrapper(real) : null;
  if (fromWrapper) return { version: fromWrapper, source: 'wrapper' };

  const cache = readCache(options.cacheFile);
  const cached = cache[real];
  if (cached && cached.size === identity.size && cached.mtimeMs === identity.mtimeMs) return { version: cached.version, source: 'binary' };
  const probed = probeVersion(real, options.env ?? process.env);
  if (!probed) return { version: null, source: 'unknown' };
  try {
    writeCache(options.cacheFile, { ...cache, [real]: { ...identity, version: probed } });
  } catch {
    // Not remembered: the next run asks again, nothing worse.
  }
  return { version: probed, source: 'binary' };
}

/** npm installs: `…/node_modules/@anthropic-ai/claude-code/cli.js` or the native `bin/claude.exe`. */
function versionFromPackage(file: string): string | null {
  let dir = dirname(file);
  for (let depth = 0; depth < 4; depth++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (typeof pkg.name === 'string' && PACKAGE_NAMES.test(pkg.name) && typeof pkg.version === 'string') {
        return VERSION.exec(pkg.version)?.[1] ?? null;
      }
      // Another package's manifest: the binary is not Claude Code's own file.
      if (typeof pkg.name === 'string') return null;
    } catch {
      // No manifest here; look one level up.
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

/** The native installer keeps each release as `…/claude/versions/<version>`. */
function versionFromFileName(file: string): string | null {
  if (basename(dirname(file)) !== 'versions') return null;
  const match = /^(\d+\.\d+\.\d+)$/.exec(basename(file));
  return match?.[1] ?? null;
}

/**
 * Claude Code's own local install is `~/.claude/local/claude`, a script that runs
 * `exec "<dir>/node_modules/.bin/claude" "$@"`, and people wrap a global install the same way
 * (`exec node /path/to/cli.js "$@"`). The package of a file the `exec` line names is the version.
 */
function versionFromWrapper(file: string): string | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  if (!SHELL_SHEBANG.test(text)) return null;
  for (const line of text.split('\n')) {
    const [command, ...words] = shellWords(line);
    if (command !== 'exec') continue;
    for (const word of words) {
      if (!word.startsWith('/')) continue;
      try {
        const version = versionFromPackage(realpathSync(word));
        if (version) return version;
      } catch {
        // Not a file here (a variable we do not expand, say): the next word may be.
      }
    }
  }
  return null;
}

/** A shell line's words, quotes removed; nothing is expanded, so `$HOME/x` stays as written. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quote === "'") {
      if (char === "'") quote = null;
      else word += char;
    } else if (quote === '"') {
      if (char === '"') quote = null;
      else if (char === '\\' && /["\\$`]/.test(line[i + 1] ?? '')) word += line[++i];
      else word += char;
    } else if (char === '#' && !inWord) {
      break;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      inWord = true;
      if (char === "'" || char === '"') quote = char;
      else if (char === '\\') word += line[++i] ?? '';
      else word += char;
    }
  }
  if (inWord) words.push(word);
  return words;
}

function probeVersion(file: string, env: Record<string, string | undefined>): string | null {
  try {
    const output = execFileSync(file, ['--version'], {
      encoding: 'utf8',
      timeout: PROBE_TIMEOUT_MS,
      stdio: ['ignore', 'pipe', 'ignore'],
      // Our shim must not answer for the real binary, and nested runs pass straight through.
      env: { ...env, CLAUDEWATCH_DISABLE: '1' },
    });
    return VERSION.exec(output)?.[1] ?? null;
  } catch {
    return null;
  }
}

function readCache(file: string): Record<string, CacheEntry> {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, CacheEntry>) : {};
  } catch {
    return {};
  }
}

function writeCache(file: string, cache: Record<string, CacheEntry>): void {
  ensurePrivateDir(dirname(file));
  writeFileAtomic(file, `${JSON.stringify(cache, null, 2)}\n`);
}
