/**
 * Watches Claude Code's interactive screen for its limit and warning messages, and for the
 * permission prompts it waits on. The pty output
 * is fed to a headless terminal emulator because Claude paints with cursor moves: the raw bytes
 * do not read like the screen ("You've\x1b[13Ghit" is "You've hit"). Lines are read from the
 * rendered buffer and matched one at a time with matchRateLimitText.
 */
import { createRequire } from 'node:module';
import type * as Xterm from '@xterm/headless';
import type { IBuffer, IMarker, Terminal as HeadlessTerminal } from '@xterm/headless';
import type { Fact, PromptSeenFact, RateLimitObservedFact } from '../core/facts.js';
import { matchRateLimitText, type RateLimitMatch } from '../core/rate-limit-text.js';
import { ScreenBatches } from './screen-batches.js';

// Through require: importing this CommonJS package as an ES module has Node scan all its source
// for named exports first, which costs several times the loading itself.
const { Terminal } = createRequire(import.meta.url)('@xterm/headless') as typeof Xterm;

export interface ScreenWatcherOptions {
  cols: number;
  rows: number;
  /** Fallback zone for reset times without "(Zone)". */
  timeZone: string;
  /** Epoch ms. */
  now: () => number;
  emit: (facts: Fact[]) => void;
  /** Quiet time after output before the screen is read; default 150 ms. */
  scanDelayMs?: number;
}

export interface ScreenWatcher {
  write(chunk: Uint8Array): void;
  /** The rows on screen now as text, top to bottom; null once the emulator is gone. */
  rows(): string[] | null;
  resize(cols: number, rows: number): void;
  dispose(): void;
}

const DEFAULT_SCAN_DELAY_MS = 150;
/** Claude's spinner repaints several times a second: without a cap, a busy screen would never go quiet. */
const MAX_SCAN_WAIT_MS = 1000;
/** The most output the emulator may hold unparsed; Claude's screen is a few KB a second. */
const MAX_UNPARSED_BYTES = 4 * 1024 * 1024;
/** Enough to hold what scrolls by between two scans; a message only has to be read once. */
const SCROLLBACK_ROWS = 500;

/*
 * Which lines are Claude's own message, and which merely show the same words. Observed on the
 * real screens of 2.1.330 and 1.0.60 (recorded in test/fixtures/screens):
 *
 *   ❯ go                                            ● Bash(echo "You've hit your 5-hour limit ·
 *     ⎿  You've hit your 5-hour limit · resets …      resets 6am" && echo "second line" && …)
 *                                                     ⎿  You've hit your 5-hour limit · resets 6am
 *     Ran 1 shell command                                second line
 *     ⎿  You've hit your 5-hour limit · resets …         You've hit your 5-hour limit · resets 6am
 *
 *   ● Bash(echo hi)                                 ● The output was:
 *     ⎿  hi                                           ⎿  You've hit your 5-hour limit · resets 6am
 *     ⎿  You've hit your 5-hour limit · resets …
 *
 *                   You've used 80% of your weekly limit · resets Nov 25, 8:07am (UTC)
 *   ──────────────────────────────────────────────────────────────────────────────────
 *   ❯
 *
 * Claude's message (left) and the first line of a tool's output (right) have the same gutter,
 * two spaces, "⎿" and two spaces (the second a NO-BREAK SPACE), in both versions; so the gutter
 * alone cannot tell them apart, but what sits above does. The message hangs under the user's
 * prompt, a collapsed tool summary or an earlier "⎿" block, never right under a blank row, while
 * a tool's output and everything Claude writes itself hang under a "●" (on some systems "⏺")
 * bullet. Further output lines, prose paragraphs, quotes, lists, code blocks, line-numbered file
 * views and diffs do not start with the gutter at all.
 *
 * 2.1.330 shows warnings as a notification instead: right-aligned in the footer row just above
 * the input box's top edge. Right-aligned text there belongs to the footer; content that might
 * sit above a rule (the ctrl+o transcript view has one too) is left-aligned.
 *
 * Claude itself shows an answer whose text starts with the limit words as its limit message
 * (under the prompt, with the gutter); that screen is the same as the real one and is reported.
 */
const MESSAGE_GUTTER = /^ {2}⎿ {2}\S/;
const RESULT_GUTTER = /^\s+⎿/;
const ASSISTANT_BULLET = /^[●⏺]/;
/** The top edge of 2.1.x's input box: a whole row of "─". */
const INPUT_BOX_EDGE = /^─{20,}$/;
/** A notification ends this close to the right edge (2.1.330 leaves two columns). */
const RIGHT_MARGIN = 4;

