import stripAnsi from 'strip-ansi';
import type { Fact } from '../core/facts.js';
import { LineSplitter } from '../core/line-splitter.js';
import { factsFromPrintEvent, isRecord } from '../core/print-events.js';
import { matchRateLimitText } from '../core/rate-limit-text.js';
import type { OutputFormat } from '../core/claude-args.js';

export interface PrintObserverOptions {
  outputFormat: OutputFormat;
  now(): number;
  timeZone: string;
  emit(facts: Fact[]): void;
}

/**
 * Reads a copy of print-mode output. JSON formats yield structured events; limit messages are
 * matched in the text too, but only believed when the run failed, because in text mode the
 * answer itself could quote such a message.
 */
export class PrintObserver {
  private readonly stdoutLines: LineSplitter;
  private readonly stderrLines: LineSplitter;
  private readonly heldLimitFacts: Fact[] = [];
  private sawStructuredLimit = false;
  /** Whether Claude answered the run's prompt yet: its first main-chain message makes the prompt a turn. */
  private answered = false;

  constructor(private readonly options: PrintObserverOptions) {
    const rejectOversized = (bytes: number): void =>
      options.emit([{ kind: 'line-rejected', source: this.source, reason: `line of ${bytes} bytes exceeds the parse limit` }]);
    this.stdoutLines = new LineSplitter({ onLine: (line) => this.onStdoutLine(line), onOversizedLine: rejectOversized });
    this.stderrLines = new LineSplitter({ onLine: (line) => this.onTextLine(line), onOversizedLine: rejectOversized });
  }

  private get source(): 'stream-json' | 'print-text' {
    return this.options.outputFormat === 'text' ? 'print-text' : 'stream-json';
  }

  push(chunk: Buffer, stream: 'stdout' | 'stderr'): void {
    (stream === 'stdout' ? this.stdoutLines : this.stderrLines).push(chunk);
  }

  /** Output ended; `failed` says whether Claude exited with an error. */
  end(failed: boolean): void {
    this.stdoutLines.end();
    this.stderrLines.end();
    if (failed && !this.sawStructuredLimit && this.heldLimitFacts.length > 0) this.options.emit(this.heldLimitFacts.splice(0));
  }

  private onStdoutLine(line: string): void {
    if (this.options.outputFormat === 'text') {
      this.onTextLine(line);
      return;
    }
    const trimmed = line.trim();
    if (trimmed === '') return;
    if (trimmed[0] !== '{' && trimmed[0] !== '[') {
      this.onTextLine(line);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      this.options.emit([{ kind: 'line-rejected', source: this.source, reason: 'malformed JSON line' }]);
      return;
    }
    // `--output-format json --verbose` prints every event as one array.
    for (const event of Array.isArray(parsed) ? parsed : [parsed]) this.onEvent(event);
  }

  private onEvent(event: unknown): void {
    const now = this.options.now();
    const facts = factsFromPrintEvent(event, now, this.source).map((fact) => this.markAnswer(fact));
    if (facts.some((fact) => fact.kind === 'rate-limit')) this.sawStructuredLimit = true;
    // The result of a failed run carries the message Claude showed; it names the window and reset.
    if (isRecord(event) && event.type === 'result' && event.is_error === true && typeof event.result === 'string') {
      for (const line of event.result.split('\n')) {
        const match = matchRateLimitText(line, { now, timeZone: this.options.timeZone });
        if (match) facts.push({ kind: 'rate-limit', source: this.source, ...match, at: now });
      }
    }
    if (facts.length > 0) this.options.emit(facts);
  }

  private markAnswer(fact: Fact): Fact {
    if (fact.kind !== 'usage' || fact.sidechain === true || this.answered) return fact;
    this.answered = true;
    return { ...fact, answersPrompt: true };
  }

  private onTextLine(line: string): void {
    const now = this.options.now();
    const match = matchRateLimitText(stripAnsi(line), { now, timeZone: this.options.timeZone });
    if (match) this.heldLimitFacts.push({ kind: 'rate-limit', source: 'print-text', ...match, at: now });
  }
}
