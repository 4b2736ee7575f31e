/**
 * Transcript reading (src/ingest/transcript-line.ts, src/ingest/transcript-file.ts) on
 * transcript lines (test/fixtures/transcripts) mutated every way: truncated, duplicated,
 * reordered, not UTF-8, huge. Nothing throws or hangs; a message key's repeats replace each other
 * (the last line of a key wins, see summarizeTranscript), so repeats never add to the totals;
 * and a file read a piece at a time, as it grows, reads like the whole file.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Fact } from '../../src/core/facts.js';
import { completeLines, summarizeTranscriptFile } from '../../src/ingest/transcript-file.js';
import {
  finishTranscript,
  INITIAL_TRANSCRIPT_STATE,
  isInertLine,
  parseTranscriptLine,
  summarizeTranscript,
  type TranscriptState,
} from '../../src/ingest/transcript-line.js';
import { anyLine, fixtureFiles, LIMIT_LINES, mutatedLineBytes, TRANSCRIPT_LINES } from './support/fixtures.js';
import { checkProperty, timeoutFor } from './support/fuzz.js';

const CTX = { now: Date.UTC(2026, 0, 23, 11), timeZone: 'UTC' };
const FILES = fixtureFiles('transcripts').map(({ name, text }) => ({ name, lines: text.split('\n').filter((line) => line.trim() !== '') }));

const dir = mkdtempSync(join(tmpdir(), 'cw-fuzz-transcript-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A real transcript file, or a few lines picked from all of them. Generated as indices and
 * turned into lines in the test, so a counterexample prints short.
 */
type TranscriptPick = { file: number } | { lines: number[] };
const transcript: fc.Arbitrary<TranscriptPick> = fc.oneof(
  fc.nat(FILES.length - 1).map((file) => ({ file })),
  fc.array(fc.nat(TRANSCRIPT_LINES.length - 1), { minLength: 1, maxLength: 30 }).map((lines) => ({ lines })),
);
const linesOf = (pick: TranscriptPick): string[] => ('file' in pick ? FILES[pick.file]!.lines : pick.lines.map((index) => TRANSCRIPT_LINES[index]!));

/** The figures repeats must not change: tokens, per model, sidechain share and message count. */
function tokenFigures(lines: string[]): unknown {
  const summary = summarizeTranscript(lines, CTX);
  return { totals: summary.totals, byModel: summary.byModel, sidechainTotals: summary.sidechainTotals, messages: summary.messages };
}

/** Where each line's message key is, so reorderings that keep each key's lines in order can be made. */
function keyOf(line: string): string {
  const usage = parseTranscriptLine(line, { ...CTX }).facts.find((fact) => fact.kind === 'usage');
  return usage?.kind === 'usage' ? usage.messageKey : `line:${line}`;
}