/** The row as read: Claude pads with NO-BREAK SPACE after some glyphs. */
const normalizeRow = (text: string): string => text.replace(/\u00a0/g, ' ').trimEnd();

/**
 * Whether the line after `rowsAbove` (nearest first) belongs to an assistant message or is
 * detached from any block; either way it is not Claude's limit message.
 */
export function isContentContext(rowsAbove: Iterable<string>): boolean {
  let first = true;
  for (const row of rowsAbove) {
    // Claude's message is attached to the block above; a paragraph is what follows a blank row.
    if (row.trim() === '') return first;
    first = false;
    // An earlier "⎿" block (a tool's result) ended: this line starts a sibling block.
    if (RESULT_GUTTER.test(row)) return false;
    // Indented rows continue something: a wrapped tool header, a prompt, a tool summary.
    if (/^\s/.test(row)) continue;
    return ASSISTANT_BULLET.test(row);
  }
  // The block's head has left the buffer: nothing says what the line belongs to.
  return true;
}

export interface LineContext {
  /** Lines above, nearest first; read only as far as the rule needs. */
  above: Iterable<string>;
  /** The line below, if any. */
  below: string | undefined;
  /** The terminal's width. */
  cols: number;
}

/** The footer's notification row: right-aligned text on the row above the input box. */
function isNotification(line: string, context: LineContext): boolean {
  const aboveInputBox = context.below !== undefined && INPUT_BOX_EDGE.test(context.below);
  return aboveInputBox && /^\s/.test(line) && line.length >= context.cols - RIGHT_MARGIN;
}

/*
 * A permission prompt, as 2.1.330 and 1.0.60 draw it: the question, then numbered choices.
 *
 *   Do you want to proceed?                 Do you want to make this edit to app.ts?
 *   ❯ 1. Yes                                ❯ 1. Yes
 *     2. Yes, and don't ask again for ...     2. Yes, allow all edits during this session
 *     3. No, and tell Claude what to do ...   3. No, and tell Claude what to do differently (esc)
 *
 * Denied with Esc, the turn ends under "⎿  Interrupted · What should Claude do instead?"
 * (older versions: "⎿  Interrupted by user"), and no hook says so.
 */
const PROMPT_QUESTION = /^[│|\s]*Do you want to .+\?[│|\s]*$/;
const FIRST_CHOICE = /^[│|\s]*(?:[❯>]\s*)?1\.\s+Yes\b/;
const INTERRUPTED = /^\s*⎿\s+Interrupted\b/;

/** What the rows on screen show of a question to the user: a permission prompt, and how many turns were interrupted. */
export function readPromptRows(rows: readonly string[]): { permission: boolean; interrupted: number } {
  const question = rows.findIndex((row) => PROMPT_QUESTION.test(row));
  const permission = question >= 0 && rows.slice(question + 1, question + 4).some((row) => FIRST_CHOICE.test(row));
  return { permission, interrupted: rows.filter((row) => INTERRUPTED.test(row)).length };
}

/** Matches `line` if it is Claude's own limit or warning message, given what surrounds it. */
export function matchScreenLine(line: string, context: LineContext, opts: { now: number; timeZone: string }): RateLimitMatch | null {
  const notification = isNotification(line, context);
  if (!notification && !MESSAGE_GUTTER.test(line)) return null;
  const match = matchRateLimitText(line, opts);
  return match && (notification || !isContentContext(context.above)) ? match : null;
}

/** First row of the logical line holding `row`: soft-wrapped rows continue the one above. */
function lineStart(buffer: IBuffer, row: number): number {
  let start = row;
  while (start > 0 && buffer.getLine(start)?.isWrapped) start -= 1;
  return start;
}

/** The logical line starting at `start`, soft-wrapped rows joined, and the row after it. */
function readLine(buffer: IBuffer, start: number): { text: string; next: number } {
  let text = '';
  let row = start;
  do {
    const line = buffer.getLine(row);
    const wrapsOn = buffer.getLine(row + 1)?.isWrapped === true;
    // Rows that wrap on keep their trailing cells: they are the middle of the text.
    text += line?.translateToString(!wrapsOn) ?? '';
    row += 1;
  } while (buffer.getLine(row)?.isWrapped);
  return { text: normalizeRow(text), next: row };
}

/** Logical lines above `start`, nearest first, read lazily: most candidates need one or two. */
function* linesAbove(buffer: IBuffer, start: number): Generator<string> {
  let row = start - 1;
  while (row >= 0) {
    const head = lineStart(buffer, row);
    yield readLine(buffer, head).text;
    row = head - 1;
  }
}

interface Sighting {
  match: RateLimitMatch;
  /** The logical line's text, to notice when the row no longer shows it. */
  lineText: string;
}

