import { readFileSync, readlinkSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { bootTimeMs, readProcStat, ticksToMs } from '../shared/proc-stat.js';
import { PARENT_SESSION_VAR } from './child-env.js';
import { isShim } from './find-claude.js';
import type { ProcessSource } from './process-stats.js';
import { readdirQuietly } from './project-snapshot.js';
import { environmentValue, readCwdWithLsof, readPsEnvironmentText, readPsTable } from './ps-table.js';

/** A running Claude Code of this user: from /proc on Linux, from ps (and lsof) where there is none. */
export interface ClaudeProcess {
  pid: number;
  ppid: number;
  /** Epoch ms, to the second: the kernel gives the boot time in whole seconds. */
  startedAt: number;
  /** Null when the kernel will not say (the process is gone or not ours). */
  cwd: string | null;
  /** Started by ClaudeWatch, or by a Claude it wraps: its environment names the session. */
  wrapped: boolean;
  sessionId: string | null;
}

const CLAUDE_NAMES = new Set(['claude', 'claude.exe']);
/** Programs that run a script named claude: Node for the npm package, a shell for wrappers. */
const INTERPRETERS = new Set(['node', 'nodejs', 'bun', 'sh', 'bash', 'dash', 'zsh']);
const PACKAGE_ENTRY = /[/\\]@anthropic-ai[/\\]claude-code[/\\]cli\.m?js$/;

/**
 * Claude Code processes of the current user: the native binary, and the npm package under Node,
 * which renames itself `claude` once started but not before. Our shim (a script named claude
 * that runs our Node entry) is recognised by its marker and left out, as is our Node process.
 */
export function findClaudeProcesses(source: ProcessSource = 'auto'): ClaudeProcess[] {
  const uid = process.getuid?.();
  if (uid === undefined) return [];
  const bootMs = source === 'auto' ? bootTimeMs() : null;
  if (bootMs === null) return findWithPs(uid);
  const found: ClaudeProcess[] = [];
  for (const entry of readdirQuietly('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const argv = readArgv(pid);
    // The process's own cwd, through /proc, for a script given by a relative path.
    if (argv === null || !isClaudeCommand(argv, (script) => join(`/proc/${pid}/cwd`, script)) || ownerOf(pid) !== uid) continue;
    const claude = describeProcess(pid, bootMs);
    if (claude !== null) found.push(claude);
  }
  return found;
}

/**
 * Without /proc: one `ps` for the table, then, for Claude's processes only, `ps -E` for the
 * environment and lsof for the working directory. The command line comes joined by spaces, so a
 * path with a space in it is not recognised.
 */
function findWithPs(uid: number): ClaudeProcess[] {
  const now = Date.now();
  const found: ClaudeProcess[] = [];
  for (const row of readPsTable() ?? []) {
    if (row.uid !== uid || row.pid === process.pid) continue;
    const argv = row.command.split(' ').filter(Boolean);
    let cwd: string | null | undefined;
    const cwdOf = (): string | null => (cwd === undefined ? (cwd = readCwdWithLsof(row.pid)) : cwd);
    if (!isClaudeCommand(argv, (script) => join(cwdOf() ?? '/nonexistent', script))) continue;
    const sessionId = environmentValue(readPsEnvironmentText(row.pid) ?? '', PARENT_SESSION_VAR);
    found.push({
      pid: row.pid,
      ppid: row.ppid,
      startedAt: Math.floor((now - row.elapsedMs) / 1000) * 1000,
      cwd: cwdOf(),
      wrapped: sessionId !== null,
      sessionId,
    });
  }
  return found;
}

function isClaudeCommand(argv: readonly string[], resolveRelative: (script: string) => string): boolean {
  const program = basename(argv[0] ?? '');
  if (CLAUDE_NAMES.has(program)) return true;
  if (!INTERPRETERS.has(program)) return false;
  const script = argv.slice(1).find((arg) => !arg.startsWith('-'));
  if (script === undefined) return false;
  if (PACKAGE_ENTRY.test(script)) return true;
  return basename(script) === 'claude' && !isShim(script.startsWith('/') ? script : resolveRelative(script));
}

/** Null for a process that is gone, or whose environment we may not read (another user's). */
function describeProcess(pid: number, bootMs: number): ClaudeProcess | null {
  const environ = attempt(() => readFileSync(`/proc/${pid}/environ`, 'utf8'));
  const stat = readProcStat(pid);
  if (environ === null || stat === null) return null;
  const prefix = `${PARENT_SESSION_VAR}=`;
  const sessionId = environ.split('\0').find((entry) => entry.startsWith(prefix))?.slice(prefix.length) || null;
  return {
    pid,
    ppid: stat.ppid,
    startedAt: bootMs + ticksToMs(stat.startTicks),
    cwd: attempt(() => readlinkSync(`/proc/${pid}/cwd`)),
    wrapped: sessionId !== null,
    sessionId,
  };
}

/** The arguments, NUL-separated; a retitled process leaves NUL padding behind. Kernel threads have none. */
function readArgv(pid: number): string[] | null {
  const cmdline = attempt(() => readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  if (!cmdline) return null;
  const argv = cmdline.split('\0');
  while (argv.length > 0 && argv[argv.length - 1] === '') argv.pop();
  return argv.length > 0 ? argv : null;
}

function ownerOf(pid: number): number | null {
  return attempt(() => statSync(`/proc/${pid}`).uid);
}

function attempt<T>(read: () => T): T | null {
  try {
    return read();
  } catch {
    return null;
  }
}
