import { describe, expect, it } from 'vitest';
import type { LimitKind, LimitSeverity } from '../../src/core/facts.js';
import { limitKindFromRateLimitType, matchRateLimitText } from '../../src/core/rate-limit-text.js';
import { readFixture } from '../support/fixtures.js';

// The 55 messages the CLI printed that users reported: test/fixtures/ratelimit-messages.tsv
// (described in test/fixtures/SOURCES.md). Columns: text, kind, version_if_known, source; a
// literal `\n` in text is a line break.

interface TsvRow {
  text: string;
  kind: string;
  lines: string[];
}

function loadRows(): TsvRow[] {
  const [header, ...body] = readFixture('ratelimit-messages.tsv').split('\n').filter((line) => line !== '');
  expect(header).toBe('text\tkind\tversion_if_known\tsource');
  return body.map((line) => {
    const [text = '', kind = ''] = line.split('\t');
    return { text, kind, lines: text.split('\\n') };
  });
}

type Expected = { severity: LimitSeverity; limitKind: LimitKind } | null;

/**
 * What each TSV `kind` must be read as. The legacy "Claude usage limit reached. Your limit will
 * reset at …" rows are labelled `_5h`/`_weekly` by the reporters, but the text names no window,
 * so they are `subscription`.
 */
const EXPECTED_BY_TSV_KIND: Record<string, Expected> = {
  usage_limit_raw_epoch: { severity: 'limit', limitKind: 'subscription' },
  usage_limit_raw_epoch_rendered: { severity: 'limit', limitKind: 'subscription' },
  usage_limit_reached_5h: { severity: 'limit', limitKind: 'subscription' },
  usage_limit_reached_5h_no_tz: { severity: 'limit', limitKind: 'subscription' },
  usage_limit_reached_weekly_dated: { severity: 'limit', limitKind: 'subscription' },
  approaching_limit: { severity: 'warning', limitKind: 'subscription' },
  approaching_opus_limit: { severity: 'warning', limitKind: 'seven_day_opus' },
  opus_fallback_to_sonnet: { severity: 'warning', limitKind: 'seven_day_opus' },
  approaching_5h_limit: { severity: 'warning', limitKind: 'five_hour' },
  limit_5h_reached: { severity: 'limit', limitKind: 'five_hour' },
  limit_session_reached: { severity: 'limit', limitKind: 'five_hour' },
  limit_opus_weekly: { severity: 'limit', limitKind: 'seven_day_opus' },
  limit_weekly: { severity: 'limit', limitKind: 'seven_day' },
  hit_limit: { severity: 'limit', limitKind: 'subscription' },
  hit_limit_dated: { severity: 'limit', limitKind: 'subscription' },
  hit_session_limit: { severity: 'limit', limitKind: 'five_hour' },
  hit_weekly_limit: { severity: 'limit', limitKind: 'seven_day' },
  hit_opus_limit: { severity: 'limit', limitKind: 'seven_day_opus' },
  out_of_extra_usage: { severity: 'limit', limitKind: 'overage' },
  api_429_subscription_limit_errorlog: { severity: 'limit', limitKind: 'api_rate_limit' },
  api_429_rate_limited_errorlog: { severity: 'limit', limitKind: 'api_rate_limit' },
  api_rate_limit: { severity: 'limit', limitKind: 'api_rate_limit' },
  api_request_rejected_429: { severity: 'limit', limitKind: 'api_rate_limit' },
  // A 429 that waiting will not lift: long context needs usage credits turned on.
  api_request_rejected_429_long_context: { severity: 'limit', limitKind: 'credits' },
  server_rate_limit: { severity: 'limit', limitKind: 'server_rate_limit' },
  api_spend_limit_errorlog: { severity: 'limit', limitKind: 'credits' },
  credit_balance_errorlog: { severity: 'limit', limitKind: 'credits' },
  credit_balance: { severity: 'limit', limitKind: 'credits' },
  overloaded_529_no_retry: null,
  overloaded_529_retrying: null,
  overloaded_529_final: null,
  overloaded_529_subagent: null,
  'other_api_error_500 (not a limit)': null,
  'other_api_error (not a limit)': null,
};

