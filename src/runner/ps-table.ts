import { execFileSync } from 'node:child_process';

/**
 * The process table through `ps`, where there is no /proc (macOS, the BSDs). The columns are
 * ones POSIX and BSD `ps` both know, each given an empty header (`name=`) so the output is rows
 * only; `command` comes last because it holds spaces.
 */
export const PS_ARGS = ['-A', '-ww', '-o', 'pid=,ppid=,uid=,rss=,time=,etime=,command='] as const;

export interface PsRow {
  pid: number;
  ppid: number;
  uid: number;
  rssBytes: number;
  /** User and system CPU time. */
  cpuMs: number;
  /** Since the process started, to the second. */
  elapsedMs: number;
  /** The program and its arguments joined by spaces: an argument's own spaces are lost. */
  command: string;
}

/** A bounded wait: ps lists a few hundred processes in milliseconds, but it must never hang a caller. */
const PS_TIMEOUT_MS = 3000;

/** Every process `ps` shows now, or null where ps cannot be run. */
export function readPsTable(): PsRow[] | null {
  const output = run('ps', [...PS_ARGS]);
  return output === null ? null : parsePsOutput(output);
}

/** Rows of PS_ARGS's output; a line that does not read as one (a truncated last line) is skipped. */
export function parsePsOutput(text: string): PsRow[] {
  const rows: PsRow[] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\S+)\s+(.+?)\s*$/.exec(line);
    if (!match) continue;
    const cpuMs = parsePsDuration(match[5]!);
    const elapsedMs = parsePsDuration(match[6]!);
    if (cpuMs === null || elapsedMs === null) continue;
    rows.push({ pid: Number(match[1]), ppid: Number(match[2]), uid: Number(match[3]), rssBytes: Number(match[4]) * 1024, cpuMs, elapsedMs, command: match[7]! });
  }
  return rows;
}

/**
 * A `time` or `etime` column: `[[dd-]hh:]mm:ss`, where BSD's `time` adds hundredths
 * (`12:34.56`, its minutes past 59) and procps' gives whole seconds (`01:02:03`, `2-01:02:03`).
 */
export function parsePsDuration(text: string): number | null {
  const match = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$/.exec(text);
  if (!match) return null;
  const [days, hours, minutes, seconds] = [match[1], match[2], match[3], match[4]].map((part) => Number(part ?? 0)) as [number, number, number, number];
  return Math.round((((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000);
}

/**
 * A process's environment where there is no /proc/<pid>/environ: `ps` prints it after the command,
 * for the user's own processes, when asked with `-E` (macOS, the BSDs) or `e` (procps, where `-E`
 * is refused; on macOS a bare `e` would mean every process). Null where ps will not say.
 */
export function readPsEnvironmentText(pid: number, platform: NodeJS.Platform = process.platform): string | null {
  return run('ps', [platform === 'linux' ? 'e' : '-E', '-ww', '-o', 'command=', '-p', String(pid)]);
}

/** The value of `name=` in `ps -E` text (the command, then NAME=value words); null without one. */
export function environmentValue(text: string, name: string): string | null {
  const match = new RegExp(`(?:^|\\s)${name.replace(/[^A-Za-z0-9_]/g, '')}=(\\S+)`).exec(text);
  return match ? match[1]! : null;
}

/** A process's working directory where there is no /proc/<pid>/cwd, from lsof; null where lsof will not say. */
export function readCwdWithLsof(pid: number): string | null {
  const output = run('lsof', ['-a', '-p', String(pid), '-d', 'cwd', '-Fn']);
  return output === null ? null : parseLsofCwd(output);
}

/** lsof's field output (`-Fn`): a `p<pid>` line, an `f<fd>` line, then the name as `n<path>`. */
export function parseLsofCwd(text: string): string | null {
  const line = text.split('\n').find((entry) => entry.startsWith('n/'));
  return line === undefined ? null : line.slice(1);
}

function run(command: string, args: string[]): string | null {
  try {
    return execFileSync(command, args, { encoding: 'utf8', timeout: PS_TIMEOUT_MS, maxBuffer: 32 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
}
