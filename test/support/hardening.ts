/**
 * Helpers for the hardening tests: running the fake claude directly and through the shim to
 * compare, counting our lines on stderr, and mounts (tmpfs, read-only binds) that need root.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { fakeScript, runProcess, SHIM, type FakeStep, type RunResult, type Sandbox } from './sandbox.js';

export interface Comparison {
  direct: RunResult;
  shim: RunResult;
  /** What the shim printed on stderr beyond Claude's own bytes. */
  ours: string[];
  elapsedMs: number;
}

/** Runs the fake claude itself, then the same script through the shim. */
export async function runDirectAndShim(
  sandbox: Sandbox,
  args: string[],
  steps: FakeStep[],
  options: { env?: Record<string, string>; whileRunning?: () => Promise<void> | void; timeoutMs?: number } = {},
): Promise<Comparison> {
  const env = { ...sandbox.env, FAKE_CLAUDE_SCRIPT: fakeScript(steps), ...options.env };
  const timeout = options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
  const direct = await runProcess(join(sandbox.bin, 'claude'), args, { env, ...timeout });
  const startedAt = Date.now();
  const running = runProcess(SHIM, args, { env, ...timeout });
  await options.whileRunning?.();
  const shim = await running;
  const elapsedMs = Date.now() - startedAt;
  return { direct, shim, ours: extraStderrLines(direct.stderr, shim.stderr), elapsedMs };
}

/** Claude's bytes and exit code unchanged; at most one short line of ours, after Claude's stderr. */
export function expectUntouched(result: Comparison): void {
  expect(result.shim.code).toBe(result.direct.code);
  expect(result.shim.signal).toBe(result.direct.signal);
  expect(result.shim.stdout.equals(result.direct.stdout)).toBe(true);
  expect(result.shim.stderr.subarray(0, result.direct.stderr.length).equals(result.direct.stderr)).toBe(true);
  expect(result.ours.length).toBeLessThanOrEqual(1);
  for (const line of result.ours) {
    expect(line).toMatch(/^claudewatch: /);
    expect(line.length).toBeLessThan(300);
  }
}

function extraStderrLines(direct: Buffer, shim: Buffer): string[] {
  const extra = shim.subarray(direct.length).toString();
  return extra.split('\n').filter((line) => line !== '');
}

export const resultLine = (sessionId: string, cost = 0.25): string =>
  `${JSON.stringify({ type: 'result', subtype: 'success', is_error: false, num_turns: 2, total_cost_usd: cost, session_id: sessionId })}\n`;

const isRoot = process.getuid?.() === 0;

/** Whether this process may mount a tmpfs (root, and a kernel and container that allow it). */
export function canMount(): boolean {
  if (!isRoot) return false;
  const dir = mkdtempSync(join(tmpdir(), 'cw-mount-probe-'));
  try {
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]).status === 0;
    if (mounted) spawnSync('umount', [dir]);
    return mounted;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function mountTmpfs(dir: string, size: string): void {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir]);
}

/** The directory stays where it is, but nothing under it can be written, even by root. */
export function bindReadOnly(dir: string): void {
  execFileSync('mount', ['--bind', dir, dir]);
  execFileSync('mount', ['-o', 'remount,ro,bind', dir]);
}

export function unmount(dir: string): void {
  spawnSync('umount', [dir]);
}

/**
 * The directories a test mounted (push each), unmounted after it, last first. Register it after
 * the hook that removes the sandbox: after-each hooks run last-registered first, so the mounts go
 * before the folders under them.
 */
export function useMounts(): string[] {
  const mounts: string[] = [];
  afterEach(() => {
    for (const dir of mounts.splice(0).reverse()) unmount(dir);
  });
  return mounts;
}

/** Every file and directory under `root`, with its permission bits. */
export function walk(root: string): Array<{ path: string; dir: boolean; mode: number }> {
  const out: Array<{ path: string; dir: boolean; mode: number }> = [];
  const visit = (path: string): void => {
    const stat = statSync(path);
    out.push({ path, dir: stat.isDirectory(), mode: stat.mode & 0o777 });
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(root);
  return out;
}
