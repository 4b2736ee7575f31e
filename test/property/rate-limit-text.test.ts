/**
 * matchRateLimitText (src/core/rate-limit-text.ts) and parseResetTime (src/core/reset-time.ts)
 * around the 55 wordings of the CLI users reported: test/fixtures/ratelimit-messages.tsv
 * (described in test/fixtures/SOURCES.md). Random text around a wording where
 * Claude puts text (spaces and the `⎿` gutter before, a separator and more words after, more lines
 * below) leaves its kind, severity and reset as they were; the same wording where the structure
 * rules it out (behind a quote, a bullet, a path, a line number) never matches; random text never
 * matches without the words every wording has; and every IANA zone parses.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchRateLimitText, type RateLimitMatch } from '../../src/core/rate-limit-text.js';
import { parseResetTime } from '../../src/core/reset-time.js';
import { RATE_LIMIT_ROWS } from './support/fixtures.js';
import { checkProperty, timeoutFor } from './support/fuzz.js';

const OPTS = { now: Date.parse('2026-01-23T11:00:00Z'), timeZone: 'UTC' };
const ZONES = Intl.supportedValuesOf('timeZone');

const ROWS = RATE_LIMIT_ROWS.map((row) => ({ ...row, match: matchRateLimitText(row.text, OPTS) }));
const MATCHED = ROWS.filter((row) => row.match !== null);

/** What must not change: severity, kind, reset and utilization (the text may grow with what follows). */
const essence = (match: RateLimitMatch | null): unknown =>
  match && { severity: match.severity, limitKind: match.limitKind, resetsAt: match.resetsAt, utilization: match.utilization };

