import type { Readable } from 'node:stream';

/**
 * Copies a child's output to our own stream byte for byte, first, and only then hands a view to
 * the observer. Back-pressure is honoured: when our reader is slow the child is paused, exactly
 * as it would be if it wrote to the terminal itself. If our reader goes away (EPIPE), the child's
 * pipe is closed so the child sees the broken pipe too.
 */
export function forwardStream(source: Readable, target: NodeJS.WritableStream & { writableNeedDrain?: boolean }, observe: (chunk: Buffer) => void): void {
  let broken = false;
  target.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') {
      broken = true;
      source.destroy();
    }
  });
  source.on('data', (chunk: Buffer) => {
    if (broken) return;
    if (!target.write(chunk)) {
      source.pause();
      target.once('drain', () => source.resume());
    }
    observe(chunk);
  });
  source.on('error', () => {
    // The child's pipe closing under us is not an error of Claude's.
  });
}