// Read on 2026-01-23 at 11:00 UTC, the day of the Hong Kong transcript row. Keyed by the row's first line.
const TSV_NOW = Date.parse('2026-01-23T11:00:00Z');
const EXPECTED_RESETS: Record<string, string> = {
  'Claude AI usage limit reached|1750708800': '2025-06-23T20:00:00.000Z',
  'Claude AI usage limit reached|1753441200': '2025-07-25T11:00:00.000Z',
  'Claude AI usage limit reached|1755615600': '2025-08-19T15:00:00.000Z',
  'Claude AI usage limit reached|1760004000': '2025-10-09T10:00:00.000Z',
  'Claude AI usage limit reached: Mon, Aug 11, 2025, 4:00:00 PM GMT+2': '2025-08-11T14:00:00.000Z',
  'Claude usage limit reached. Your limit will reset at 3pm (America/Bogota).': '2026-01-23T20:00:00.000Z',
  'Claude usage limit reached. Your limit will reset at 5pm (Europe/Warsaw).': '2026-01-23T16:00:00.000Z',
  '⎿  Claude usage limit reached. Your limit will reset at 9am (America/Chicago).': '2026-01-23T15:00:00.000Z',
  'Claude usage limit reached. Your limit will reset at 1 PM (Asia/Dubai).': '2026-01-24T09:00:00.000Z',
  'Claude usage limit reached. Your limit will reset at 12am.': '2026-01-24T00:00:00.000Z',
  '⎿  Claude usage limit reached. Your limit will reset at Oct 6, 6pm.': '2026-10-06T18:00:00.000Z',
  'Approaching usage limit · resets at 11pm': '2026-01-23T23:00:00.000Z',
  '5-hour limit reached ∙ resets 5am': '2026-01-24T05:00:00.000Z',
  '5-hour limit reached ∙ resets 12pm': '2026-01-23T12:00:00.000Z',
  '5-hour limit reached · resets 2pm (Pacific/Auckland) · /upgrade to Max 20x or turn on /extra-usage':
    '2026-01-24T01:00:00.000Z',
  'Session limit reached ∙ resets 8pm': '2026-01-23T20:00:00.000Z',
  'Opus weekly limit reached ∙ resets Oct 9, 8am.': '2026-10-09T08:00:00.000Z',
  'Opus weekly limit reached ∙ resets Oct 31, 9am': '2026-10-31T09:00:00.000Z',
  'Weekly limit reached · resets Dec 2, 7pm (Europe/Moscow) ·': '2026-12-02T16:00:00.000Z',
  "You've hit your limit · resets 8am (Europe/London)": '2026-01-24T08:00:00.000Z',
  "You've hit your limit · resets Jan 30, 11:30am (Asia/Calcutta)": '2026-01-30T06:00:00.000Z',
  "You've hit your limit · resets Jan 24 at 6pm (Asia/Hong_Kong)": '2026-01-24T10:00:00.000Z',
  "You've hit your limit · resets 1:30am (Asia/Dhaka)": '2026-01-23T19:30:00.000Z',
  "You've hit your limit · resets Apr 23 at 4pm (America/Recife)": '2026-04-23T19:00:00.000Z',
  "You've hit your session limit · resets 12:50am (America/Los_Angeles)": '2026-01-24T08:50:00.000Z',
  "You've hit your session limit · resets 11:50pm (Asia/Riyadh)": '2026-01-23T20:50:00.000Z',
  "You've hit your weekly limit · resets 5pm (America/Detroit)": '2026-01-23T22:00:00.000Z',
  "You're out of extra usage · resets Feb 4, 8pm (Europe/Budapest)": '2026-02-04T19:00:00.000Z',
  "You're out of extra usage · resets 9am (America/Cordoba)": '2026-01-23T12:00:00.000Z',
  'Error: 400 {"type":"error","error":{"type":"invalid_request_error","message":"You have reached your specified API usage limits. You will regain access on 2026-04-01 at 00:00 UTC."},"request_id":"req_011CZLrUfBVkVHn5T6EqQaf7"}':
    '2026-04-01T00:00:00.000Z',
};