/** Printable text without line breaks, and without `(`, which would name a zone after a time. */
const prose = fc.string({ unit: 'binary', maxLength: 60 }).map((text) => text.replace(/[\r\n\u2028\u2029(]/g, ' '));
const leader = fc.constantFrom('', ' ', '   ', '\u00a0', '  ⎿  ', '⎿\u00a0', '\t');
const trailer = fc.oneof(
  fc.constant(''),
  fc.constantFrom(' ', '  ', '\t'),
  prose.map((text) => ` · ${text}`),
  prose.map((text) => `\n${text}`),
  prose.map((text) => `\r\n${text}`),
);
const blankLinesBefore = fc.constantFrom('', '\n', '\n\n', '  \n', '\r\n');

/**
 * Where shown content puts the same words: a quote, a bullet, a diff, a path, a line number,
 * Claude's own bullet. Not a plain word: "limit reached" takes up to three words before it as the
 * window's name ("Opus weekly", "Claude AI usage"), so "echo 5-hour limit reached" is read as one.
 */
const contentPrefix = fc.oneof(
  fc.constantFrom('> ', '- ', '* ', '+', '"', "'", '`', '# ', '⏺ ', '● ', '│ ', '// ', '$ ', '1. ', '[x] '),
  fc.tuple(fc.nat(9999), fc.constantFrom('→', '│', ':', '\t', '  ')).map(([line, mark]) => `${line}${mark}`),
  fc.stringMatching(/^[a-z][a-z0-9_/.-]{0,20}\.(?:ts|md|log|txt):\d{1,4}:$/).map((path) => `${path} `),
);

describe('matchRateLimitText properties', () => {
  it('reads every TSV row as the unit tests expect (the seed rows match)', () => {
    expect(ROWS).toHaveLength(55);
    expect(MATCHED.length).toBeGreaterThan(30);
  });

  it(
    'keeps kind, severity and reset with random text where Claude puts text around a wording',
    () => {
      checkProperty(
        'rate-limit-text',
        fc.tuple(fc.nat(MATCHED.length - 1), blankLinesBefore, leader, trailer),
        ([index, blanks, lead, trail]) => {
          const row = MATCHED[index]!;
          // The gutter is Claude's own once: a row that already has it gets only spaces before it.
          const prefix = row.text.trimStart().startsWith('⎿') ? lead.replace(/⎿/g, ' ') : lead;
          const [first = '', ...rest] = row.text.split('\n');
          const text = `${blanks}${prefix}${first}${trail}${rest.length > 0 ? `\n${rest.join('\n')}` : ''}`;
          expect(essence(matchRateLimitText(text, OPTS))).toEqual(essence(row.match));
        },
        { share: 0.3 },
      );
    },
    timeoutFor(1, 0.3),
  );

  it(
    'never matches a wording behind the marks of shown content',
    () => {
      checkProperty(
        'rate-limit-text',
        fc.tuple(fc.nat(ROWS.length - 1), contentPrefix, trailer),
        ([index, prefix, trail]) => {
          const row = ROWS[index]!;
          const text = `${prefix}${row.text.replace(/^\s*⎿\s*/, '')}${trail}`;
          expect(matchRateLimitText(text, OPTS)).toBeNull();
        },
        { share: 0.2 },
      );
    },
    timeoutFor(1, 0.2),
  );

  it(
    'never matches random text without the words every wording holds, and never throws',
    () => {
      const anyText = fc.oneof(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.string({ unit: 'binary-ascii', maxLength: 300 }),
        // Real wordings with random bytes changed: near misses.
        fc.tuple(fc.nat(ROWS.length - 1), fc.array(fc.tuple(fc.nat(), fc.string({ unit: 'grapheme-ascii', maxLength: 3 })), { minLength: 1, maxLength: 4 })).map(
          ([index, edits]) =>
            edits.reduce((text, [at, insert]) => {
              const cut = at % (text.length + 1);
              return text.slice(0, cut) + insert + text.slice(cut + (at % 3));
            }, ROWS[index]!.text),
        ),
      );
      checkProperty(
        'rate-limit-text',
        fc.tuple(anyText, fc.integer({ min: -1e13, max: 1e13 }), fc.constantFrom(...ZONES, 'Not/AZone', '', 'UTC+5')),
        ([text, now, timeZone]) => {
          const match = matchRateLimitText(text, { now, timeZone });
          if (match === null) return;
          expect(text).toMatch(/limit|usage|credit|rate|429|paused|allocation|requires/i);
          expect(match.resetsAt === null || Number.isFinite(match.resetsAt)).toBe(true);
          expect(match.text.includes('\n')).toBe(false);
          if (match.utilization !== undefined) expect(match.utilization).toBeGreaterThanOrEqual(0);
        },
        { share: 0.5 },
      );
    },
    timeoutFor(1, 0.5),
  );
});

describe('parseResetTime properties', () => {
  it('parses a time, a date and an ISO date in every IANA zone without throwing', () => {
    const now = OPTS.now;
    for (const zone of ZONES) {
      for (const phrase of [`3pm (${zone})`, `Jan 30, 11:30am (${zone})`, `2026-04-01 at 00:00 (${zone})`, `12:50am (${zone}) · /upgrade`]) {
        const parsed = parseResetTime(phrase, { now, timeZone: 'UTC' });
        expect(parsed, `${phrase}`).not.toBeNull();
        expect(parsed!.explicitZone).toBe(true);
        expect(Number.isFinite(parsed!.resetsAt)).toBe(true);
      }
      // As the fallback zone too.
      expect(parseResetTime('8am', { now, timeZone: zone })?.zone).toBe(zone);
    }
  });

  it(
    'puts a time of day at the next time the zone’s clock shows it, in any zone, at any moment',
    () => {
      checkProperty(
        'reset-time',
        fc.tuple(
          fc.constantFrom(...ZONES),
          fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2099, 0, 1) }),
          fc.integer({ min: 1, max: 12 }),
          fc.integer({ min: 0, max: 59 }),
          fc.constantFrom('am', 'pm', 'AM', ' PM', '\u202fpm'),
          fc.boolean(),
        ),
        ([zone, now, hour, minute, meridiem, named]) => {
          const phrase = `resets ${hour}:${String(minute).padStart(2, '0')}${meridiem}${named ? ` (${zone})` : ''}`;
          const parsed = parseResetTime(phrase, { now, timeZone: named ? 'UTC' : zone });
          expect(parsed).not.toBeNull();
          const { resetsAt } = parsed!;
          expect(resetsAt).toBeGreaterThan(now - 60_000);
          // At most a day ahead, plus a DST jump or a skipped day (Pacific zones that crossed the date line).
          expect(resetsAt).toBeLessThanOrEqual(now + 2 * 86_400_000 + 3_600_000);
        },
        { share: 0.5 },
      );
    },
    timeoutFor(2, 0.5),
  );

  it(
    'never throws on random text after "resets", and gives a finite instant or null',
    () => {
      const phrase = fc.oneof(
        fc.string({ unit: 'binary', maxLength: 80 }),
        fc
          .tuple(
            fc.constantFrom('', 'at ', 'on ', 'Mon, ', 'Sat '),
            fc.constantFrom('', 'Jan ', 'feb. ', 'Sept ', 'Dec ', '2026-02-29 ', '0000-01-01 at ', '9999-12-31T'),
            fc.integer({ min: -5, max: 100 }).map(String),
            fc.constantFrom('', ':00', ':5', ':59:59', ':60', ', 2025', ', 1999 ', ' at 7'),
            fc.constantFrom('', 'am', 'pm', 'a.m.', ' PM', 'x'),
            fc.constantFrom('', ' (UTC)', ' (GMT+5:30)', ' UTC-11', ' GMT+14', ' (Mars/Olympus)', ' (Etc/GMT+12)', ' (', ' Z', ' (UTC+99:99)'),
          )
          .map((parts) => parts.join('')),
        fc.integer({ min: -1e12, max: 1e12 }).map((epoch) => `|${epoch}`),
      );
      checkProperty(
        'reset-time',
        fc.tuple(phrase, fc.integer({ min: -8.64e15, max: 8.64e15 }), fc.constantFrom(...ZONES, 'Nowhere/Else', '')),
        ([text, now, timeZone]) => {
          const parsed = parseResetTime(text, { now, timeZone });
          if (parsed !== null) expect(Number.isFinite(parsed.resetsAt)).toBe(true);
        },
        { share: 0.5 },
      );
    },
    timeoutFor(2, 0.5),
  );
});
