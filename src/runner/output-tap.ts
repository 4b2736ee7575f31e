import type { OutputObserver } from './relay.js';

/** Early output is kept this far while the observers load: seconds of Claude's output, at most. */
const EARLY_BYTES = 4 * 1024 * 1024;

/**
 * Claude is spawned before our observers load, so the relay is given this tap: it keeps what
 * Claude prints until they are attached, then hands it over in order and passes the rest straight
 * on. The relay has already forwarded every byte; only our copy waits here.
 */
export class OutputTap {
  private observer: OutputObserver | null = null;
  private early: Array<{ chunk: Buffer; stream: 'stdout' | 'stderr' }> | null = [];
  private earlyBytes = 0;
  private overflowed = false;

  constructor(private readonly maxEarlyBytes = EARLY_BYTES) {}

  readonly observe: OutputObserver = (chunk, stream) => {
    if (this.observer !== null) return this.observer(chunk, stream);
    if (this.early === null || this.overflowed) return;
    if (this.earlyBytes + chunk.length > this.maxEarlyBytes) {
      // Nothing after a gap is kept: the observers get an unbroken start of the output.
      this.overflowed = true;
      return;
    }
    // A stream's chunks are never reused by Node or node-pty: keeping the reference is safe.
    this.early.push({ chunk, stream });
    this.earlyBytes += chunk.length;
  };

  /** Whether early output was left out because the observers took too long to load. */
  get lostEarlyOutput(): boolean {
    return this.overflowed;
  }

  /** Hands over what was kept, then everything that follows. */
  attach(observer: OutputObserver): void {
    const early = this.early ?? [];
    this.early = null;
    this.earlyBytes = 0;
    this.observer = observer;
    for (const { chunk, stream } of early) observer(chunk, stream);
  }

  /** Nobody will attach: what was kept is dropped and nothing more is kept. */
  close(): void {
    this.early = null;
    this.earlyBytes = 0;
  }
}
