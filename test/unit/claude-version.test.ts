import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectClaudeVersion } from '../../src/runner/claude-version.js';

let dir: string;
let cacheFile: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cw-version-'));
  cacheFile = join(dir, 'state', 'claude-versions.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function executable(file: string, body: string): string {
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('detectClaudeVersion', () => {
  it('reads the npm package a linked binary belongs to, without running it', () => {
    const pkg = join(dir, 'node_modules', '@anthropic-ai', 'claude-code');
    mkdirSync(join(pkg, 'bin'), { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@anthropic-ai/claude-code', version: '2.1.330' }));
    const binary = executable(join(pkg, 'bin', 'claude.exe'), 'echo should-not-run; exit 1');
    symlinkSync(binary, join(dir, 'claude'));
    expect(detectClaudeVersion(join(dir, 'claude'), { cacheFile })).toEqual({ version: '2.1.330', source: 'package' });
  });

  it('reads the native installer’s versioned file name', () => {
    mkdirSync(join(dir, 'claude', 'versions'), { recursive: true });
    const binary = executable(join(dir, 'claude', 'versions', '2.1.112'), 'exit 1');
    expect(detectClaudeVersion(binary, { cacheFile })).toEqual({ version: '2.1.112', source: 'file-name' });
  });

  it('reads the package a shell wrapper execs, without running either, and sees the package upgraded', () => {
    // Claude Code's own local install: ~/.claude/local/claude runs node_modules/.bin/claude.
    const local = join(dir, '.claude', 'local');
    const pkg = join(local, 'node_modules', '@anthropic-ai', 'claude-code');
    mkdirSync(pkg, { recursive: true });
    mkdirSync(join(local, 'node_modules', '.bin'));
    writeFileSync(join(local, 'package.json'), JSON.stringify({ name: 'claude-local', version: '0.0.1', private: true }));
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@anthropic-ai/claude-code', version: '1.0.60' }));
    executable(join(pkg, 'cli.js'), 'echo should-not-run; exit 1');
    symlinkSync(join(pkg, 'cli.js'), join(local, 'node_modules', '.bin', 'claude'));
    const wrapper = join(local, 'claude');
    writeFileSync(wrapper, `#!/bin/bash\nexec "${local}/node_modules/.bin/claude" "$@"`);
    chmodSync(wrapper, 0o755);
    expect(detectClaudeVersion(wrapper, { cacheFile })).toEqual({ version: '1.0.60', source: 'wrapper' });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@anthropic-ai/claude-code', version: '1.0.88' }));
    expect(detectClaudeVersion(wrapper, { cacheFile })).toEqual({ version: '1.0.88', source: 'wrapper' });

    // An interpreter first, words quoted and escaped as a shell reads them.
    const viaNode = join(dir, 'claude');
    writeFileSync(viaNode, `#!/usr/bin/env sh\n# runs the legacy CLI\nexec '${process.execPath}' "${pkg.replace(/\$/g, '\\$')}/cli.js" --flag "$@"\n`);
    expect(detectClaudeVersion(viaNode, { cacheFile })).toEqual({ version: '1.0.88', source: 'wrapper' });
  });

  it('asks a wrapper whose exec line names no package, as any other binary', () => {
    executable(join(dir, 'real-claude'), `echo '2.0.14 (Claude Code)'`);
    const wrapper = executable(join(dir, 'claude'), 'exec "$CLAUDE_DIR/real-claude" "$@"');
    expect(detectClaudeVersion(wrapper, { cacheFile, env: { PATH: '/usr/bin:/bin', CLAUDE_DIR: dir } })).toEqual({ version: '2.0.14', source: 'binary' });
  });

  it('asks the binary once and remembers the answer until the file changes', () => {
    const calls = join(dir, 'calls');
    const binary = executable(join(dir, 'claude'), `echo x >> '${calls}'; echo '1.0.88 (Claude Code)'`);
    expect(detectClaudeVersion(binary, { cacheFile })).toEqual({ version: '1.0.88', source: 'binary' });
    expect(detectClaudeVersion(binary, { cacheFile })).toEqual({ version: '1.0.88', source: 'binary' });
    expect(readFileSync(calls, 'utf8')).toBe('x\n');
    utimesSync(binary, new Date(), new Date(Date.now() + 5000));
    detectClaudeVersion(binary, { cacheFile });
    expect(readFileSync(calls, 'utf8')).toBe('x\nx\n');
  });

  it('knows nothing of a binary that will not say, or is not there', () => {
    const binary = executable(join(dir, 'claude'), 'echo oops; exit 3');
    expect(detectClaudeVersion(binary, { cacheFile })).toEqual({ version: null, source: 'unknown' });
    expect(detectClaudeVersion(join(dir, 'missing'), { cacheFile })).toEqual({ version: null, source: 'unknown' });
  });
});
