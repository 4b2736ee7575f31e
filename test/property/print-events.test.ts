/**
 * Print mode (src/core/print-events.ts, read through src/runner/print-observer.ts) on
 * `claude -p` output (test/fixtures/headless) mutated every way: nothing throws, every
 * fact has finite counts, a repeated event replaces its message's usage (never adds), and the
 * observer gives the same facts however the bytes are chunked.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Fact, TokenUsage } from '../../src/core/facts.js';
import { factsFromPrintEvent } from '../../src/core/print-events.js';
import { PrintObserver } from '../../src/runner/print-observer.js';
import { anyLine, HEADLESS_LINES, LIMIT_LINES, mutatedJson } from './support/fixtures.js';
import { checkProperty, timeoutFor } from './support/fuzz.js';

const NOW = Date.UTC(2026, 0, 14, 14);
const LINES = [...HEADLESS_LINES, ...LIMIT_LINES.filter((line) => line.includes('"type":"result"'))];

/** Usage per message key, the last event of a key winning, as reduceSession keeps it. */
function usageByKey(facts: Fact[]): Map<string, TokenUsage> {
  const byKey = new Map<string, TokenUsage>();
  for (const fact of facts) if (fact.kind === 'usage') byKey.set(fact.messageKey, fact.usage);
  return byKey;
}

function observe(chunks: Buffer[], outputFormat: 'stream-json' | 'text', failed: boolean): Fact[] {
  const facts: Fact[] = [];
  const observer = new PrintObserver({ outputFormat, now: () => NOW, timeZone: 'UTC', emit: (emitted) => facts.push(...emitted) });
  for (const chunk of chunks) observer.push(chunk, 'stdout');
  observer.end(failed);
  return facts;
}

describe('factsFromPrintEvent properties', () => {
  it(
    'never throws on any event, and gives facts with finite, non-negative counts',
    () => {
      checkProperty(
        'print-events',
        fc.oneof(mutatedJson(LINES), fc.anything()),
        (event) => {
          for (const fact of factsFromPrintEvent(event, NOW)) {
            if (fact.kind === 'usage') {
              for (const count of Object.values(fact.usage)) expect(Number.isFinite(count) && count >= 0).toBe(true);
              expect(fact.messageKey.length).toBeGreaterThan(0);
            }
            if (fact.kind === 'cost-reported') expect(Number.isFinite(fact.costUsd)).toBe(true);
            if (fact.kind === 'rate-limit') expect(fact.resetsAt === null || Number.isFinite(fact.resetsAt)).toBe(true);
          }
        },
        { share: 0.5 },
      );
    },
    timeoutFor(1, 0.5),
  );

  it(
    'keeps each message’s usage when events repeat, right after themselves or as the whole stream again',
    () => {
      checkProperty(
        'print-events',
        fc.tuple(fc.array(fc.nat(LINES.length - 1), { minLength: 1, maxLength: 20 }), fc.array(fc.nat(), { maxLength: 5 }), fc.boolean()),
        ([picks, repeats, twice]) => {
          const events = picks.map((index) => JSON.parse(LINES[index]!) as unknown);
          const repeated = [...events];
          for (const repeat of repeats) {
            const at = repeat % repeated.length;
            repeated.splice(at, 0, repeated[at]);
          }
          const facts = (list: unknown[]): Fact[] => list.flatMap((event) => factsFromPrintEvent(event, NOW));
          expect(usageByKey(facts(twice ? [...repeated, ...repeated] : repeated))).toEqual(usageByKey(facts(events)));
        },
        { share: 0.2 },
      );
    },
    timeoutFor(1, 0.2),
  );

  it(
    'gives the same facts from the print observer however the output is chunked',
    () => {
      checkProperty(
        'print-events',
        fc.tuple(
          fc.array(anyLine(LINES, 16 * 1024), { minLength: 1, maxLength: 10 }),
          fc.array(fc.nat(), { maxLength: 20 }),
          fc.constantFrom<'stream-json' | 'text'>('stream-json', 'text'),
          fc.boolean(),
        ),
        ([lines, cuts, format, failed]) => {
          const bytes = Buffer.from(lines.join('\n'));
          const points = cuts.map((cut) => cut % (bytes.length + 1)).sort((a, b) => a - b);
          const chunks = [...points, bytes.length].map((point, index) => bytes.subarray(index === 0 ? 0 : points[index - 1], point));
          expect(observe(chunks, format, failed)).toEqual(observe([bytes], format, failed));
        },
        { share: 0.3 },
      );
    },
    timeoutFor(2, 0.3),
  );
});
