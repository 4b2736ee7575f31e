/**
 * Counterexamples the property tests found (test/property/*.test.ts), shrunk, kept as plain
 * examples so each fix stays fixed whatever the generators do next.
 */
import { describe, expect, it } from 'vitest';
import { factsFromPrintEvent } from '../../src/core/print-events.js';
import { matchRateLimitText } from '../../src/core/rate-limit-text.js';
import { parseResetTime } from '../../src/core/reset-time.js';
import { parseTranscriptLine } from '../../src/ingest/transcript-line.js';

const OPTS = { now: Date.parse('2026-01-23T11:00:00Z'), timeZone: 'UTC' };

describe('matchRateLimitText regressions', () => {
  // Shrunk: TSV row "5-hour limit reached ∙ resets 5am" behind "0\t". "limit reached" took the line
  // number as a word of the window's name, so `cat -n` output and grep hits showing a message matched.
  it('does not take a line number before "limit reached" as part of the window name', () => {
    expect(matchRateLimitText('0\t5-hour limit reached ∙ resets 5am', OPTS)).toBeNull();
    expect(matchRateLimitText('     1\tSession limit reached ∙ resets 8pm', OPTS)).toBeNull();
    expect(matchRateLimitText('12  Opus weekly limit reached ∙ resets Oct 9, 8am.', OPTS)).toBeNull();
    // The wordings themselves still match, digits inside a word included.
    expect(matchRateLimitText('5-hour limit reached ∙ resets 5am', OPTS)).toMatchObject({ limitKind: 'five_hour' });
    expect(matchRateLimitText('Claude AI usage limit reached|1750708800', OPTS)).toMatchObject({ limitKind: 'subscription' });
  });
});

describe('parseResetTime regressions', () => {
  // Shrunk: ["0:59:59", now 8639999722800000, "Asia/Ashgabat"]. Reading the zone's clock a day past
  // a `now` near the end of Date's range threw RangeError ("Invalid time value").
  it('gives null, not a throw, for a time of day when now is at the ends of Date’s range', () => {
    expect(parseResetTime('0:59:59', { now: 8_639_999_722_800_000, timeZone: 'Asia/Ashgabat' })).toBeNull();
    expect(parseResetTime('5am', { now: -8.64e15, timeZone: 'UTC' })).toBeNull();
    // An epoch needs no clock reading and still parses.
    expect(parseResetTime('|1750708800', { now: 8.64e15, timeZone: 'UTC' })?.resetsAt).toBe(1_750_708_800_000);
  });

  // Shrunk: ["Claude AI usage limit reached: Mon, Aug 11, 2025, 4:00:00 PM GMT+20", 0, "Africa/Abidjan"].
  // A whole-hour offset became an Etc/GMT zone, but those stop at UTC-12 and UTC+14: Intl threw.
  it('reads a whole-hour offset past the Etc/GMT zones as the offset itself', () => {
    expect(parseResetTime('Mon, Aug 11, 2025, 4:00:00 PM GMT+20', { now: 0, timeZone: 'Africa/Abidjan' })).toEqual({
      resetsAt: Date.parse('2025-08-10T20:00:00Z'),
      zone: 'UTC+20:00',
      explicitZone: true,
      precision: 'minute',
    });
    expect(parseResetTime('5am (UTC-13)', { now: 0, timeZone: 'UTC' })?.zone).toBe('UTC-13:00');
    expect(parseResetTime('5am (GMT+14)', { now: 0, timeZone: 'UTC' })?.zone).toBe('Etc/GMT-14');
    expect(matchRateLimitText('Claude AI usage limit reached: Mon, Aug 11, 2025, 4:00:00 PM GMT+20', OPTS)?.resetsAt).toBe(Date.parse('2025-08-10T20:00:00Z'));
  });

  // The same through a transcript line stamped at the end of time (Date.parse reads up to year 275760): no throw, and
  // no time that far from the clock is believed; the line is rejected like any other bad one.
  it('lets parseTranscriptLine read a limit line stamped at the end of time without throwing, and rejects it', () => {
    const line = JSON.stringify({ type: 'system', content: '5-hour limit reached ∙ resets 5am', timestamp: '+275760-09-13T00:00:00.000Z', sessionId: 's' });
    const facts = parseTranscriptLine(line, { now: OPTS.now, timeZone: 'UTC' }).facts;
    expect(facts).toEqual([{ kind: 'line-rejected', source: 'transcript', reason: 'timestamp is more than 7 days ahead of the clock' }]);
  });
});

describe('factsFromPrintEvent regressions', () => {
  // Shrunk: a 2.1.4 assistant event (headless/vecsum-stream-json-v2.1.4-success.jsonl) with `message.id` "".
  // It was keyed "", so every message without an id replaced the one before; the transcript reader skips them.
  it('does not key usage under an empty message id', () => {
    const event = { type: 'assistant', message: { id: '', model: 'claude-sonnet-4-5-20250929', usage: { input_tokens: 1, output_tokens: 158 } }, session_id: 's' };
    expect(factsFromPrintEvent(event, OPTS.now)).toEqual([]);
  });

  // Shrunk: the 2.1.283 rate_limit_event (headless/shipyard-stream-json-v2.1.283-executor.jsonl) with
  // resetsAt 1.797693134862316e+305: seconds times 1000 overflowed to an Infinity reset time.
  it('gives no reset time for a resetsAt that overflows when read as milliseconds', () => {
    const event = { type: 'rate_limit_event', rate_limit_info: { status: 'allowed_warning', resetsAt: 1.797693134862316e305, rateLimitType: 'seven_day', utilization: 0.57 } };
    expect(factsFromPrintEvent(event, OPTS.now)).toEqual([
      { kind: 'rate-limit', source: 'stream-json', severity: 'warning', limitKind: 'seven_day', resetsAt: null, utilization: 0.57, at: OPTS.now },
      { kind: 'limit-window', source: 'stream-json', window: 'seven_day', utilization: 0.57, resetsAt: null, status: 'allowed_warning', at: OPTS.now },
    ]);
  });
});
