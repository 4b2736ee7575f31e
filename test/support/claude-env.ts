/**
 * Everything needed to run the real Claude Code CLI offline against the mock API: where the
 * installed binaries are, a throwaway HOME seeded so the interactive screen starts without
 * dialogs, and a clean environment.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

export { spawnClaudeScreen, type ClaudeScreen, type ScreenExit, type ScreenKey, type SpawnScreenOptions } from './claude-pty.js';

export interface ClaudeBinary {
  version: string;
  /** Program to execute; for a cli.js version this is node. */
  command: string;
  args: string[];
}

export interface ClaudeBinaries {
  /** 2.1.330: the native binary. */
  current: ClaudeBinary;
  /** 1.0.60: cli.js run by the current node. */
  legacy: ClaudeBinary;
  /** 2.0.0: cli.js run by the current node; its subscriber limit texts differ from both. */
  v2: ClaudeBinary;
}

const require = createRequire(import.meta.url);

export function realClaudeBinaries(): ClaudeBinaries {
  const currentDir = path.dirname(require.resolve('@anthropic-ai/claude-code/package.json'));
  const legacyDir = path.dirname(require.resolve('claude-code-legacy/package.json'));
  const v2Dir = path.dirname(require.resolve('claude-code-v2/package.json'));
  return {
    current: { version: '2.1.330', command: path.join(currentDir, 'bin', 'claude.exe'), args: [] },
    legacy: { version: '1.0.60', command: process.execPath, args: [path.join(legacyDir, 'cli.js')] },
    v2: { version: '2.0.0', command: process.execPath, args: [path.join(v2Dir, 'cli.js')] },
  };
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * A single executable path for `binary`, for code that wants one (e.g. a shim's "real claude").
 * The native binary is returned as it is; a cli.js version gets an `sh` wrapper named `claude`
 * written into `dir`.
 */
export async function claudeExecutable(binary: ClaudeBinary, dir: string): Promise<string> {
  if (binary.args.length === 0) return binary.command;
  const file = path.join(dir, 'claude');
  const argv = [binary.command, ...binary.args].map(shellQuote).join(' ');
  await writeFile(file, `#!/bin/sh\nexec ${argv} "$@"\n`);
  await chmod(file, 0o755);
  return file;
}

export type ClaudeAuth = 'api-key' | 'oauth';

/** Shaped like real credentials; the CLI looks at prefixes and keeps the last 20 characters. */
export const TEST_API_KEY = 'sk-ant-api03-mock-0123456789abcdefghijklmnopqrstuvwxyz';
export const TEST_OAUTH_TOKEN = 'sk-ant-oat01-mock-0123456789abcdefghijklmnopqrstuvwxyz';

export interface ClaudeHomeOptions {
  apiUrl: string;
  auth: ClaudeAuth;
  /** Working directory to trust; default `<home>/work`, created. */
  cwd?: string;
  /** Extra variables, applied last. */
  env?: Record<string, string>;
}

export interface ClaudeHome {
  home: string;
  cwd: string;
  env: Record<string, string>;
  /** `<home>/.claude/projects/<encoded cwd>`, where each session's `<session id>.jsonl` lands. */
  transcriptDir: string;
  cleanup(): Promise<void>;
}

/**
 * Inherited variables that would reach a real account, loop traffic through a proxy (1.0.60
 * ignores NO_PROXY), or switch the CLI into CI/IDE behaviour that differs between machines.
 */
const STRIPPED =
  /^(ANTHROPIC_|CLAUDE_|CLAUDECODE$|DISABLE_|MCP_|NODE_OPTIONS$|(HTTPS?|ALL|NO|FTP)_PROXY$|CI$|GITHUB_ACTIONS$|TERM_PROGRAM|VSCODE_)/i;

export function cleanEnv(base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined && !STRIPPED.test(key)) env[key] = value;
  }
  return env;
}

/** How the CLI names a project folder: every non-alphanumeric character becomes "-". */
export function projectDirName(cwd: string): string {
  return cwd.replace(/[^a-zA-Z0-9]/g, '-');
}

