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

export function createTerminalGuard(stdin: NodeJS.ReadStream = process.stdin, stdout: NodeJS.WriteStream = process.stdout): TerminalGuard {
  let wasRaw: boolean | null = null;
  return {
    enterRaw() {
      if (!stdin.isTTY) return;
      if (wasRaw === null) wasRaw = stdin.isRaw;
      stdin.setRawMode(true);
    },
    restore(options = {}) {
      if (stdin.isTTY && wasRaw !== null) {
        try {
          stdin.setRawMode(wasRaw);
        } catch {
          // The terminal may be gone (SIGHUP); nothing left to restore.
        }
      }
      if (options.afterCrash && stdout.isTTY) {
        try {
          stdout.write(RESET_SEQUENCES);
        } catch {
          // Same as above.
        }
      }
    },
  };
}
