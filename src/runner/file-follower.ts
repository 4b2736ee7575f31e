import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { LineSplitter } from '../core/line-splitter.js';

export interface FileFollowerOptions {
  file: string;
  /** Bytes already accounted for: reading starts here. */
  startOffset?: number;
  onLine(line: string): void;
  /** The file shrank or was replaced: what was read no longer describes it, reading restarts at 0. */
  onRestart?(): void;
  // A property, not a method: it is handed on to the line splitter unbound.
  onOversizedLine?: (byteLength: number) => void;
  maxLineBytes?: number;
}

const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * Follows a file another process appends to, by byte offset: each `poll()` reads what was added
 * since the last one and hands over complete lines. A line still being written (no newline yet)
 * waits in the splitter for the rest of its bytes, so a torn write is completed by a later poll,
 * never parsed half. `finish()` reads the rest and gives a last line without a newline too.
 * Missing files are waited for; nothing here throws.
 */
export class FileFollower {
  private offset: number;
  private identity: { dev: number; ino: number } | null = null;
  private splitter: LineSplitter;
  private finished = false;

  constructor(private readonly options: FileFollowerOptions) {
    this.offset = options.startOffset ?? 0;
    this.splitter = this.newSplitter();
  }

  get file(): string {
    return this.options.file;
  }

  /** Bytes read so far. */
  get position(): number {
    return this.offset;
  }

  poll(): void {
    if (this.finished) return;
    let fd: number;
    try {
      fd = openSync(this.options.file, 'r');
    } catch {
      return; // Not there yet (or gone): try again on the next poll.
    }
    try {
      const stat = fstatSync(fd);
      if (this.wasReplaced(stat)) this.restart();
      this.identity = { dev: stat.dev, ino: stat.ino };
      this.readFrom(fd, stat.size);
    } catch {
      // A read error is retried on the next poll from the same offset.
    } finally {
      closeSync(fd);
    }
  }

  finish(): void {
    if (this.finished) return;
    this.poll();
    this.finished = true;
    this.splitter.end();
  }

  private readFrom(fd: number, size: number): void {
    const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, Math.max(1, size - this.offset)));
    while (this.offset < size) {
      const read = readSync(fd, buffer, 0, Math.min(buffer.length, size - this.offset), this.offset);
      if (read <= 0) break;
      this.offset += read;
      this.splitter.push(buffer.subarray(0, read));
    }
  }

  /** Truncated, or another file renamed over it: what we read belongs to a file that is gone. */
  private wasReplaced(stat: { dev: number; ino: number; size: number }): boolean {
    if (stat.size < this.offset) return true;
    return this.identity !== null && (this.identity.dev !== stat.dev || this.identity.ino !== stat.ino);
  }

  private restart(): void {
    this.offset = 0;
    this.splitter = this.newSplitter();
    this.options.onRestart?.();
  }

  private newSplitter(): LineSplitter {
    return new LineSplitter({
      onLine: (line) => this.options.onLine(line),
      ...(this.options.onOversizedLine ? { onOversizedLine: this.options.onOversizedLine } : {}),
      ...(this.options.maxLineBytes !== undefined ? { maxLineBytes: this.options.maxLineBytes } : {}),
    });
  }
}

/** The size of a file now, or null when it does not exist. */
export function fileSize(file: string): number | null {
  try {
    return statSync(file).size;
  } catch {
    return null;
  }
}
