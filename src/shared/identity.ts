import { hostname, userInfo } from 'node:os';

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

/** Whether a process with this pid exists (EPERM: it exists but is not ours). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function attempt(read: () => string): string | null {
  try {
    return read();
  } catch {
    return null;
  }
}