describe('parseTranscriptLine and summarizeTranscript properties', () => {
  it(
    'never throw on any line, whatever state earlier lines left, and give a result of the documented shape',
    () => {
      checkProperty('transcript-line', fc.array(anyLine([...TRANSCRIPT_LINES, ...LIMIT_LINES]), { minLength: 1, maxLength: 8 }), (lines) => {
        let state: TranscriptState = INITIAL_TRANSCRIPT_STATE;
        for (const line of lines) {
          const result = parseTranscriptLine(line, { ...CTX, state });
          expect(Array.isArray(result.facts)).toBe(true);
          expect(typeof result.isUserPrompt).toBe('boolean');
          for (const fact of result.facts) checkFact(fact);
          state = result.state;
        }
        finishTranscript(state, CTX.now).forEach(checkFact);
        const summary = summarizeTranscript(lines, CTX);
        expect(summary.lines).toBe(lines.filter((line) => line.trim() !== '').length);
        expect(summary.rejectedLines).toBeLessThanOrEqual(summary.lines);
      }, { share: 0.8 });
    },
    timeoutFor(5, 0.8),
  );

  it(
    'skips as inert only lines that give no facts and leave the state as it was',
    () => {
      checkProperty('transcript-line', fc.tuple(mutatedLineBytes(TRANSCRIPT_LINES, 4096), fc.nat(FILES.length - 1)), ([bytes, file]) => {
        if (!isInertLine(bytes) || isAssistantWithoutUsage(bytes)) return;
        // Read after a real file, so the state is one a real import would have.
        const before = summarizeState(FILES[file]!.lines);
        const result = parseTranscriptLine(bytes.toString('utf8'), { ...CTX, state: before });
        // A line that looks whole but is broken inside is skipped uncounted: a known trade (checking costs a parse).
        const counted = result.facts.filter((fact) => fact.kind !== 'session-identified' && fact.kind !== 'line-rejected');
        expect(counted).toEqual([]);
        expect({ ...result.state, sessionId: before.sessionId, cwd: before.cwd, version: before.version }).toEqual(before);
      }, { share: 0.2 });
    },
    timeoutFor(5, 0.2),
  );

  it(
    'counts the same tokens when a line is repeated right after itself, or the whole transcript twice',
    () => {
      checkProperty('transcript-summary', fc.tuple(transcript, fc.array(fc.nat(), { maxLength: 5 }), fc.boolean()), ([pick, picks, twice]) => {
        const lines = linesOf(pick);
        const repeated = [...lines];
        for (const pick of picks) {
          const at = pick % repeated.length;
          repeated.splice(at, 0, repeated[at]!);
        }
        expect(tokenFigures(twice ? [...repeated, ...repeated] : repeated)).toEqual(tokenFigures(lines));
      }, { share: 0.5 });
    },
    timeoutFor(5, 0.5),
  );

  it(
    'counts the same tokens when lines are reordered but each message key’s lines keep their order',
    () => {
      checkProperty('transcript-summary', fc.tuple(transcript, fc.array(fc.nat(), { maxLength: 200 })), ([transcriptPick, picks]) => {
        const lines = linesOf(transcriptPick);
        // Interleave the per-key queues in a random order: a reordering that keeps each key's own order.
        const queues = new Map<string, string[]>();
        for (const line of lines) {
          const key = keyOf(line);
          queues.set(key, [...(queues.get(key) ?? []), line]);
        }
        const pending = [...queues.values()];
        const shuffled: string[] = [];
        let pick = 0;
        while (pending.length > 0) {
          const index = (picks[pick++ % Math.max(picks.length, 1)] ?? 0) % pending.length;
          const queue = pending[index]!;
          shuffled.push(queue.shift()!);
          if (queue.length === 0) pending.splice(index, 1);
        }
        expect(tokenFigures(shuffled)).toEqual(tokenFigures(lines));
      }, { share: 0.5 });
    },
    timeoutFor(5, 0.5),
  );
});

describe('completeLines and summarizeTranscriptFile properties', () => {
  let fileCount = 0;
  const newFile = (): string => join(dir, `t${fileCount++}.jsonl`);

  /** A transcript's bytes, some lines mutated, with CR/LF mixes and maybe no final newline. */
  const transcriptBytes = fc
    .tuple(
      transcript,
      fc.array(fc.tuple(fc.nat(), mutatedLineBytes(TRANSCRIPT_LINES, 8 * 1024)), { maxLength: 3 }),
      fc.constantFrom('\n', '\r\n'),
      fc.boolean(),
    )
    .map(([pick, inserts, newline, finalNewline]) => {
      const parts: Buffer[] = linesOf(pick).map((line) => Buffer.from(line));
      for (const [at, bytes] of inserts) parts.splice(at % (parts.length + 1), 0, bytes);
      const body = Buffer.concat(parts.flatMap((part, index) => (index < parts.length - 1 || finalNewline ? [part, Buffer.from(newline)] : [part])));
      return body;
    });

  it(
    'reads a growing file, resumed at each offset it gave, like the whole file at once (any chunk size)',
    () => {
      checkProperty(
        'transcript-file',
        fc.tuple(transcriptBytes, fc.array(fc.nat(), { maxLength: 6 }), fc.integer({ min: 1, max: 4096 })),
        ([bytes, cuts, chunkBytes]) => {
          const path = newFile();
          try {
            const points = [...cuts.map((cut) => cut % (bytes.length + 1)).sort((a, b) => a - b), bytes.length];
            const pieces: Array<{ line: string; end: number }> = [];
            let written = 0;
            let offset = 0;
            writeFileSync(path, '');
            for (const point of points) {
              appendFileSync(path, bytes.subarray(written, point));
              written = point;
              for (const { bytes: line, end } of completeLines(path, offset, { buffer: Buffer.alloc(chunkBytes) })) {
                pieces.push({ line: line.toString('utf8'), end });
                offset = end;
              }
            }
            const whole = Array.from(completeLines(path), ({ bytes: line, end }) => ({ line: line.toString('utf8'), end }));
            expect(pieces).toEqual(whole);
            expect(whole.map(({ line }) => line)).toEqual(completeLinesOf(bytes));
            // From any offset it gave, the file summary is the summary of the lines after it.
            const resume = whole[cuts[0] === undefined ? 0 : cuts[0] % whole.length]?.end ?? 0;
            const rest = bytes.subarray(resume).toString('utf8').split('\n').map((line) => line.replace(/\r$/, ''));
            expect(summarizeTranscriptFile(path, { ...CTX, offset: resume })).toEqual(summarizeTranscript(rest, CTX));
          } finally {
            rmSync(path, { force: true });
          }
        },
        { normal: 100, share: 0.5 },
      );
    },
    timeoutFor(10, 0.5),
  );

  it(
    'gives the same facts read whole or line by line as the file grows, with the state carried over',
    () => {
      checkProperty('transcript-file', fc.tuple(transcriptBytes, fc.array(fc.nat(), { maxLength: 6 })), ([bytes, cuts]) => {
        const path = newFile();
        try {
          writeFileSync(path, bytes);
          const whole = factsOf(Array.from(completeLines(path), ({ bytes: line }) => line.toString('utf8')));
          writeFileSync(path, '');
          const lines: string[] = [];
          let written = 0;
          let offset = 0;
          for (const point of [...cuts.map((cut) => cut % (bytes.length + 1)).sort((a, b) => a - b), bytes.length]) {
            appendFileSync(path, bytes.subarray(written, point));
            written = point;
            for (const { bytes: line, end } of completeLines(path, offset)) {
              lines.push(line.toString('utf8'));
              offset = end;
            }
          }
          expect(factsOf(lines)).toEqual(whole);
        } finally {
          rmSync(path, { force: true });
        }
      }, { normal: 100, share: 0.5 });
    },
    timeoutFor(5, 0.5),
  );
});

