import { escapeStateAfter, type EscapeState } from '../core/escape-sequences.js';

/** A notice held back for an escape sequence Claude left open goes out after this long regardless. */
const NOTICE_HOLD_MS = 1000;

/** Our bytes to the user's terminal, written only between Claude's escape sequences. */
export class NoticeQueue {
  private state: EscapeState = 'ground';
  private held: Uint8Array[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly stdout: Pick<NodeJS.WritableStream, 'write'>) {}

  /** Claude's chunk has just been written. */
  after(chunk: Uint8Array): void {
    this.state = escapeStateAfter(this.state, chunk);
    if (this.state === 'ground' && this.held.length > 0) this.release();
  }

  write(bytes: Uint8Array): void {
    this.held.push(bytes);
    if (this.state === 'ground') this.release();
    else this.timer ??= setTimeout(() => this.release(), NOTICE_HOLD_MS).unref();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.held = [];
  }

  private release(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const bytes of this.held) this.stdout.write(bytes);
    this.held = [];
  }
}