const rows = loadRows();
const match = (text: string, now = TSV_NOW, timeZone = 'UTC') => matchRateLimitText(text, { now, timeZone });

describe('ratelimit-messages.tsv', () => {
  it('has the 55 rows SOURCES.md describes, every kind in the expected table', () => {
    expect(rows).toHaveLength(55);
    for (const row of rows) expect(Object.keys(EXPECTED_BY_TSV_KIND)).toContain(row.kind);
  });

  it.each(rows.map((row) => [row.kind, row] as const))('%s: %j', (kind, row) => {
    const expected = EXPECTED_BY_TSV_KIND[kind];
    const [first = '', ...rest] = row.lines;
    const result = match(first);
    if (expected === null || expected === undefined) {
      expect(expected).toBeNull();
      expect(result).toBeNull();
    } else {
      expect(result).toMatchObject(expected);
      const reset = EXPECTED_RESETS[first];
      expect(result?.resetsAt === null || result?.resetsAt === undefined ? null : new Date(result.resetsAt).toISOString()).toBe(
        reset ?? null,
      );
      expect(result?.text).toBe(first.replace(/^⎿\s*/, '').trim());
    }
    // Continuation lines ("/upgrade to increase your usage limit.", a wrapped URL) are never messages.
    for (const line of rest) expect(match(line)).toBeNull();
  });

  it('has a reset expectation only for rows that exist', () => {
    const firstLines = new Set(rows.map((row) => row.lines[0]));
    for (const key of Object.keys(EXPECTED_RESETS)) expect(firstLines).toContain(key);
  });
});