/** Claude's messages among the logical lines starting in rows [from, to). */
function findMessages(buffer: IBuffer, from: number, to: number, opts: { now: number; timeZone: string }): Array<Sighting & { row: number }> {
  const found: Array<Sighting & { row: number }> = [];
  const cols = buffer.getLine(0)?.length ?? 0;
  let row = lineStart(buffer, from);
  let line = row < buffer.length ? readLine(buffer, row) : undefined;
  while (line && row < to) {
    // Read once: the line below is also the next line to look at.
    const below = line.next < buffer.length ? readLine(buffer, line.next) : undefined;
    const match = matchScreenLine(line.text, { above: linesAbove(buffer, row), below: below?.text, cols }, opts);
    if (match) found.push({ match, lineText: line.text, row });
    row = line.next;
    line = below;
  }
  return found;
}

interface ScrollbackSighting extends Sighting {
  /** Follows the row as the buffer scrolls; disposed when the row is dropped or cleared. */
  marker: IMarker;
}

function toFact(match: RateLimitMatch, at: number): RateLimitObservedFact {
  const fact: RateLimitObservedFact = {
    kind: 'rate-limit',
    source: 'screen',
    severity: match.severity,
    limitKind: match.limitKind,
    resetsAt: match.resetsAt,
    resetPrecision: match.resetPrecision,
    text: match.text,
    at,
  };
  if (match.utilization !== undefined) fact.utilization = match.utilization;
  return fact;
}

function visibleRows(active: IBuffer, rows: number): string[] {
  const lines: string[] = [];
  for (let row = active.baseY; row < active.baseY + rows; row++) lines.push(normalizeRow(active.getLine(row)?.translateToString(true) ?? ''));
  return lines;
}

const validSize = (n: number): boolean => Number.isInteger(n) && n > 0;

/** The emulator, or undefined when it cannot start (a bad size): watching is never worth a crash. */
function openTerminal(cols: number, rows: number): HeadlessTerminal | undefined {
  if (!validSize(cols) || !validSize(rows)) return undefined;
  try {
    return new Terminal({
      cols,
      rows,
      scrollback: SCROLLBACK_ROWS,
      // Markers are how a message row is followed into the scrollback.
      allowProposedApi: true,
      logLevel: 'off',
    });
  } catch {
    return undefined;
  }
}

