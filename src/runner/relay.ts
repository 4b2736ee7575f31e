import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { guardClaude, type ClaudeGuard } from './claude-guard.js';
import type { ChildExit } from './exit-code.js';

export interface RelayRequest {
  file: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
}

/** A running child whose stdio we pass through. */
export interface Relay {
  pid: number;
  exited: Promise<ChildExit>;
  /** Forward a signal we received to the child, as the terminal would have delivered it. */
  forwardSignal(signal: NodeJS.Signals): void;
  /** Claude's own terminal, when it runs in one we hold (interactive runs). */
  console?: RelayConsole;
}

/** What we may do on the terminal Claude draws on, besides passing it through. */
export interface RelayConsole {
  /** Keys into Claude, as if typed. */
  type(text: string): void;
  /** When the user last typed (epoch ms), 0 before the first key. */
  lastKeyAt(): number;
  /** Bytes of ours to the user's terminal, held back while Claude's output is inside an escape sequence. */
  notice(bytes: Uint8Array): void;
}

export type OutputObserver = (chunk: Buffer, stream: 'stdout' | 'stderr') => void;

/**
 * A child_process child as a Relay, guarded so it does not outlive us (claude-guard.ts).
 * `exited` resolves when the child has exited and what it wrote to `pipes` has been forwarded:
 * not when every holder of the pipes has closed them, since a process Claude leaves running in
 * the background may hold them for as long as it likes, and a direct run would not wait for it.
 */
export function relayOfChild(child: ChildProcess, pipes: readonly Readable[] = []): Relay {
  const guard = child.pid === undefined ? null : guardQuietly(child.pid);
  const exited = new Promise<ChildExit>((resolve, reject) => {
    child.once('error', (error) => {
      guard?.release();
      reject(error);
    });
    child.once('exit', (code, signal) => {
      // At once: a pid that has exited may be given to another process.
      guard?.release();
      void drainPipes(pipes).then(() => resolve({ exitCode: code ?? 1, signal }));
    });
  });
  return {
    pid: child.pid ?? -1,
    exited,
    forwardSignal(signal) {
      try {
        child.kill(signal);
      } catch {
        // Already gone.
      }
    },
  };
}

/** A guard that cannot start costs only the guarding, never Claude. */
function guardQuietly(pid: number): ClaudeGuard | null {
  try {
    return guardClaude(pid);
  } catch {
    return null;
  }
}

/**
 * Waits until every pipe has ended, or has gone a whole turn of the event loop (one poll of the
 * descriptors) with nothing new while reading: the writer has exited, so whatever it wrote was
 * in the pipe by then and that poll read it. A pipe still held by someone else is then closed.
 */
async function drainPipes(pipes: readonly Readable[]): Promise<void> {
  for (;;) {
    const open = pipes.filter((pipe) => !pipe.readableEnded && !pipe.destroyed);
    if (open.length === 0) return;
    const paused = open.find((pipe) => pipe.readableFlowing === false);
    // Our reader is slow: the rest is forwarded as it drains, exactly as before Claude exited.
    if (paused) {
      await new Promise((resolve) => paused.once('resume', resolve).once('close', resolve));
      continue;
    }
    const before = open.map(bytesSeen);
    await new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
    if (open.every((pipe, index) => pipe.readableEnded || pipe.destroyed || (bytesSeen(pipe) === before[index] && pipe.readableLength === 0))) {
      for (const pipe of open) pipe.destroy();
      return;
    }
  }
}

function bytesSeen(pipe: Readable): number {
  return (pipe as Readable & { bytesRead?: number }).bytesRead ?? 0;
}
