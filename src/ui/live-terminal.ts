/**
 * The terminal borrowed by a full-screen view: the alternate screen and a hidden cursor while it
 * runs, raw keys for `q`, and everything put back exactly once, however the view ends.
 */
export interface LiveTerminal {
  readonly width: number;
  readonly height: number;
  /** Paint a frame over the last one; `clear` wipes the screen first (after a resize). */
  draw(lines: readonly string[], clear?: boolean): void;
  restore(): void;
}

export interface LiveTerminalEvents {
  onQuit(reason: string): void;
  onResize(): void;
}

const ENTER = '\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J';
const LEAVE = '\x1b[?25h\x1b[?1049l';
const QUIT_KEYS = new Set(['q', 'Q', '\x03', '\x04']);

export function openLiveTerminal(events: LiveTerminalEvents, stdin: NodeJS.ReadStream = process.stdin, stdout: NodeJS.WriteStream = process.stdout): LiveTerminal {
  let restored = false;
  const wasRaw = stdin.isTTY ? stdin.isRaw : null;

  const onKey = (chunk: Buffer): void => {
    // A burst of keys arrives as one chunk; any quit key in it counts.
    if ([...chunk.toString('utf8')].some((key) => QUIT_KEYS.has(key))) events.onQuit('key');
  };
  const onResize = (): void => events.onResize();
  const onSignal = (signal: NodeJS.Signals): void => events.onQuit(signal);
  // Last resort: whatever ends the process, the user gets their screen and cursor back.
  const onExit = (): void => restore();

  function restore(): void {
    if (restored) return;
    restored = true;
    stdin.off('data', onKey);
    stdout.off('resize', onResize);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(signal, onSignal);
    process.off('exit', onExit);
    if (stdin.isTTY && wasRaw !== null) {
      try {
        stdin.setRawMode(wasRaw);
      } catch {
        // The terminal is gone (SIGHUP); nothing to restore.
      }
    }
    stdin.pause();
    try {
      stdout.write(LEAVE);
    } catch {
      // Same as above.
    }
  }

  stdout.write(ENTER);
  if (stdin.isTTY) stdin.setRawMode(true);
  stdin.on('data', onKey);
  stdin.resume();
  stdout.on('resize', onResize);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  process.on('exit', onExit);

  return {
    get width() {
      return stdout.columns || 80;
    },
    get height() {
      return stdout.rows || 24;
    },
    draw(lines, clear = false) {
      if (restored) return;
      // Each row is cleared before it is written (a full-width row leaves the cursor past its end,
      // where clearing after it would eat its last cell), then everything below the frame.
      const rows = lines.map((line, index) => `\x1b[${index + 1};1H\x1b[2K${line}`).join('');
      const below = lines.length < this.height ? `\x1b[${lines.length + 1};1H\x1b[J` : '';
      stdout.write(`${clear ? '\x1b[2J' : ''}${rows}${below}`);
    },
    restore,
  };
}
