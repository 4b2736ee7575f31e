import { readFileSync, readlinkSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { bootTimeMs, readProcStat, ticksToMs } from '../shared/proc-stat.js';
import { PARENT_SESSION_VAR } from './child-env.js';
import { isShim } from './find-claude.js';
import { readdirQuietly } from './project-snapshot.js';

/** A running Claude Code of this user, from Linux's /proc. */
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
export function findClaudeProcesses(): ClaudeProcess[] {
  const bootMs = bootTimeMs();
  const uid = process.getuid?.();
  if (bootMs === null || uid === undefined) return [];
  const found: ClaudeProcess[] = [];
  for (const entry of readdirQuietly('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const argv = readArgv(pid);
    if (argv === null || !isClaudeCommand(pid, argv) || ownerOf(pid) !== uid) continue;
    const claude = describeProcess(pid, bootMs);
    if (claude !== null) found.push(claude);
  }
  return found;
}

function isClaudeCommand(pid: number, argv: readonly string[]): boolean {
  const program = basename(argv[0] ?? '');
  if (CLAUDE_NAMES.has(program)) return true;
  if (!INTERPRETERS.has(program)) return false;
  const script = argv.slice(1).find((arg) => !arg.startsWith('-'));
  if (script === undefined) return false;
  if (PACKAGE_ENTRY.test(script)) return true;
  // The process's own cwd, through /proc, for a script given by a relative path.
  return basename(script) === 'claude' && !isShim(script.startsWith('/') ? script : join(`/proc/${pid}/cwd`, script));
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
