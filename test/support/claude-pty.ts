/**
 * Drives Claude Code's interactive screen in a real pseudo-terminal. Text is read from a
 * rendered screen (terminal-screen.ts), not from the raw bytes.
 */
import { closeSync, constants, openSync } from 'node:fs';
import * as pty from 'node-pty';
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
  /** Types text, all in one write. */
  type(text: string): Promise<void>;
  press(key: ScreenKey): void;
  /** Types `text`, waits until the prompt box shows it, then presses Enter. */
  submit(text: string, timeoutMs?: number): Promise<void>;
  /** Closes an open menu, sends `/exit`, waits for the process to end; kills it after `timeoutMs`. */
  exit(timeoutMs: number): Promise<ScreenExit>;
  readonly exited: Promise<ScreenExit>;
  /** Kills the process if it still runs. Safe to call more than once. */
  dispose(): void;
}

const INPUT_TIMEOUT_MS = 15_000;
const MENU = /Enter to confirm · Esc to cancel/;

/**
 * What the prompt box holds: the text after the prompt glyph on the lowest line that starts
 * with one (2.1.330 draws `❯ text`, 1.0.60 `│ > text │`). Earlier prompts sit higher up.
 */
export function promptInput(screen: string): string | null {
  const lines = screen.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const match = /^\s*│?\s*[>❯] (.*?)\s*│?$/.exec(lines[i] ?? '');
    if (match) return match[1]!.trim();
  }
  return null;
}

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
    // node-pty reports the exit only after it has read what the child wrote last and closed its
    // side, so the screen is complete here and the held slave can go.
    const exitSub = proc.onExit(({ exitCode, signal }) => {
      childGone = true;
      exitSub.dispose();
      releaseSlave(slave);
      exitInfo = { exitCode, signal };
      resolve(exitInfo);
      notify();
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

  /** Resolves once `holds` is true of the screen; rejects on timeout or when the process exits first. */
  const waitUntil = (holds: () => boolean, what: string, timeoutMs: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const done = (error?: Error): void => {
        clearTimeout(timer);
        listeners.delete(check);
        if (error) reject(error);
        else resolve();
      };
      const fail = (why: string): Error => new Error(`${why} waiting for ${what}; screen:\n${term.text()}`);
      const check = (): void => {
        if (holds()) done();
        else if (exitInfo) done(fail(`process exited (${JSON.stringify(exitInfo)})`));
      };
      const timer = setTimeout(() => done(fail(`timed out after ${timeoutMs} ms`)), timeoutMs);
      listeners.add(check);
      check();
    });

  const waitFor = (pattern: string | RegExp, timeoutMs: number): Promise<void> => {
    const matches = (): boolean => {
      const text = view();
      return typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
    };
    return waitUntil(matches, String(pattern), timeoutMs);
  };

  /**
   * Types `text` and presses Enter once the prompt box shows it. 1.0.60 takes a CR that arrives
   * in the same read as typed text for a newline inside the prompt, and on a loaded machine two
   * writes can reach Claude in one read however long apart they were sent. Once the text is
   * drawn, Claude has read it, so the Enter comes in a read of its own.
   */
  const enter = async (text: string, timeoutMs: number): Promise<void> => {
    write(text);
    await waitUntil(() => promptInput(term.text()) === text, `the prompt box to show ${JSON.stringify(text)}`, timeoutMs);
    write(KEYS.enter);
  };

  return {
    pid: proc.pid,
    raw: () => raw,
    stripped: () => stripAnsi(raw),
    screen: () => term.text(),
    history: () => term.history(),
    waitFor,
    type: async (text) => write(text),
    press: (key) => write(KEYS[key]),
    submit: (text, timeoutMs = INPUT_TIMEOUT_MS) => enter(text, timeoutMs),
    async exit(timeoutMs) {
      if (alive()) {
        // A menu would take "/exit" as its answer: 2.1.330 asks "What do you want to do?" after
        // a limit that resets more than a day away.
        if (MENU.test(term.text())) {
          write(KEYS.escape);
          await waitUntil(() => !MENU.test(term.text()), 'the menu to close', timeoutMs);
        }
        try {
          await enter('/exit', timeoutMs);
        } catch (error) {
          if (exitInfo) return exitInfo;
          dispose();
          throw error;
        }
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
