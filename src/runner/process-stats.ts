import { closeSync, existsSync, openSync, readdirSync, readSync } from 'node:fs';
import { readProcStat, ticksToMs } from '../shared/proc-stat.js';
import { readPsTable } from './ps-table.js';

/**
 * What a process tree costs. On Linux, read from /proc: one readdir of /proc and one small read
 * of /proc/<pid>/stat per process per sample, nothing spawned. Where there is no /proc (macOS),
 * one `ps` per sample.
 */
export interface ProcessTreeSample {
  processes: number;
  cpuMs: number;
  rssBytes: number;
}

const DEFAULT_PAGE_SIZE = 4096;

/** Where processes are read: /proc when there is one, else ps; or ps alone (how macOS is tested on Linux). */
export type ProcessSource = 'auto' | 'ps';

/** One process of a tree, whichever way it was read. */
interface TreeProcess {
  ppid: number;
  cpuMs: number;
  rssBytes: number;
  /** With the pid, tells a process from a later one given the same pid. */
  identity: string;
}

/** The process `rootPid` and all its descendants now: summed user+system CPU time and resident memory. Null when /proc is unavailable or the root is gone. */
export function sampleProcessTree(rootPid: number, source: ProcessSource = 'auto'): ProcessTreeSample | null {
  const tree = readProcessTree(rootPid, source);
  return tree === null ? null : summarize(tree.values());
}

/**
 * Follows one tree across samples. A process that exits takes its CPU time out of the tree's
 * sum, so the last time seen of each process is kept: the total never goes down. Processes that
 * live and die between two samples are not seen at all.
 */
export class ProcessTreeMonitor {
  /** The last CPU time of each live process, by pid and identity. */
  private live = new Map<string, number>();
  private exitedMs = 0;
  private peakRss = 0;

  constructor(
    private readonly rootPid: number,
    private readonly source: ProcessSource = 'auto',
  ) {}

  sample(): ProcessTreeSample | null {
    const tree = readProcessTree(this.rootPid, this.source);
    if (tree === null) return null;
    const seen = new Map<string, number>();
    for (const [pid, member] of tree) {
      const key = `${pid}@${member.identity}`;
      seen.set(key, Math.max(member.cpuMs, this.live.get(key) ?? 0));
    }
    for (const [key, cpuMs] of this.live) if (!seen.has(key)) this.exitedMs += cpuMs;
    this.live = seen;
    const now = summarize(tree.values());
    this.peakRss = Math.max(this.peakRss, now.rssBytes);
    return now;
  }

  /** CPU time of every process seen in the tree, those gone included. */
  get cpuMs(): number {
    let cpuMs = this.exitedMs;
    for (const live of this.live.values()) cpuMs += live;
    return cpuMs;
  }

  get peakRssBytes(): number {
    return this.peakRss;
  }
}

/** The root and its descendants by pid, from each process's parent; null when the root is not there. */
function readProcessTree(rootPid: number, source: ProcessSource): Map<number, TreeProcess> | null {
  // Once Claude has exited there is no tree: asked first, so that costs one read, not one per process on the machine.
  if (source === 'auto' && readProcStat(rootPid) === null && existsSync('/proc')) return null;
  const all = (source === 'auto' ? readProcTable() : null) ?? readPsProcesses();
  if (all === null || !all.has(rootPid)) return null;
  const children = new Map<number, number[]>();
  for (const [pid, member] of all) {
    const siblings = children.get(member.ppid);
    if (siblings) siblings.push(pid);
    else children.set(member.ppid, [pid]);
  }
  const tree = new Map<number, TreeProcess>();
  const pending = [rootPid];
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    tree.set(pid, all.get(pid)!);
    pending.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Every process from /proc; null where there is no /proc. */
function readProcTable(): Map<number, TreeProcess> | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const processes = new Map<number, TreeProcess>();
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (stat === null) continue; // exited since the readdir
    processes.set(Number(entry), { ppid: stat.ppid, cpuMs: ticksToMs(stat.cpuTicks), rssBytes: stat.rssPages * pageSize(), identity: String(stat.startTicks) });
  }
  return processes;
}

/**
 * Every process from `ps`. Its start time is known only to the second, by subtraction, and may
 * read one second apart across samples, so the command tells a reused pid from the first owner.
 */
function readPsProcesses(): Map<number, TreeProcess> | null {
  const rows = readPsTable();
  if (rows === null) return null;
  return new Map(rows.map((row) => [row.pid, { ppid: row.ppid, cpuMs: row.cpuMs, rssBytes: row.rssBytes, identity: row.command }]));
}

function summarize(tree: Iterable<TreeProcess>): ProcessTreeSample {
  let processes = 0;
  let cpuMs = 0;
  let rssBytes = 0;
  for (const member of tree) {
    processes++;
    cpuMs += member.cpuMs;
    rssBytes += member.rssBytes;
  }
  return { processes, cpuMs, rssBytes };
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
