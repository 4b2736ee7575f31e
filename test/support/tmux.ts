/**
 * A private tmux server (its own socket, no user config) holding one detached window, for
 * testing full-screen programs as a person would see them: `capture-pane` is the screen.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './until.js';

export interface TmuxWindow {
  /** The visible screen, one string per row, trailing spaces removed (tmux's own trimming). */
  capture(): string[];
  /** A pane format, say `#{alternate_on}` or `#{cursor_flag}`. */
  display(format: string): string;
  sendKeys(...keys: string[]): void;
  /** Pastes `text` as a terminal paste: bracketed when the program inside asked for it. */
  paste(text: string): void;
  resize(width: number, height: number): void;
  /** Waits until `check` holds for the screen, polling; throws with the last screen on timeout. */
  waitForScreen(check: (lines: string[]) => boolean, what: string, timeoutMs?: number): Promise<string[]>;
  kill(): void;
}

const quote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

/** Runs `argv` with exactly `env` (nothing of tmux's or ours leaks in), then prints its exit code and stays. */
export function startTmux(argv: string[], env: Record<string, string>, size = { width: 100, height: 30 }): TmuxWindow {
  // A socket of its own: kill-server returns before the old server is gone, and a new one on the
  // same socket can meet it dying ("server exited unexpectedly"). Its folder is the window's, not
  // the test's: a test that removed its folder first would leave a server nobody can reach to kill.
  const socketDir = mkdtempSync(join(tmpdir(), 'cw-tmux-'));
  const socket = join(socketDir, 'tmux.sock');
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-S', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  const assignments = Object.entries(env).map(([name, value]) => `${name}=${quote(value)}`);
  const command = `env -i ${assignments.join(' ')} ${argv.map(quote).join(' ')}; echo "exited $?"; sleep 120`;
  tmux('new-session', '-d', '-s', 'w', '-x', String(size.width), '-y', String(size.height), command);
  const window = {
    capture: () => tmux('capture-pane', '-p', '-t', 'w').replace(/\n$/, '').split('\n'),
    display: (format: string) => tmux('display-message', '-p', '-t', 'w', format).trim(),
    sendKeys: (...keys: string[]) => void tmux('send-keys', '-t', 'w', ...keys),
    paste: (text: string) => {
      tmux('set-buffer', '-b', 'clip', text);
      tmux('paste-buffer', '-p', '-b', 'clip', '-t', 'w');
    },
    resize: (width: number, height: number) => void tmux('resize-window', '-t', 'w', '-x', String(width), '-y', String(height)),
    waitForScreen: (check: (lines: string[]) => boolean, what: string, timeoutMs = 15_000) =>
      until(
        () => {
          const lines = window.capture();
          return check(lines) ? lines : null;
        },
        what,
        { timeoutMs, intervalMs: 100, seen: () => window.capture().join('\n') },
      ),
    kill: () => {
      try {
        tmux('kill-server');
      } catch {
        // Already gone.
      }
      rmSync(socketDir, { recursive: true, force: true });
    },
  };
  return window;
}