function seededConfig(cwds: string[], auth: ClaudeAuth): Record<string, unknown> {
  const project = {
    allowedTools: [],
    hasTrustDialogAccepted: true,
    hasCompletedProjectOnboarding: true,
    projectOnboardingSeenCount: 1,
  };
  return {
    hasCompletedOnboarding: true,
    lastOnboardingVersion: '2.1.330',
    theme: 'dark',
    numStartups: 1,
    ...(auth === 'api-key' ? { customApiKeyResponses: { approved: [TEST_API_KEY.slice(-20)], rejected: [] } } : {}),
    projects: Object.fromEntries(cwds.map((cwd) => [cwd, project])),
  };
}

export async function makeClaudeHome(options: ClaudeHomeOptions): Promise<ClaudeHome> {
  const home = await realpath(await mkdtemp(path.join(os.tmpdir(), 'cw-claude-home-')));
  const cleanup = (): Promise<void> => rm(home, { recursive: true, force: true, maxRetries: 3 });
  try {
    const cwd = options.cwd ?? path.join(home, 'work');
    await mkdir(cwd, { recursive: true });
    const realCwd = await realpath(cwd);
    const dirs = ['.config', '.cache', '.local/share', '.local/state', 'tmp'].map((d) => path.join(home, d));
    await Promise.all(dirs.map((d) => mkdir(d, { recursive: true })));
    const cwds = [...new Set([cwd, realCwd])];
    await writeFile(path.join(home, '.claude.json'), `${JSON.stringify(seededConfig(cwds, options.auth), null, 2)}\n`);

    const env: Record<string, string> = {
      ...cleanEnv(),
      HOME: home,
      USERPROFILE: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_CACHE_HOME: path.join(home, '.cache'),
      XDG_DATA_HOME: path.join(home, '.local/share'),
      XDG_STATE_HOME: path.join(home, '.local/state'),
      // 2.1.330 puts sockets and probe dirs under $TMPDIR (/tmp/cc-socks, /tmp/claude-<uid>).
      TMPDIR: path.join(home, 'tmp'),
      TZ: 'UTC',
      ANTHROPIC_BASE_URL: options.apiUrl,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL: '1',
      CLAUDE_CODE_MAX_RETRIES: '0',
      DISABLE_AUTOUPDATER: '1',
      ...(options.auth === 'api-key' ? { ANTHROPIC_API_KEY: TEST_API_KEY } : { CLAUDE_CODE_OAUTH_TOKEN: TEST_OAUTH_TOKEN }),
      ...options.env,
    };
    return {
      home,
      cwd: realCwd,
      env,
      transcriptDir: path.join(home, '.claude', 'projects', projectDirName(realCwd)),
      cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** Session transcripts (`*.jsonl`) under `<home>/.claude/projects`, as absolute paths. */
export async function listTranscripts(home: string): Promise<string[]> {
  const root = path.join(home, '.claude', 'projects');
  const found: string[] = [];
  const projects = await readdir(root, { withFileTypes: true }).catch(() => []);
  for (const project of projects) {
    if (!project.isDirectory()) continue;
    const files = await readdir(path.join(root, project.name));
    for (const f of files) if (f.endsWith('.jsonl')) found.push(path.join(root, project.name, f));
  }
  return found.sort();
}

export interface ClaudeRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
}

export interface RunClaudeOptions {
  env: Record<string, string>;
  cwd: string;
  timeoutMs: number;
}

/**
 * Runs the CLI to completion with stdin on /dev/null (older versions in -p mode otherwise wait
 * for stdin). On timeout the process is killed and `timedOut` set.
 */
export function runClaude(binary: ClaudeBinary, args: string[], options: RunClaudeOptions): Promise<ClaudeRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(binary.command, [...binary.args, ...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal, stdout, stderr, durationMs: Date.now() - started, timedOut });
    });
  });
}

/** Parses newline-delimited JSON, skipping blank lines. Throws on a line that is not JSON. */
export function parseJsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
