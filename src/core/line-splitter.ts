/**
 * Splits a byte stream into lines as chunks arrive: a line may come in many chunks and many lines
 * in one chunk. Works on bytes, so a UTF-8 character cut between chunks is rejoined before
 * decoding. A line longer than `maxLineBytes` is reported as oversized instead of buffered
 * without bound (the pass-through is unaffected: this only limits what we parse).
 */
export interface LineSplitterOptions {
  maxLineBytes?: number;
  onLine(line: string): void;
  onOversizedLine?(byteLength: number): void;
}

const NEWLINE = 0x0a;
const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private discarding = false;
  private discardedBytes = 0;
  private readonly maxLineBytes: number;

  constructor(private readonly options: LineSplitterOptions) {
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  push(chunk: Uint8Array): void {
    let start = 0;
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (start < buffer.length) {
      const newline = buffer.indexOf(NEWLINE, start);
      const end = newline === -1 ? buffer.length : newline;
      this.append(buffer.subarray(start, end));
      if (newline === -1) return;
      this.completeLine();
      start = newline + 1;
    }
  }

  /** The stream ended: a last line without a newline still counts. */
  end(): void {
    if (this.pendingBytes > 0 || this.discarding) this.completeLine();
  }

  private append(part: Buffer): void {
    if (part.length === 0) return;
    if (this.discarding) {
      this.discardedBytes += part.length;
      return;
    }
    if (this.pendingBytes + part.length > this.maxLineBytes) {
      this.discarding = true;
      this.discardedBytes = this.pendingBytes + part.length;
      this.pending = [];
      this.pendingBytes = 0;
      return;
    }
    // Copy: the caller may reuse the chunk's memory after push returns.
    this.pending.push(Buffer.from(part));
    this.pendingBytes += part.length;
  }

  private completeLine(): void {
    if (this.discarding) {
      const size = this.discardedBytes;
      this.discarding = false;
      this.discardedBytes = 0;
      this.options.onOversizedLine?.(size);
      return;
    }
    const bytes = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    let line = bytes.toString('utf8');
    if (line.endsWith('\r')) line = line.slice(0, -1);
    this.options.onLine(line);
  }
}
