import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

/** The fields of Linux's /proc/<pid>/stat we use. */
export interface ProcStat {
  /** R running, S sleeping, D disk wait, T/t stopped, Z zombie, X dead, ... */
  state: string;
  ppid: number;
  /** user + system time, in clock ticks. */
  cpuTicks: number;
  /** Since boot, in clock ticks: with the pid, tells a process from a later one given the same pid. */
  startTicks: number;
  rssPages: number;
}

/**
 * Linux reports times in USER_HZ ticks, which is 100 on every mainstream architecture (x86,
 * ARM, RISC-V, POWER, s390); reading the real value (`getconf CLK_TCK`) would mean spawning.
 */
export const TICKS_PER_SECOND = 100;

/**
 * The fields of one stat line. The command name comes second, in parentheses, and may itself hold
 * spaces and ')', so fields are counted from the last ')'.
 */
export function parseProcStat(line: string): ProcStat | null {
  const close = line.lastIndexOf(')');
  if (close < 0) return null;
  // After the name: state (field 3), ppid (4), ... utime (14), stime (15), ... starttime (22), vsize (23), rss (24).
  const fields = line.slice(close + 2).split(' ');
  const number = (field: number): number => Number(fields[field - 3]);
  const counts = { ppid: number(4), cpuTicks: number(14) + number(15), startTicks: number(22), rssPages: number(24) };
  const state = fields[0] ?? '';
  return /^[A-Za-z]$/.test(state) && Object.values(counts).every(Number.isFinite) ? { state, ...counts } : null;
}

/** A stat line is a few hundred bytes: the name in it is at most 64. */
const statBuffer = Buffer.alloc(1024);

/** Null when /proc is not there or the process is gone. */
export function readProcStat(pid: number): ProcStat | null {
  let fd: number | null = null;
  try {
    fd = openSync(`/proc/${pid}/stat`, 'r');
    const length = readSync(fd, statBuffer, 0, statBuffer.length, 0);
    return parseProcStat(statBuffer.toString('utf8', 0, length));
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

export function ticksToMs(ticks: number): number {
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** When the machine booted, epoch ms to the second (the kernel gives whole seconds); null without /proc. */
export function bootTimeMs(): number | null {
  try {
    const btime = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    return btime ? Number(btime[1]) * 1000 : null;
  } catch {
    return null;
  }
}
