/** How a wrapper of Claude ends: Claude's code, or the signal that killed Claude. */
export interface EndAs {
  code: number;
  signal: NodeJS.Signals | null;
}

/** Signals no handler can take: sent as they are. */
const UNCATCHABLE = new Set<string>(['SIGKILL', 'SIGSTOP']);

/** Exit once everything we printed has left the process; where Claude died by a signal, die by it too. */
export function exitWhenFlushed(outcome: number | EndAs): void {
  const { code, signal } = typeof outcome === 'number' ? { code: outcome, signal: null } : outcome;
  const end = (): void => (signal === null ? process.exit(code) : dieBy(signal, code));
  const streams = [process.stdout, process.stderr].filter((stream) => stream.writableLength > 0);
  if (streams.length === 0) return end();
  let waiting = streams.length;
  for (const stream of streams) {
    stream.once('drain', () => {
      if (--waiting === 0) end();
    });
  }
  // A reader that never drains (a stuck pipe) must not keep us alive forever.
  setTimeout(end, 2000).unref();
}

/**
 * The caller (a shell, a script's wait) sees a death by signal, as from Claude run directly. Node
 * keeps its own handling for some signals (SIGPIPE ignored, SIGUSR1 starts the inspector):
 * listening and then no longer listening leaves the system's default action. A signal whose
 * default does not end a process leaves us running: the shell's code then.
 */
function dieBy(signal: NodeJS.Signals, code: number): never {
  try {
    if (!UNCATCHABLE.has(signal)) {
      const none = (): void => {};
      process.on(signal, none);
      process.removeAllListeners(signal);
    }
    process.kill(process.pid, signal);
  } catch {
    // A signal this system does not have: the code says it.
  }
  return process.exit(code);
}
