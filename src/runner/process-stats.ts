import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { readProcStat, ticksToMs, type ProcStat } from '../shared/proc-stat.js';

/**
 * What a process tree costs, read from Linux's /proc: one readdir of /proc and one small read of
 * /proc/<pid>/stat per process per sample, nothing spawned.
 */
export interface ProcessTreeSample {
  processes: number;
  cpuMs: number;
  rssBytes: number;
}

const DEFAULT_PAGE_SIZE = 4096;

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
