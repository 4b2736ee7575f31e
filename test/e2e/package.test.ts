/**
 * What `npm pack` would publish: the built commands, the shims, the docs the README links to and
 * the licence; no tests, fixtures or sources. Read from npm's own listing, after the build.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runProcess } from '../support/sandbox.js';

interface PackListing {
  files: Array<{ path: string; mode: number }>;
}

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; license: string };

async function packedFiles(): Promise<Map<string, number>> {
  // --ignore-scripts: listing the files must not run any lifecycle script.
  const pack = await runProcess('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO_ROOT, env: { ...(process.env as Record<string, string>), npm_config_loglevel: 'error' } });
  expect(pack.code, pack.stderr.toString()).toBe(0);
  const [listing] = JSON.parse(pack.stdout.toString()) as PackListing[];
  return new Map(listing!.files.map((file) => [file.path, file.mode]));
}

describe('npm pack', () => {
  it('ships the commands, shims, docs and licence, and nothing of the tests', async () => {
    const files = await packedFiles();
    const paths = [...files.keys()];
    for (const required of ['LICENSE', 'README.md', 'package.json', 'shims/claude', 'shims/claudewatch-hook', 'dist/bin/cw.js', 'dist/bin/claude-shim.js']) {
      expect(paths, required).toContain(required);
    }
    // Every doc the README links to is in the package.
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const linked = [...readme.matchAll(/\]\((docs\/[^)#\s]+)/g)].map((match) => match[1]!);
    expect(linked.length).toBeGreaterThan(0);
    for (const doc of linked) expect(paths, doc).toContain(doc);

    expect(paths.filter((path) => /^(test|bench|src|scripts)\//.test(path) || /\.test\.[cm]?[jt]s$/.test(path) || /fixtures?\//.test(path))).toEqual([]);
    // The shims are run by path: they keep their execute bits.
    for (const shim of ['shims/claude', 'shims/claudewatch-hook']) expect(files.get(shim)! & 0o111, shim).not.toBe(0);
  });

  it('names a bin `claudewatch` that is `cw`, each bin a packed file', async () => {
    expect(manifest.bin.claudewatch).toBe(manifest.bin.cw);
    const files = await packedFiles();
    for (const [name, target] of Object.entries(manifest.bin)) {
      expect(files.has(target.replace(/^\.\//, '')), `${name} → ${target}`).toBe(true);
      expect(readFileSync(join(REPO_ROOT, target), 'utf8').startsWith('#!/usr/bin/env node\n'), target).toBe(true);
    }
  });

  it('carries the MIT licence that package.json names', () => {
    expect(manifest.license).toBe('MIT');
    const licence = readFileSync(join(REPO_ROOT, 'LICENSE'), 'utf8');
    expect(licence).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} ClaudeWatch contributors\n/);
  });
});
