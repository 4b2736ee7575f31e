/**
 * Listing running Claude Code processes from /proc, and through ps and lsof as on macOS: real
 * processes named like Claude and not.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProcessSource } from '../../src/runner/process-stats.js';
import { findClaudeProcesses, type ClaudeProcess } from '../../src/runner/process-table.js';

let dir: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'cw-ps-')));
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Our environment without a session of its own, should these tests run inside a wrapped Claude. */
function plainEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  return { ...process.env, CLAUDEWATCH_PARENT_SESSION: undefined, ...extra };
}

function script(name: string, body: string): string {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `#!/bin/sh\n${body}\nsleep 30\n`);
  chmodSync(path, 0o755);
  return path;
}

function workDir(name: string): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  return path;
}

async function start(command: string, args: string[], options: { cwd: string; env?: Record<string, string | undefined>; argv0?: string }): Promise<number> {
  const child = spawn(command, args, { ...options, env: options.env ?? plainEnv(), detached: true, stdio: 'ignore' });
  children.push(child);
  await once(child, 'spawn');
  return child.pid!;
}

describe.each<ProcessSource>(['auto', 'ps'])('from %s', (source) => {
  it('lists Claude processes with their cwd and session; leaves out other programs and our shim', async () => {
    const claude = script('claude', '# a wrapper named claude');
    const wrapped = await start(claude, [], { cwd: workDir('project-a'), env: plainEnv({ CLAUDEWATCH_PARENT_SESSION: 'abc' }) });
    const plain = await start(claude, ['--model', 'x'], { cwd: workDir('project-b') });
    const other = await start(script('notclaude', ''), [], { cwd: dir });
    const shim = await start(script('shim/claude', '# CLAUDEWATCH_SHIM v1'), [], { cwd: dir });

    const ours = new Set([wrapped, plain, other, shim]);
    const mine = (): ClaudeProcess[] => findClaudeProcesses(source).filter((p) => ours.has(p.pid));
    // spawn reports after exec, so each command line is already the script's.
    const listed = mine().sort((a, b) => a.pid - b.pid);
    expect(listed.map((p) => p.pid)).toEqual([wrapped, plain].sort((a, b) => a - b));

    const byPid = new Map(listed.map((p) => [p.pid, p]));
    expect(byPid.get(wrapped)).toMatchObject({ ppid: process.pid, cwd: join(dir, 'project-a'), wrapped: true, sessionId: 'abc' });
    expect(byPid.get(plain)).toMatchObject({ ppid: process.pid, cwd: join(dir, 'project-b'), wrapped: false, sessionId: null });
    for (const p of listed) expect(Math.abs(p.startedAt - Date.now())).toBeLessThan(10_000);
  });

  it('knows the native binary by its name and the npm package by its entry script', async () => {
    // A binary reached through a link named claude, as ~/.local/bin/claude is.
    const link = join(dir, 'claude');
    symlinkSync('/bin/sleep', link);
    const native = await start(link, ['30'], { cwd: dir });
    const entry = join(workDir('node_modules/@anthropic-ai/claude-code'), 'cli.js');
    writeFileSync(entry, 'setTimeout(() => {}, 30_000);\n');
    const npm = await start(process.execPath, [entry], { cwd: dir });
    const unrelated = await start(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)', 'claude'], { cwd: dir });

    const pids = findClaudeProcesses(source).map((p) => p.pid);
    expect(pids).toContain(native);
    expect(pids).toContain(npm);
    expect(pids).not.toContain(unrelated);
  });
});
