/**
 * What the screen watcher's emulator is given of Claude's output, so that watching never costs
 * the relay: chunks are gathered into batches (one parse and one scan each, never a timer per
 * chunk), and the emulator parses no more than a budget a second. Claude paints a few KB a
 * second; past the budget is a flood (a tool dumping megabytes), which is skipped, keeping only
 * its tail: once output slows again the tail is handed over, enough for the emulator to show
 * the screen as it now stands, and Claude's own repaints do the rest.
 */

export interface ScreenBatchOptions {
  /** Given each batch to parse, in order; during a flood, nothing until the tail. */
  deliver(batch: Buffer): void;
  /** Epoch ms. */
  now?: () => number;
  /** A batch is handed over this long after its first chunk... */
  batchMs?: number;
  /** ...or as soon as it holds this much. */
  batchBytes?: number;
  /** What the emulator may parse a second, on average... */
  bytesPerSecond?: number;
  /** ...and at once. */
  burstBytes?: number;
  /** What is kept of a flood, and handed over once it is over. */
  tailBytes?: number;
}

const BATCH_MS = 25;
const BATCH_BYTES = 64 * 1024;
const BYTES_PER_SECOND = 256 * 1024;
const BURST_BYTES = 256 * 1024;
const TAIL_BYTES = 128 * 1024;
/** How often a flood is looked at to see whether it is over. */
const FLOOD_CHECK_MS = 100;

export class ScreenBatches {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private batchTimer: NodeJS.Timeout | undefined;
  /** What may be parsed now (a token bucket), and when it was last topped up. */
  private allowance: number;
  private toppedUpAt: number;
  /** During a flood: the latest output, oldest first, about `tailBytes` of it. */
  private tail: Uint8Array[] | null = null;
  private tailBytes = 0;
  private floodTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  private readonly now: () => number;
  private readonly batchMs: number;
  private readonly batchBytes: number;
  private readonly bytesPerSecond: number;
  private readonly burstBytes: number;
  private readonly tailLimit: number;

  constructor(private readonly options: ScreenBatchOptions) {
    this.now = options.now ?? (() => Date.now());
    this.batchMs = options.batchMs ?? BATCH_MS;
    this.batchBytes = options.batchBytes ?? BATCH_BYTES;
    this.bytesPerSecond = options.bytesPerSecond ?? BYTES_PER_SECOND;
    this.burstBytes = options.burstBytes ?? BURST_BYTES;
    this.tailLimit = options.tailBytes ?? TAIL_BYTES;
    this.allowance = this.burstBytes;
    this.toppedUpAt = this.now();
  }

  /** Whether output is being skipped as a flood. */
  get flooding(): boolean {
    return this.tail !== null;
  }

  write(chunk: Uint8Array): void {
    if (this.disposed || chunk.length === 0) return;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= this.batchBytes) this.flush();
    else if (this.batchTimer === undefined) {
      this.batchTimer = setTimeout(() => this.flush(), this.batchMs);
      this.batchTimer.unref();
    }
  }

  /** Hands over what waits now (before the terminal is resized, say), or keeps it if flooding. */
  flush(): void {
    const { batch, bytes } = this.takePending();
    if (bytes === 0) return;
    this.topUp();
    if (this.tail === null && bytes <= this.allowance) {
      this.allowance -= bytes;
      this.options.deliver(joined(batch, bytes));
      return;
    }
    // A flood uses the allowance up: it lasts while output comes faster than the budget.
    this.allowance = Math.max(0, this.allowance - bytes);
    this.keepTail(batch);
    if (this.floodTimer === undefined) this.checkFloodLater();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.batchTimer);
    clearTimeout(this.floodTimer);
    this.pending = [];
    this.tail = null;
  }

  private takePending(): { batch: Uint8Array[]; bytes: number } {
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    const taken = { batch: this.pending, bytes: this.pendingBytes };
    this.pending = [];
    this.pendingBytes = 0;
    return taken;
  }

  private topUp(): void {
    const now = this.now();
    this.allowance = Math.min(this.burstBytes, this.allowance + ((now - this.toppedUpAt) * this.bytesPerSecond) / 1000);
    this.toppedUpAt = now;
  }

  private keepTail(batch: readonly Uint8Array[]): void {
    const tail = (this.tail ??= []);
    for (const chunk of batch) {
      tail.push(chunk);
      this.tailBytes += chunk.length;
    }
    while (tail.length > 1 && this.tailBytes - tail[0]!.length >= this.tailLimit) this.tailBytes -= tail.shift()!.length;
  }

  private checkFloodLater(): void {
    this.floodTimer = setTimeout(() => {
      this.floodTimer = undefined;
      this.endFloodIfOver();
    }, FLOOD_CHECK_MS);
    this.floodTimer.unref();
  }

  /** Output slowed well below the budget: the tail goes to the emulator, and batches flow again. */
  private endFloodIfOver(): void {
    if (this.disposed || this.tail === null) return;
    const { batch, bytes: waiting } = this.takePending();
    this.topUp();
    this.allowance = Math.max(0, this.allowance - waiting);
    this.keepTail(batch);
    if (this.allowance < this.burstBytes / 2) return this.checkFloodLater();
    const tail = this.tail;
    const bytes = this.tailBytes;
    this.tail = null;
    this.tailBytes = 0;
    this.allowance = Math.max(0, this.allowance - bytes);
    this.options.deliver(joined(tail, bytes));
  }
}

/** One buffer of the chunks, without a copy when there is one chunk. */
function joined(chunks: readonly Uint8Array[], bytes: number): Buffer {
  const [only] = chunks;
  return chunks.length === 1 && only ? Buffer.from(only.buffer, only.byteOffset, only.byteLength) : Buffer.concat(chunks, bytes);
}
