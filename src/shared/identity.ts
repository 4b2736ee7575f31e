import { hostname, userInfo } from 'node:os';
import { bootTimeMs, readProcStat, ticksToMs } from './proc-stat.js';

let host: string | null | undefined;
let user: string | null | undefined;

/** The machine's name, read once; null where the system will not say. */
export function machineName(): string | null {
  if (host === undefined) host = attempt(() => hostname());
  return host;
}

export function userName(): string | null {
  if (user === undefined) user = attempt(() => userInfo().username);
  return user;
}

/**
 * The kernel gives the boot time in whole seconds and start times in ticks, and a run's start is
 * taken just after its Claude was spawned: a process that started within this margin of it may
 * be that Claude. A pid handed on to a new process so soon after a run began is not a real risk.
 */
const START_MARGIN_MS = 5000;

/**
 * Whether the process with this pid is still the one we knew: it exists (EPERM: it exists but is
 * not ours), it is not a zombie left unreaped (a container without an init that reaps), and,
 * given `startedBy`, it had started by then; a later process given the same pid is another one.
 * Without /proc only the first can be told.
 */
export function isProcessAlive(pid: number, startedBy?: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = readProcStat(pid);
  if (stat === null) return true;
  if (stat.state === 'Z' || stat.state === 'X') return false;
  if (startedBy === undefined || !Number.isFinite(startedBy)) return true;
  const bootMs = bootTimeMs();
  return bootMs === null || bootMs + ticksToMs(stat.startTicks) <= startedBy + START_MARGIN_MS;
}

function attempt(read: () => string): string | null {
  try {
    return read();
  } catch {
    return null;
  }
}