describe('matchRateLimitText: the wordings 2.1.330 prints', () => {
  const now = Date.parse('2026-11-22T05:00:00Z');

  it.each([
    ["You've hit your 5-hour limit · resets 6:05am (UTC)", 'five_hour', '2026-11-22T06:05:00.000Z'],
    ["You've hit your weekly limit · resets Nov 27, 4:06am (UTC)", 'seven_day', '2026-11-27T04:06:00.000Z'],
    ["You've hit your Opus limit · resets Nov 27, 4:06am (UTC)", 'seven_day_opus', '2026-11-27T04:06:00.000Z'],
    ["You've hit your Sonnet limit · resets Nov 27, 4:06am (UTC)", 'seven_day_sonnet', '2026-11-27T04:06:00.000Z'],
    ["You've hit your limit · resets 6:05am (UTC)", 'subscription', '2026-11-22T06:05:00.000Z'],
    ["You've hit your usage limit · resets 6:05am (UTC) · progress saved", 'subscription', '2026-11-22T06:05:00.000Z'],
    ['Weekly limit reached ∙ resets Nov 27, 4:23am', 'seven_day', '2026-11-27T04:23:00.000Z'],
    ['Session limit reached ∙ resets 6:23am', 'five_hour', '2026-11-22T06:23:00.000Z'],
    ['Usage limit reached · set to continue automatically at 6:05am', 'subscription', '2026-11-22T06:05:00.000Z'],
    ["You've hit your monthly spend limit · your 5-hour limit resets 6:05am (UTC)", 'credits', '2026-11-22T06:05:00.000Z'],
    ["You're out of usage credits · resets Dec 1, 12am (UTC)", 'credits', '2026-12-01T00:00:00.000Z'],
  ] as const)('%s → %s', (text, limitKind, reset) => {
    // A time shown on the screen names the minute, no finer.
    expect(match(text, now)).toEqual({ severity: 'limit', limitKind, text, resetsAt: Date.parse(reset), resetPrecision: 'minute' });
  });

  it.each([
    ['Your org is out of usage · add funds to continue', 'credits'],
    ["Your seat type doesn't include usage credits", 'credits'],
    ['Opus 5 requires usage credits. /model to switch models.', 'credits'],
    ['API Error: Usage credits required for 1M context · run /usage-credits to turn them on', 'credits'],
    ['API Error: Request rejected (429) · spend limit reached · resets Nov 27', 'credits'],
    ['API Error: Request rejected (429) · this may be a temporary capacity issue.', 'api_rate_limit'],
    ['API Error: 429 {"type":"error","error":{"type":"rate_limit_error","message":"Rate limited"}}', 'api_rate_limit'],
    ['⎿  API Error (429 {"type":"error","error":{"type":"rate_limit_error","message":"Rate limited"}}) · Retrying in 1 seconds… (attempt 1/10)', 'api_rate_limit'],
    // 2.1.330 names the weekly window that counts extra usage (seven_day_overage_included) "Fable limit".
    ["You've hit your Fable limit · resets Nov 27, 4:06am (UTC)", 'seven_day_overage_included'],
  ] as const)('%s → %s', (text, limitKind) => {
    expect(match(text, now)).toMatchObject({ severity: 'limit', limitKind });
  });

  it.each([
    ["You've used 93% of your 5-hour limit · resets 6am (UTC)", 'five_hour', 0.93],
    ["You've used 80% of your weekly limit · resets Nov 27, 4:06am (UTC)", 'seven_day', 0.8],
    ["You've used 90% of your usage credits", 'overage', 0.9],
    ["You've used 90% of your usage", 'overage', 0.9],
  ] as const)('warning %s → %s at %d', (text, limitKind, utilization) => {
    expect(match(text, now)).toMatchObject({ severity: 'warning', limitKind, utilization });
  });

  it.each([
    ['Over 75% of your weekly limit used · resets Nov 27, 4:06am (UTC)', 'seven_day'],
    ['Over 50% of your usage limit used', 'overage'],
    ['Approaching 5-hour limit · resets 6:05am (UTC)', 'five_hour'],
    ['Approaching weekly limit', 'seven_day'],
    ['Approaching your 5-hour usage limit — Claude will wrap up the current step.', 'five_hour'],
    ["You're close to your usage credit limit", 'overage'],
    ["You're close to your usage limit", 'overage'],
    ['Claude Opus 4 limit reached, now using Sonnet 4', 'seven_day_opus'],
  ] as const)('warning %s → %s', (text, limitKind) => {
    const result = match(text, now);
    expect(result).toMatchObject({ severity: 'warning', limitKind });
    // "Over 75%" is a threshold, not a reading.
    expect(result?.utilization).toBeUndefined();
  });

  it('reads the reset of a warning', () => {
    expect(match('Over 75% of your weekly limit used · resets Nov 27, 4:06am (UTC)', now)?.resetsAt).toBe(
      Date.parse('2026-11-27T04:06:00Z'),
    );
  });

  it('reads a reset without a zone in the caller’s zone', () => {
    const result = matchRateLimitText('Session limit reached ∙ resets 6:23am', { now, timeZone: 'Asia/Kolkata' });
    // 05:00Z is 10:30 IST, so 6:23am IST is tomorrow, 00:53Z.
    expect(result?.resetsAt).toBe(Date.parse('2026-11-23T00:53:00Z'));
  });
});