export function createScreenWatcher(options: ScreenWatcherOptions): ScreenWatcher {
  const scanDelayMs = options.scanDelayMs ?? DEFAULT_SCAN_DELAY_MS;
  let term = openTerminal(options.cols, options.rows);
  /** Messages in rows that scrolled off the screen: still in the buffer, so still visible. */
  let scrollback: ScrollbackSighting[] = [];
  /** The last scrollback row already read; rows after it are new. */
  let readUpTo: IMarker | undefined;
  /** Texts of the messages the last scan saw anywhere in the buffer. */
  let visible = new Set<string>();
  /** What the last scan saw of a question to the user. */
  let prompt = { permission: false, interrupted: 0 };
  /** Bytes handed to the emulator that it has not parsed yet. */
  let unparsedBytes = 0;
  /** When Claude last printed, and the first output the last scan has not seen (null: none). */
  let lastOutputAt = 0;
  let unscannedSince: number | null = null;
  let scanTimer: NodeJS.Timeout | undefined;
  const maxWaitMs = Math.max(MAX_SCAN_WAIT_MS, scanDelayMs);

  const clearTimers = (): void => {
    clearTimeout(scanTimer);
    scanTimer = undefined;
  };

  const shutDown = (): void => {
    clearTimers();
    batches.dispose();
    const t = term;
    term = undefined;
    try {
      t?.dispose();
    } catch {
      // Already broken; nothing more to release.
    }
  };

  /** Runs `fn`; an error inside the emulator or the matcher turns the watcher off, never the caller. */
  const guarded = (fn: (t: HeadlessTerminal) => void): void => {
    if (!term) return;
    try {
      fn(term);
    } catch {
      shutDown();
    }
  };

  const forgetScrollback = (): void => {
    for (const s of scrollback) s.marker.dispose();
    scrollback = [];
    readUpTo?.dispose();
    readUpTo = undefined;
  };

  /** A marker on `row` of the normal buffer; the API places markers relative to the cursor. */
  const markRow = (t: HeadlessTerminal, row: number): IMarker | undefined => {
    const normal = t.buffer.normal;
    return t.registerMarker(row - (normal.baseY + normal.cursorY));
  };

  const readNewScrollback = (t: HeadlessTerminal, opts: { now: number; timeZone: string }): void => {
    // Markers exist only on the normal buffer; rows that scrolled before a switch wait for its return.
    if (t.buffer.active.type !== 'normal') return;
    const normal = t.buffer.normal;
    const end = normal.baseY;
    // A lost or stale mark (cleared scrollback, a reset) means reading the scrollback afresh.
    const from = readUpTo && !readUpTo.isDisposed && readUpTo.line < end ? readUpTo.line + 1 : 0;
    for (const found of findMessages(normal, from, end, opts)) {
      if (scrollback.some((s) => s.marker.line === found.row)) continue;
      const marker = markRow(t, found.row);
      if (marker) scrollback.push({ match: found.match, lineText: found.lineText, marker });
    }
    readUpTo?.dispose();
    readUpTo = end > 0 ? markRow(t, end - 1) : undefined;
  };

  /** Drops sightings whose row was trimmed, cleared or repainted with something else. */
  const pruneScrollback = (t: HeadlessTerminal): void => {
    const normal = t.buffer.normal;
    scrollback = scrollback.filter((s) => {
      const kept = !s.marker.isDisposed && readLine(normal, s.marker.line).text === s.lineText;
      if (!kept) s.marker.dispose();
      return kept;
    });
  };

  const scan = (t: HeadlessTerminal): void => {
    clearTimers();
    unscannedSince = null;
    const opts = { now: options.now(), timeZone: options.timeZone };
    readNewScrollback(t, opts);
    pruneScrollback(t);
    const active = t.buffer.active;
    const onScreen = findMessages(active, active.baseY, active.baseY + t.rows, opts);
    const seen = new Map<string, RateLimitMatch>();
    for (const s of [...scrollback, ...onScreen]) seen.set(s.match.text, s.match);
    const fresh = [...seen.values()].filter((m) => !visible.has(m.text));
    visible = new Set(seen.keys());
    const facts: Fact[] = [...fresh.map((m) => toFact(m, opts.now)), ...promptChanges(active, t.rows, opts.now)];
    if (facts.length > 0) options.emit(facts);
  };

  /** A prompt drawn or gone, a turn newly interrupted: told once, as the screen changes. */
  const promptChanges = (active: IBuffer, rows: number, at: number): PromptSeenFact[] => {
    const now = readPromptRows(visibleRows(active, rows));
    const changes: PromptSeenFact[] = [];
    if (now.permission !== prompt.permission) changes.push({ kind: 'prompt-seen', source: 'screen', prompt: now.permission ? 'permission' : 'gone', at });
    if (now.interrupted > prompt.interrupted) changes.push({ kind: 'prompt-seen', source: 'screen', prompt: 'interrupted', at });
    prompt = now;
    return changes;
  };

  /**
   * The screen is read once output has been quiet for the scan delay, or at the latest a second
   * after output the last scan did not see. One timer, moved on only when it fires, so a busy
   * screen costs no timer per chunk.
   */
  const scheduleScan = (): void => {
    if (!term || scanTimer !== undefined) return;
    const now = Date.now();
    const due = Math.min(lastOutputAt + scanDelayMs, (unscannedSince ?? now) + maxWaitMs);
    scanTimer = setTimeout(
      () => {
        scanTimer = undefined;
        const at = Date.now();
        if (at >= lastOutputAt + scanDelayMs || (unscannedSince !== null && at >= unscannedSince + maxWaitMs)) guarded(scan);
        else scheduleScan();
      },
      Math.max(0, due - now),
    );
    scanTimer.unref();
  };

  const parse = (batch: Buffer): void => {
    // The emulator parses asynchronously and queues what it has not parsed yet: that queue must
    // not grow without bound either.
    if (unparsedBytes + batch.length > MAX_UNPARSED_BYTES) return;
    unparsedBytes += batch.length;
    guarded((t) =>
      t.write(batch, () => {
        unparsedBytes -= batch.length;
        scheduleScan();
      }),
    );
  };
  const batches = new ScreenBatches({ deliver: parse });

  return {
    write(chunk) {
      if (!term) return;
      lastOutputAt = Date.now();
      unscannedSince ??= lastOutputAt;
      batches.write(chunk);
    },
    rows() {
      let rows: string[] | null = null;
      guarded((t) => (rows = visibleRows(t.buffer.active, t.rows)));
      return rows;
    },
    resize(cols, rows) {
      if (!validSize(cols) || !validSize(rows)) return;
      // What waits goes to the emulator first, in the order it came, as it would without batches.
      batches.flush();
      guarded((t) => {
        t.resize(cols, rows);
        // Reflow moves and re-wraps rows: read the whole scrollback again. Messages still there
        // keep their place in `visible`, so they are not reported twice.
        forgetScrollback();
        unscannedSince ??= Date.now();
        scheduleScan();
      });
    },
    dispose() {
      guarded(forgetScrollback);
      shutDown();
    },
  };
}
