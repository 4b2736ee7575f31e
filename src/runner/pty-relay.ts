import { closeSync, constants as fsConstants, openSync, readFileSync } from 'node:fs';
import type { IPty } from '@lydell/node-pty';
import { signalName, type ChildExit } from './exit-code.js';
import type { OutputObserver, Relay, RelayConsole, RelayRequest } from './relay.js';
import type { TerminalGuard } from './terminal.js';
import type { Logger } from '../shared/log.js';
import { NoticeQueue } from './notice-queue.js';

export interface PtyRelayOptions extends RelayRequest {
  terminal: TerminalGuard;
  observe: OutputObserver;
  logger: Logger;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
}

const CTRL_Z = 0x1a;

/**
 * Runs Claude inside a pseudo-terminal of its own and relays the user's terminal to it.
 * node-pty is loaded here, lazily, so only interactive runs pay for it.
 */
export async function startPtyRelay(options: PtyRelayOptions): Promise<Relay> {
  const pty = await import('@lydell/node-pty');
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  const child = pty.spawn(options.file, [...options.args], {
    name: options.env.TERM || 'xterm-256color',
    cols: stdout.columns || 80,
    rows: stdout.rows || 24,
    cwd: options.cwd,
    env: options.env,
    encoding: null,
  });
  // Linux discards what a child wrote just before exiting once the last slave descriptor closes
  // (node-pty issue #72). Holding the slave open until node-pty reports the exit keeps those bytes.
  const slaveHold = holdSlave(child, options.logger);

  options.terminal.enterRaw();
  let lastKeyAt = 0;
  const onInput = (data: Buffer): void => {
    lastKeyAt = Date.now();
    // Bytes as read: a key's UTF-8 split across two reads must not be decoded apart. The package's
    // typings say string, but write() hands data to the socket as it is, as node-pty's own do.
    child.write(data as unknown as string);
    if (data.length === 1 && data[0] === CTRL_Z) watchForSuspend(child.pid, options);
  };
  stdin.on('data', onInput);
  stdin.resume();

  const notices = new NoticeQueue(stdout);
  child.onData((data: Buffer | string) => {
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    if (!stdout.write(chunk)) {
      child.pause();
      stdout.once('drain', () => child.resume());
    }
    notices.after(chunk);
    options.observe(chunk, 'stdout');
  });

  const onResize = (): void => {
    try {
      child.resize(stdout.columns || 80, stdout.rows || 24);
    } catch (error) {
      options.logger.debug('resize failed', error);
    }
  };
  stdout.on('resize', onResize);
  const onContinue = (): void => resumeAfterSuspend(child, options, onResize);
  process.on('SIGCONT', onContinue);
  const onStopRequest = (): void => suspendTogether(child.pid, options);
  process.on('SIGTSTP', onStopRequest);

  const exited = new Promise<ChildExit>((resolve) => {
    child.onExit(({ exitCode, signal }) => {
      notices.dispose();
      if (slaveHold !== null) closeQuietly(slaveHold);
      stdin.off('data', onInput);
      stdin.pause();
      stdout.off('resize', onResize);
      process.off('SIGCONT', onContinue);
      process.off('SIGTSTP', onStopRequest);
      // Killed, Claude could not switch off what it switched on (hidden cursor, mouse, bracketed paste).
      options.terminal.restore({ afterCrash: Boolean(signal) });
      resolve({ exitCode, signal: signalName(signal) });
    });
  });

  return {
    pid: child.pid,
    exited,
    forwardSignal(signal) {
      try {
        process.kill(child.pid, signal);
      } catch {
        // Already gone.
      }
    },
    console: {
      type: (text) => child.write(text),
      lastKeyAt: () => lastKeyAt,
      notice: (bytes) => notices.write(bytes),
    } satisfies RelayConsole,
  };
}

function holdSlave(child: IPty, logger: Logger): number | null {
  const slavePath = (child as unknown as { _pty?: unknown })._pty;
  if (typeof slavePath !== 'string') return null;
  try {
    return openSync(slavePath, fsConstants.O_RDWR | fsConstants.O_NOCTTY);
  } catch (error) {
    logger.warn('could not hold the pty slave open; the last output bytes may be lost', error);
    return null;
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed.
  }
}

/**
 * Claude suspends itself on Ctrl+Z inside its own terminal. When it does, we stop too, so the
 * user's shell gets its prompt back; `fg` continues us and we continue Claude.
 */
function watchForSuspend(pid: number, options: PtyRelayOptions): void {
  const checks = [60, 200, 500];
  for (const delay of checks) {
    setTimeout(() => {
      if (isStopped(pid)) suspendSelf(options);
    }, delay).unref();
  }
}

function suspendTogether(pid: number, options: PtyRelayOptions): void {
  try {
    process.kill(-pid, 'SIGTSTP');
  } catch {
    // Claude already gone or not a group leader; we still stop ourselves.
  }
  suspendSelf(options);
}

let suspended = false;

function suspendSelf(options: PtyRelayOptions): void {
  if (suspended) return;
  suspended = true;
  options.terminal.restore();
  process.kill(process.pid, 'SIGSTOP');
}

function resumeAfterSuspend(child: IPty, options: PtyRelayOptions, resize: () => void): void {
  suspended = false;
  options.terminal.enterRaw();
  try {
    process.kill(-child.pid, 'SIGCONT');
  } catch {
    try {
      process.kill(child.pid, 'SIGCONT');
    } catch {
      // Gone.
    }
  }
  resize();
}

function isStopped(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state letter follows the command name, which is in parentheses and may hold spaces.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'T' || state === 't';
  } catch {
    return false;
  }
}
