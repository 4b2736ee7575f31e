/**
 * The smaller readers on the input path: the screen detector's pure matching
 * (src/runner/screen-watcher.ts matchScreenLine, isContentContext), the statusline reader
 * (src/ingest/statusline.ts) and the hook inbox reader (src/ingest/hook-event.ts), seeded from
 * test/fixtures (statusline/, hooks/, ratelimit-messages.tsv) and mutated. None throws;
 * each gives a result of its documented shape; the screen matcher only ever reports a line that
 * the text matcher reports too.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Fact } from '../../src/core/facts.js';
import { matchRateLimitText } from '../../src/core/rate-limit-text.js';
import { parseHookLine } from '../../src/ingest/hook-event.js';
import { factsFromStatusline } from '../../src/ingest/statusline.js';
import { isContentContext, matchScreenLine } from '../../src/runner/screen-watcher.js';
import { anyLine, HOOK_LINES, hugeBytes, LIMIT_LINES, mutatedJson, RATE_LIMIT_ROWS, STATUSLINE_LINES } from './support/fixtures.js';
import { checkProperty, timeoutFor } from './support/fuzz.js';

const OPTS = { now: Date.parse('2026-01-23T11:00:00Z'), timeZone: 'UTC' };

/**
 * Claude's hook input names the event `hook_event_name`, as our inbox does; the 2.0.76 hook log
 * (hooks/v2.0.76-hook-log.jsonl) names it `event`.
 */
const INBOX_LINES = [
  ...HOOK_LINES.map((line) => {
    const { event, ...rest } = JSON.parse(line) as Record<string, unknown>;
    return JSON.stringify({ hook_event_name: event, ...rest });
  }),
  ...LIMIT_LINES.filter((line) => line.includes('"hook_event_name"')),
  ...STATUSLINE_LINES.map((line) => JSON.stringify({ statusline: JSON.parse(line), at: OPTS.now })),
];

function checkFacts(facts: Fact[]): void {
  expect(Array.isArray(facts)).toBe(true);
  for (const fact of facts) {
    if (fact.kind === 'rate-limit' || fact.kind === 'limit-window') {
      expect(fact.resetsAt === null || Number.isFinite(fact.resetsAt)).toBe(true);
      expect(Number.isFinite(fact.at)).toBe(true);
    }
    if (fact.kind === 'cost-reported') expect(Number.isFinite(fact.costUsd) && fact.costUsd >= 0).toBe(true);
    if (fact.kind === 'line-rejected') expect(fact.reason.length).toBeGreaterThan(0);
  }
}

const row = fc.nat(RATE_LIMIT_ROWS.length - 1).map((index) => RATE_LIMIT_ROWS[index]!.text.split('\n')[0]!);
const screenRow = fc.oneof(
  row.map((text) => `  ⎿  ${text.replace(/^\s*⎿\s*/, '')}`),
  row,
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc.constantFrom('● Bash(echo hi)', '❯ go', '', '  ⎿  hi', '─'.repeat(100), '     second', '⏺ The output was:', '  Ran 1 shell command'),
  hugeBytes(8 * 1024).map((bytes) => bytes.toString('utf8')),
);

describe('matchScreenLine properties', () => {
  it(
    'never throws, and reports only what matchRateLimitText reports for the same line',
    () => {
      checkProperty(
        'screen-line',
        fc.tuple(screenRow, fc.array(screenRow, { maxLength: 6 }), fc.option(screenRow, { nil: undefined }), fc.integer({ min: 0, max: 300 })),
        ([line, above, below, cols]) => {
          const match = matchScreenLine(line, { above, below, cols }, OPTS);
          if (match !== null) expect(match).toEqual(matchRateLimitText(line, OPTS));
          expect(typeof isContentContext(above)).toBe('boolean');
        },
      );
    },
    timeoutFor(1),
  );
});

describe('factsFromStatusline properties', () => {
  it(
    'never throws on any input, and gives facts of the documented shape',
    () => {
      checkProperty('statusline', fc.oneof(mutatedJson(STATUSLINE_LINES), fc.anything()), (input) => checkFacts(factsFromStatusline(input, OPTS.now)));
    },
    timeoutFor(1),
  );
});

describe('parseHookLine properties', () => {
  it(
    'never throws on any inbox line, and always says whether it was a hook event',
    () => {
      checkProperty('hook-event', fc.oneof(anyLine(INBOX_LINES), fc.jsonValue().map((value) => JSON.stringify(value))), (line) => {
        const { hook, facts } = parseHookLine(line, OPTS);
        checkFacts(facts);
        if (hook !== null) {
          expect(typeof hook.event).toBe('string');
          expect(Number.isFinite(hook.at)).toBe(true);
          expect(facts.some((fact) => fact.kind === 'hook')).toBe(true);
        }
      });
    },
    timeoutFor(1),
  );
});