describe('matchRateLimitText: where a message may start', () => {
  it('accepts the ⎿ glyph, leading spaces and an Error: prefix, and returns the message trimmed', () => {
    expect(match("   ⎿  You've hit your limit · resets 8am (UTC)   ")).toMatchObject({
      limitKind: 'subscription',
      text: "You've hit your limit · resets 8am (UTC)",
    });
    expect(match("Error: You've hit your session limit · resets 8am (UTC)")?.limitKind).toBe('five_hour');
    expect(match("API Error: You've hit your weekly limit")?.limitKind).toBe('seven_day');
  });

  it('reads only the first non-blank line of text given as several lines', () => {
    expect(match("\nYou've hit your limit · resets 8am (UTC)\n/upgrade to increase your usage limit.")?.text).toBe(
      "You've hit your limit · resets 8am (UTC)",
    );
    expect(match("Here is what the CLI prints:\nYou've hit your limit · resets 8am (UTC)")).toBeNull();
  });

  it('accepts a typographic apostrophe', () => {
    expect(match('You’ve hit your weekly limit · resets 5pm (America/Detroit)')?.limitKind).toBe('seven_day');
  });
});

describe('matchRateLimitText: the same words inside other content', () => {
  it.each([
    ['a code line', `const message = "You've hit your limit · resets 8am (Europe/London)";`],
    ['a code line that throws', "    throw new Error('Claude usage limit reached. Your limit will reset at 3pm.');"],
    ['a TypeScript comment', "// 5-hour limit reached ∙ resets 12pm is what 1.0.113 prints"],
    ['a quoted sentence', `"You've hit your session limit · resets 6:23am (UTC)" is what Claude shows.`],
    ['prose that quotes the words mid-sentence', 'When the usage limit reached message appears, wait for the reset.'],
    ['a markdown bullet', "- You've hit your limit · resets 8am (UTC) — shown when the plan runs out"],
    ['a bold markdown bullet', '* **Weekly limit reached** means the seven-day window is used up.'],
    ['a markdown table row', "| 2.1.330 | You've hit your 5-hour limit · resets 6:05am (UTC) |"],
    ['a grep result line', "src/limits.ts:12:You've hit your limit · resets 8am (Europe/London)"],
    ['a grep result of a warning', 'docs/limits.md:3:Approaching usage limit · resets at 11pm'],
    ['a Read tool line with its number', "     1→You've hit your limit · resets 8am (UTC)"],
    ['a diff line', "+You've hit your weekly limit · resets 5pm (America/Detroit)"],
    ['Claude’s own reply on the screen', "⏺ You've hit your limit · resets 8am (UTC), so I stopped."],
    ['a sentence that only begins with the words', 'Session limit reached yesterday, so the job was rescheduled.'],
    ['a sentence about another limit', "You've hit your limit on open files; raise ulimit -n."],
  ])('%s', (_label, line) => {
    expect(match(line)).toBeNull();
  });

  it.each([
    ['Context limit reached · /compact or /clear to continue'],
    ["You've hit your fast limit · resets in 5m"],
    ['Opus is experiencing high load, please use /model to switch to Sonnet'],
    ['API Error: 400 {"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210000 tokens > 200000 maximum"}}'],
    ['API Error: 500 Internal server error'],
    ['Continuing automatically at 6:05am · Esc to cancel'],
    ['Rate limit reached'],
  ])('is not a limit: %s', (line) => {
    expect(match(line)).toBeNull();
  });
});

describe('limitKindFromRateLimitType', () => {
  it.each([
    ['five_hour', 'five_hour'],
    ['seven_day', 'seven_day'],
    ['seven_day_opus', 'seven_day_opus'],
    ['seven_day_sonnet', 'seven_day_sonnet'],
    ['overage', 'overage'],
    ['seven_day_overage_included', 'seven_day_overage_included'],
    ['seven_day_oauth_apps', 'seven_day_oauth_apps'],
    ['', 'subscription'],
    ['toString', 'subscription'],
    ['__proto__', 'subscription'],
  ] as const)('%j → %s', (type, kind) => {
    expect(limitKindFromRateLimitType(type)).toBe(kind);
  });
});
