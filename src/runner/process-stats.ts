import { closeSync, openSync, readdirSync, readSync } from 'node:fs';

/**
 * What a process tree costs, read from Linux's /proc: one readdir of /proc and one small read of
 * /proc/<pid>/stat per process per sample, nothing spawned.
 */
export interface ProcessTreeSample {
  processes: number;
  cpuMs: number;
  rssBytes: number;
}

/** The fields of /proc/<pid>/stat we use. */
export interface ProcStat {
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
const DEFAULT_PAGE_SIZE = 4096;

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
  const stat = { ppid: number(4), cpuTicks: number(14) + number(15), startTicks: number(22), rssPages: number(24) };
  return Object.values(stat).every(Number.isFinite) ? stat : null;
}

/** The process `rootPid` and all its descendants now: summed user+system CPU time and resident memory. Null when /proc is unavailable or the root is gone. */
export function sampleProcessTree(rootPid: number): ProcessTreeSample | null {
  const tree = readProcessTree(rootPid);
  return tree === null ? null : summarize(tree.values());
}

/**
 * Follows one tree across samples. A process that exits takes its CPU time out of the tree's
 * sum, so the last time seen of each process is kept: the total never goes down. Processes that
 * live and die between two samples are not seen at all.
 */
export class ProcessTreeMonitor {
  /** The last CPU ticks of each live process, by pid and start time. */
  private live = new Map<string, number>();
  private exitedTicks = 0;
  private peakRss = 0;

  constructor(private readonly rootPid: number) {}

  sample(): ProcessTreeSample | null {
    const tree = readProcessTree(this.rootPid);
    if (tree === null) return null;
    const seen = new Map<string, number>();
    for (const [pid, stat] of tree) {
      const key = `${pid}@${stat.startTicks}`;
      seen.set(key, Math.max(stat.cpuTicks, this.live.get(key) ?? 0));
    }
    for (const [key, ticks] of this.live) if (!seen.has(key)) this.exitedTicks += ticks;
    this.live = seen;
    const now = summarize(tree.values());
    this.peakRss = Math.max(this.peakRss, now.rssBytes);
    return now;
  }

  /** CPU time of every process seen in the tree, those gone included. */
  get cpuMs(): number {
    let ticks = this.exitedTicks;
    for (const live of this.live.values()) ticks += live;
    return ticksToMs(ticks);
  }

  get peakRssBytes(): number {
    return this.peakRss;
  }
}

/** The root and its descendants by pid, from each process's parent; null when the root is not there. */
function readProcessTree(rootPid: number): Map<number, ProcStat> | null {
  // Once Claude has exited there is no tree: asked first, so that costs one read, not one per process on the machine.
  if (readProcStat(rootPid) === null) return null;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const children = new Map<number, number[]>();
  const stats = new Map<number, ProcStat>();
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const stat = readProcStat(pid);
    if (stat === null) continue; // exited since the readdir
    stats.set(pid, stat);
    const siblings = children.get(stat.ppid);
    if (siblings) siblings.push(pid);
    else children.set(stat.ppid, [pid]);
  }
  if (!stats.has(rootPid)) return null;
  const tree = new Map<number, ProcStat>();
  const pending = [rootPid];
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    tree.set(pid, stats.get(pid)!);
    pending.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** A stat line is a few hundred bytes: the name in it is at most 64. */
const statBuffer = Buffer.alloc(1024);

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

function summarize(stats: Iterable<ProcStat>): ProcessTreeSample {
  let processes = 0;
  let cpuTicks = 0;
  let rssPages = 0;
  for (const stat of stats) {
    processes++;
    cpuTicks += stat.cpuTicks;
    rssPages += stat.rssPages;
  }
  return { processes, cpuMs: ticksToMs(cpuTicks), rssBytes: rssPages * pageSize() };
}

export function ticksToMs(ticks: number): number {
  return (ticks * 1000) / TICKS_PER_SECOND;
}

let cachedPageSize: number | undefined;

/** Read once, from the first mapping in our own smaps; 4096 (every mainstream Linux) when that fails. */
function pageSize(): number {
  if (cachedPageSize === undefined) {
    let fd: number | null = null;
    try {
      fd = openSync('/proc/self/smaps', 'r');
      const head = Buffer.alloc(4096);
      const text = head.toString('utf8', 0, readSync(fd, head, 0, head.length, 0));
      const kb = /^KernelPageSize:\s+(\d+) kB/m.exec(text);
      cachedPageSize = kb ? Number(kb[1]) * 1024 : DEFAULT_PAGE_SIZE;
    } catch {
      cachedPageSize = DEFAULT_PAGE_SIZE;
    } finally {
      if (fd !== null) closeSync(fd);
    }
  }
  return cachedPageSize;
}
