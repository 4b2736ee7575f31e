import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHIM_DIR = join(REPO_ROOT, 'shims');
export const SHIM = join(SHIM_DIR, 'claude');
export const CW = join(REPO_ROOT, 'dist', 'bin', 'cw.js');
export const CW_RUN = join(REPO_ROOT, 'dist', 'bin', 'cw-run.js');
export const CW_STATUSLINE = join(REPO_ROOT, 'dist', 'bin', 'cw-statusline.js');
export const FAKE_CLAUDE = join(REPO_ROOT, 'test', 'support', 'fake-claude.mjs');

/** A private HOME, CLAUDEWATCH_HOME and bin directory for one test; nothing of the user's leaks in. */
export interface Sandbox {
  root: string;
  home: string;
  cwHome: string;
  bin: string;
  env: Record<string, string>;
  cleanup(): void;
}

export function createSandbox(): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'cw-test-'));
  const home = join(root, 'home');
  const cwHome = join(root, 'cw');
  const bin = join(root, 'bin');
  for (const dir of [home, bin]) mkdirSync(dir, { recursive: true });
  const env: Record<string, string> = {
    HOME: home,
    CLAUDEWATCH_HOME: cwHome,
    PATH: [SHIM_DIR, bin, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    TZ: 'UTC',
    NO_COLOR: '1',
    LANG: 'C.UTF-8',
  };
  return { root, home, cwHome, bin, env, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Puts the fake claude on the sandbox's PATH as `claude`. */
export function installFakeClaude(sandbox: Sandbox): string {
  const target = join(sandbox.bin, 'claude');
  symlinkSync(FAKE_CLAUDE, target);
  return target;
}

export type FakeStep =
  | { out: string | Buffer }
  | { outFile: string }
  | { err: string | Buffer }
  | { repeat: string | Buffer; times: number }
  | { sleep: number }
  /** Waits until this file exists. */
  | { waitFor: string }
  | { echoStdin: true }
  | { env: string }
  | { holdOutput: string }
  | { exit: number }
  | { signal: NodeJS.Signals };

export function fakeScript(steps: FakeStep[]): string {
  const encode = (value: string | Buffer): string => Buffer.from(value).toString('base64');
  return JSON.stringify(
    steps.map((step) => {
      if ('out' in step) return { out: encode(step.out) };
      if ('err' in step) return { err: encode(step.err) };
      if ('repeat' in step) return { repeat: encode(step.repeat), times: step.times };
      return step;
    }),
  );
}

export interface RunResult {
  stdout: Buffer;
  stderr: Buffer;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export function runProcess(
  command: string,
  args: string[],
  options: { env: Record<string, string>; cwd?: string; stdin?: string | Buffer; timeoutMs?: number },
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env: options.env, cwd: options.cwd ?? options.env.HOME, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr), code, signal });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.stdin ?? '');
  });
}

/** `cw <args>` with the sandbox's environment. */
export function runCw(sandbox: Sandbox, args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return runProcess(process.execPath, [CW, ...args], { env: { ...sandbox.env, ...env } });
}

/** The sessions `cw sessions --json` reports, newest first; fails the test if the command fails. */
export async function recordedSessions(sandbox: Sandbox, limit = 200): Promise<Array<Record<string, unknown>>> {
  const result = await runCw(sandbox, ['sessions', '--json', '--limit', String(limit)]);
  if (result.code !== 0) throw new Error(`cw sessions failed (${result.code}): ${result.stderr.toString()}`);
  return (JSON.parse(result.stdout.toString()) as { sessions: Array<Record<string, unknown>> }).sessions;
}
