/**
 * The user's terminal, borrowed while Claude runs in a pseudo-terminal: raw mode on the way in,
 * the exact previous mode on the way out, on every path.
 */
export interface TerminalGuard {
  enterRaw(): void;
  /** Back to the mode we found. `afterCrash` also undoes modes Claude may have left switched on. */
  restore(options?: { afterCrash?: boolean }): void;
}

// Modes an interrupted Claude can leave on: bracketed paste, focus events, mouse reporting,
// the kitty keyboard protocol, modifyOtherKeys, a hidden cursor and the alternate screen.
const RESET_SEQUENCES = '\x1b[?2004l\x1b[?1004l\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[<u\x1b[>4;0m\x1b[?25h\x1b[?1049l';

export function createTerminalGuard(input?: NodeJS.ReadStream, output?: NodeJS.WriteStream): TerminalGuard {
  // process.stdin is a stream made on first use: a run that never takes the terminal (print mode) never pays for it.
  const stdin = (): NodeJS.ReadStream => input ?? process.stdin;
  const stdout = (): NodeJS.WriteStream => output ?? process.stdout;
  let wasRaw: boolean | null = null;
  return {
    enterRaw() {
      const terminal = stdin();
      if (!terminal.isTTY) return;
      if (wasRaw === null) wasRaw = terminal.isRaw;
      terminal.setRawMode(true);
    },
    restore(options = {}) {
      // Only a terminal we put in raw mode has a mode to give back.
      if (wasRaw !== null) {
        try {
          stdin().setRawMode(wasRaw);
        } catch {
          // The terminal may be gone (SIGHUP); nothing left to restore.
        }
      }
      if (options.afterCrash && stdout().isTTY) {
        try {
          stdout().write(RESET_SEQUENCES);
        } catch {
          // Same as above.
        }
      }
    },
  };
}
