/** Sampling a real process tree from /proc: its size, CPU time (kept when a child exits) and memory. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessTreeMonitor, sampleProcessTree } from '../../src/runner/process-stats.js';
import { parseProcStat } from '../../src/shared/proc-stat.js';
import { until } from '../support/until.js';

/** CPU time the busy child uses, whatever the machine's load, then how long it stays before exiting. */
const BUSY_MS = 300;
const HOLD_MS = 300;
const children: ChildProcess[] = [];

afterEach(() => {
  // Each tree is its own process group: killing the group leaves no sleeping grandchild behind.
  for (const child of children.splice(0)) if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
});

/** sh with two children: Node spinning for BUSY_MS of CPU then idle for HOLD_MS, and a sleep that outlives the test. */
async function startTree(): Promise<number> {
  const program = `const used = () => { const u = process.cpuUsage(); return u.user + u.system; }; while (used() < ${BUSY_MS * 1000}); setTimeout(() => {}, ${HOLD_MS});`;
  const busy = `${JSON.stringify(process.execPath)} -e '${program}'`;
  const child = spawn('/bin/sh', ['-c', `${busy} & sleep 30 & wait`], { detached: true, stdio: 'ignore' });
  children.push(child);
  await once(child, 'spawn');
  return child.pid!;
}

/** A sample once `done` takes it, read every 20 ms: the samples compare CPU times in milliseconds. */
const sampleUntil = <T>(read: () => T, done: (value: T) => boolean, what: string): Promise<T> =>
  until(() => {
    const value = read();
    return done(value) ? { value } : null;
  }, what, { timeoutMs: 5000, intervalMs: 20, seen: read }).then(({ value }) => value);

describe('parseProcStat', () => {
  it('counts fields from the last ")": a name may hold spaces and parentheses', () => {
    const rest = 'S 41 42 42 0 -1 4194304 99 0 0 0 150 25 7 3 20 0 1 0 123456 3133440 383 18446744073709551615';
    expect(parseProcStat(`42 (my (odd) name) ${rest}`)).toEqual({ state: 'S', ppid: 41, cpuTicks: 175, startTicks: 123456, rssPages: 383 });
    expect(parseProcStat('42 (cut')).toBeNull();
    expect(parseProcStat('42 (short) S 41')).toBeNull();
  });
});

describe('sampleProcessTree', () => {
  it('sums the root and its descendants; CPU grows while a child is busy', async () => {
    const pid = await startTree();
    const first = (await sampleUntil(() => sampleProcessTree(pid), (s) => s !== null && s.processes >= 3, 'the tree to start'))!;
    expect(first.rssBytes).toBeGreaterThan(0);
    const second = await sampleUntil(() => sampleProcessTree(pid)!, (s) => s.cpuMs >= first.cpuMs + BUSY_MS / 2, 'CPU time to grow');
    expect(second.processes).toBeGreaterThanOrEqual(3);
  });

  it('is null for a process that is gone', async () => {
    const child = spawn('/bin/true');
    await once(child, 'exit');
    expect(sampleProcessTree(child.pid!)).toBeNull();
  });
});

describe('ProcessTreeMonitor', () => {
  it('keeps the CPU time and peak memory of a child that exited', async () => {
    const pid = await startTree();
    const monitor = new ProcessTreeMonitor(pid);
    await sampleUntil(() => monitor.sample(), (s) => s !== null && s.processes >= 3, 'the tree to start');
    const busy = await sampleUntil(() => monitor.sample()!, (s) => s.cpuMs >= BUSY_MS * 0.8, 'the busy child to use its CPU');
    const peak = monitor.peakRssBytes;
    const after = await sampleUntil(() => monitor.sample()!, (s) => s.processes === 2, 'the busy child to exit');
    // What is left (sh and sleep) has used next to nothing; the monitor still counts the child.
    expect(after.cpuMs).toBeLessThan(busy.cpuMs);
    expect(monitor.cpuMs).toBeGreaterThanOrEqual(busy.cpuMs);
    expect(monitor.peakRssBytes).toBeGreaterThanOrEqual(peak);
    expect(monitor.peakRssBytes).toBeGreaterThan(after.rssBytes);
  });
});
