import type { ChildProcess } from 'node:child_process';
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
}

export type OutputObserver = (chunk: Buffer, stream: 'stdout' | 'stderr') => void;

/**
 * A child_process child as a Relay. 'close' waits for the child's pipes to end, so with piped
 * output every byte has been forwarded when `exited` resolves.
 */
export function relayOfChild(child: ChildProcess): Relay {
  const exited = new Promise<ChildExit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ exitCode: code ?? 1, signal }));
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
