import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ensurePrivateDir, writeFileAtomic } from '../shared/private-fs.js';

/**
 * Which Claude Code version a binary is. What we may add to Claude's command line depends on it
 * (`--settings` exists from 1.0.61), so it is known before Claude starts. Asking the binary costs
 * 10 ms for the native build but 0.7 s for an old `cli.js`, so cheaper answers come first: the
 * npm package the file belongs to, the native installer's versioned file name, then the binary
 * itself, remembered per file identity (path, size, mtime) so an upgrade is noticed.
 */
export interface ClaudeVersion {
  version: string | null;
  /** How it was learnt, for `cw doctor`. */
  source: 'package' | 'file-name' | 'binary' | 'unknown';
}

const PACKAGE_NAMES = /^@anthropic-ai\/claude-code(?:-[\w-]+)?$/;
const VERSION = /\b(\d+\.\d+\.\d+)\b/;
const PROBE_TIMEOUT_MS = 5000;

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
