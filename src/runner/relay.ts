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
