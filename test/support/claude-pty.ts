/**
 * Drives Claude Code's interactive screen in a real pseudo-terminal. Text is read from a
 * rendered screen (terminal-screen.ts), not from the raw bytes.
 */
import { closeSync, constants, openSync } from 'node:fs';
import * as pty from '@lydell/node-pty';
import stripAnsi from 'strip-ansi';
import { TerminalScreen } from './terminal-screen.js';

export interface SpawnScreenOptions {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  cols?: number;
  rows?: number;
}

export interface ScreenExit {
  exitCode: number;
  signal: number | undefined;
}

export type ScreenKey = 'enter' | 'escape' | 'tab' | 'backspace' | 'up' | 'down' | 'ctrl-c' | 'ctrl-d';

const KEYS: Record<ScreenKey, string> = {
  // A real terminal sends CR for Enter; "\n" is taken as a newline inside the prompt.
  enter: '\r',
  escape: '\x1b',
  tab: '\t',
  backspace: '\x7f',
  up: '\x1b[A',
  down: '\x1b[B',
  'ctrl-c': '\x03',
  'ctrl-d': '\x04',
};

export interface ClaudeScreen {
  readonly pid: number;
  /** Every byte received, escapes included. */
  raw(): string;
  /** The raw bytes without escapes. Unreliable for reading: spaces are often cursor moves. */
  stripped(): string;
  /** The visible screen as text. */
  screen(): string;
  /** Rows that scrolled away plus every distinct row shown so far. */
  history(): string;
  /**
   * Resolves when `pattern` is on the screen or in its history. Rejects on timeout or when the
   * process exits first, with the screen in the message.
   */
  waitFor(pattern: string | RegExp, timeoutMs: number): Promise<void>;
  /** Types text; `delayMs` > 0 sends it one character at a time. */
  type(text: string, delayMs?: number): Promise<void>;
  press(key: ScreenKey): void;
  /** Types `text`, lets the input settle, then presses Enter. */
  submit(text: string): Promise<void>;
  /** Closes an open menu, sends `/exit`, waits for the process to end; kills it after `timeoutMs`. */
  exit(timeoutMs: number): Promise<ScreenExit>;
  readonly exited: Promise<ScreenExit>;
  /** Kills the process if it still runs. Safe to call more than once. */
  dispose(): void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const EXIT_DRAIN_MS = 100;

/**
 * Opens the pty's child side ourselves. Otherwise, when the child exits, node-pty sees EIO
 * and drops output still in the buffer: here 5 of 30 runs lost the tail of a 100 KB write,
 * which is where Claude prints "Resume this session with". `_pty` (the /dev/pts path) is
 * private to node-pty, hence the guard.
 */
function holdSlave(proc: pty.IPty): number | undefined {
  const device = (proc as unknown as { _pty?: unknown })._pty;
  if (typeof device !== 'string' || !device.startsWith('/dev/')) return undefined;
  try {
    return openSync(device, constants.O_RDWR | constants.O_NOCTTY);
  } catch {
    return undefined;
  }
}

function releaseSlave(fd: number | undefined): void {
  if (fd === undefined) return;
  try {
    closeSync(fd);
  } catch {
    // Already closed.
  }
}

/** Pause between typing and Enter: 1.0.60 reads an Enter within ~100 ms of the text as part of a paste. */
const SETTLE_MS = 300;

export function spawnClaudeScreen(options: SpawnScreenOptions): ClaudeScreen {
  const cols = options.cols ?? 100;
  const rows = options.rows ?? 30;
  const term = new TerminalScreen(cols, rows);
  const proc = pty.spawn(options.command, options.args, {
    name: 'xterm-256color',
    cols,
    rows,
    cwd: options.cwd,
    env: { ...options.env, TERM: 'xterm-256color', COLUMNS: String(cols), LINES: String(rows) },
  });
  const slave = holdSlave(proc);
  let raw = '';
  let exitInfo: ScreenExit | undefined;
  let childGone = false;
  const listeners = new Set<() => void>();
  const notify = (): void => listeners.forEach((l) => l());

  const dataSub = proc.onData((data) => {
    raw += data;
    term.write(data);
    notify();
  });
  const exited = new Promise<ScreenExit>((resolve) => {
    const exitSub = proc.onExit(({ exitCode, signal }) => {
      childGone = true;
      exitSub.dispose();
      // Give the reader a moment to drain what the child wrote last, then let the pty close.
      setTimeout(() => {
        releaseSlave(slave);
        exitInfo = { exitCode, signal };
        resolve(exitInfo);
        notify();
      }, EXIT_DRAIN_MS);
    });
  });

  const alive = (): boolean => !childGone;
  const view = (): string => `${term.history()}\n${term.text()}`;
  const write = (data: string): void => {
    if (alive()) proc.write(data);
  };

  const dispose = (): void => {
    if (alive()) {
      try {
        proc.kill('SIGKILL');
      } catch {
        // Already gone between the check and the kill.
      }
    }
    dataSub.dispose();
  };

  const waitFor = (pattern: string | RegExp, timeoutMs: number): Promise<void> => {
    const matches = (): boolean => {
      const text = view();
      return typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
    };
    return new Promise((resolve, reject) => {
      const done = (error?: Error): void => {
        clearTimeout(timer);
        listeners.delete(check);
        if (error) reject(error);
        else resolve();
      };
      const fail = (why: string): Error => new Error(`${why} waiting for ${String(pattern)}; screen:\n${term.text()}`);
      const check = (): void => {
        if (matches()) done();
        else if (exitInfo) done(fail(`process exited (${JSON.stringify(exitInfo)})`));
      };
      const timer = setTimeout(() => done(fail(`timed out after ${timeoutMs} ms`)), timeoutMs);
      listeners.add(check);
      check();
    });
  };

  const type = async (text: string, delayMs = 0): Promise<void> => {
    if (delayMs <= 0) {
      write(text);
      return;
    }
    for (const ch of text) {
      write(ch);
      await sleep(delayMs);
    }
  };

  return {
    pid: proc.pid,
    raw: () => raw,
    stripped: () => stripAnsi(raw),
    screen: () => term.text(),
    history: () => term.history(),
    waitFor,
    type,
    press: (key) => write(KEYS[key]),
    async submit(text) {
      await type(text);
      await sleep(SETTLE_MS);
      write(KEYS.enter);
    },
    async exit(timeoutMs) {
      if (alive()) {
        // A menu would take "/exit" as its answer: 2.1.330 asks "What do you want to do?" after
        // a limit that resets more than a day away.
        if (/Enter to confirm · Esc to cancel/.test(term.text())) {
          write(KEYS.escape);
          await sleep(SETTLE_MS);
        }
        write('/exit');
        await sleep(SETTLE_MS);
        write(KEYS.enter);
      }
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), timeoutMs);
      });
      const result = await Promise.race([exited, timeout]);
      clearTimeout(timer);
      if (result) return result;
      dispose();
      return exited;
    },
    exited,
    dispose,
  };
}