function completeLinesOf(bytes: Buffer): string[] {
  // Split on bytes, decode each line alone: a broken character never spans a newline.
  const lines: string[] = [];
  let start = 0;
  for (let newline = bytes.indexOf(0x0a); newline !== -1; newline = bytes.indexOf(0x0a, start)) {
    let end = newline;
    if (end > start && bytes[end - 1] === 0x0d) end -= 1;
    lines.push(bytes.subarray(start, end).toString('utf8'));
    start = newline + 1;
  }
  return lines;
}

function factsOf(lines: string[]): Fact[] {
  let state: TranscriptState = INITIAL_TRANSCRIPT_STATE;
  const facts: Fact[] = [];
  for (const line of lines) {
    const result = parseTranscriptLine(line, { ...CTX, state });
    facts.push(...result.facts);
    state = result.state;
  }
  return facts;
}

/**
 * isInertLine rests on every assistant line Claude writes having `usage`; one whose `usage` a
 * mutation renamed answers a turn unseen, which is outside what the skip promises.
 */
function isAssistantWithoutUsage(bytes: Buffer): boolean {
  try {
    const entry = JSON.parse(bytes.toString('utf8')) as { type?: unknown; message?: { usage?: unknown } } | null;
    return entry?.type === 'assistant' && (typeof entry.message !== 'object' || entry.message === null || entry.message.usage === undefined);
  } catch {
    return false;
  }
}

function summarizeState(lines: string[]): TranscriptState {
  let state: TranscriptState = INITIAL_TRANSCRIPT_STATE;
  for (const line of lines) state = parseTranscriptLine(line, { ...CTX, state }).state;
  return state;
}

const USAGE_FIELDS = ['inputTokens', 'outputTokens', 'cacheCreationTokens', 'cacheReadTokens'] as const;

/** A fact as readers rely on it: a known kind, counts that are finite and not negative. */
function checkFact(fact: Fact): void {
  expect(['usage', 'session-identified', 'turn-completed', 'line-rejected', 'cost-reported', 'rate-limit', 'api-retry']).toContain(fact.kind);
  if (fact.kind === 'usage') {
    expect(typeof fact.messageKey).toBe('string');
    expect(fact.messageKey.length).toBeGreaterThan(0);
    for (const field of USAGE_FIELDS) {
      expect(Number.isFinite(fact.usage[field])).toBe(true);
      expect(fact.usage[field]).toBeGreaterThanOrEqual(0);
    }
  }
  if (fact.kind === 'rate-limit') expect(fact.resetsAt === null || Number.isFinite(fact.resetsAt)).toBe(true);
  if (fact.kind === 'cost-reported') expect(Number.isFinite(fact.costUsd)).toBe(true);
  if (fact.kind === 'line-rejected') expect(fact.reason.length).toBeLessThan(200);
}
