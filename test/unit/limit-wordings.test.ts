/**
 * Every limit and warning wording the published Claude Code packages carry, with the releases
 * that print it. Found by reading each release's own strings (cli.js up to 2.1.112, the native
 * binary of @anthropic-ai/claude-code-linux-x64 from 2.1.113), checking every other release and
 * both sides of each change; the message builders' templates are filled in here with the values
 * they take (a window's name, a reset time as the CLI formats it, a percentage). A range's ends
 * are the first and last release found printing the wording.
 */
import { describe, expect, it } from 'vitest';
import type { LimitKind, LimitSeverity } from '../../src/core/facts.js';
import { matchRateLimitText } from '../../src/core/rate-limit-text.js';

/** A Friday, 01:00 UTC: every reset below is read against it, in UTC. */
const NOW = Date.parse('2026-11-20T01:00:00Z');

interface Expected {
  severity: LimitSeverity;
  limitKind: LimitKind;
  /** The reset instant the words name (ISO), or null when they name none. */
  resetsAt: string | null;
  utilization?: number;
}

const limit = (limitKind: LimitKind, resetsAt: string | null = null): Expected => ({ severity: 'limit', limitKind, resetsAt });
const warning = (limitKind: LimitKind, resetsAt: string | null = null, utilization?: number): Expected =>
  utilization === undefined ? { severity: 'warning', limitKind, resetsAt } : { severity: 'warning', limitKind, resetsAt, utilization };

const SIX = '2026-11-20T06:00:00.000Z';
const SIX_23 = '2026-11-20T06:23:00.000Z';
const NEXT_WEEK = '2026-11-27T04:00:00.000Z';
const NEXT_WEEK_23 = '2026-11-27T04:23:00.000Z';
const DEC_1 = '2026-12-01T00:00:00.000Z';
const epoch = (iso: string): number => Date.parse(iso) / 1000;

const ROWS: Array<[versions: string, text: string, expected: Expected | null]> = [
  // The print-mode text before the unified limits; 2.0.x kept it as the legacy format of a 5-hour limit.
  ['1.0.0–2.0.10', `Claude AI usage limit reached|${epoch(SIX)}`, { ...limit('subscription', SIX) }],
  ['1.0.30–1.0.42, 1.0.56–1.0.84', 'Claude usage limit reached. Your limit will reset at 6am.', limit('subscription', SIX)],
  ['1.0.43–1.0.55', 'Claude usage limit reached. Your limit will reset 6am.', limit('subscription', SIX)],
  ['1.0.43–1.0.55', 'Claude weekly usage limit reached. Your limit will reset Nov 27, 4am.', limit('seven_day', NEXT_WEEK)],
  ['1.0.0–1.0.42', 'Approaching usage limit · resets at 6am', warning('subscription', SIX)],
  ['1.0.43–1.0.55', 'Approaching weekly usage limit · resets Nov 27, 4am', warning('seven_day', NEXT_WEEK)],
  ['1.0.0–2.0.46', 'Approaching Opus usage limit · /model to use best available model', warning('seven_day_opus')],
  ['1.0.0', 'Claude Opus 4 limit reached, now using Claude Sonnet 4', warning('seven_day_opus')],
  ['1.0.3–1.0.67', 'Claude Opus 4 limit reached, now using Sonnet 4', warning('seven_day_opus')],
  ['1.0.69–2.0.37', 'Claude Opus limit reached, now using Sonnet 4', warning('seven_day_opus')],

  // 1.0.85: one builder for every unified limit, "∙" before the reset; team seats get their own words.
  ['1.0.85–1.0.127', '5-hour limit reached ∙ resets 6am', limit('five_hour', SIX)],
  ['1.0.85–1.0.127', '5-hour limit resets 6am ∙ contact an admin to keep working', limit('five_hour', SIX)],
  ['1.0.85–1.0.127', '5-hour limit reached ∙ contact an admin to keep working', limit('five_hour')],
  ['1.0.85', 'Approaching 5-hour limit', warning('five_hour')],
  ['1.0.85–2.0.49', '5-hour limit reached, now using extra usage', warning('five_hour')],
  ['1.0.85–2.0.49', 'Weekly limit reached ∙ resets Nov 27, 4am', limit('seven_day', NEXT_WEEK)],
  ['1.0.85–2.0.49', 'Weekly limit resets Nov 27, 4am ∙ contact an admin to keep working', limit('seven_day', NEXT_WEEK)],
  ['1.0.85–2.0.49', 'Weekly limit reached, now using extra usage', warning('seven_day')],
  ['1.0.85–2.0.49', 'Opus weekly limit reached ∙ resets Nov 27, 4am', limit('seven_day_opus', NEXT_WEEK)],
  ['1.0.85–2.0.49', 'Opus limit resets Nov 27, 4am ∙ contact an admin to keep working', limit('seven_day_opus', NEXT_WEEK)],
  ['1.0.85–2.0.49', 'Opus weekly limit reached, now using extra usage', warning('seven_day_opus')],
  ['1.0.85–2.0.49', 'Usage limit reached ∙ resets 6am', limit('subscription', SIX)],
  // The plan's window and the extra-usage cap both spent: the reset is the earlier of the two.
  ['1.0.85–2.0.49', 'Spending cap reached ∙ resets 6am', limit('subscription', SIX)],
  // What 2.0.0 prints for a 5-hour limit of a subscriber without extra usage (the server sends the overage as rejected).
  ['1.0.85–2.0.49', 'Spending cap reached resets 1:24am', limit('subscription', '2026-11-20T01:24:00.000Z')],
  ['1.0.126–2.0.1', 'Spending cap reached', limit('subscription')],
  ['1.0.85–2.0.49', 'Limit reached – contact an admin to keep working', limit('subscription')],
  ['1.0.85–2.0.69', 'Approaching spending cap', warning('overage')],
  ['1.0.85–2.0.69', 'Approaching Opus weekly limit', warning('seven_day_opus')],
  ['1.0.85–2.0.69', 'Approaching weekly limit', warning('seven_day')],
  ['1.0.85–2.0.69', 'Approaching usage limit', warning('subscription')],
  // 1.0.128 renamed the 5-hour window the session limit.
  ['1.0.128–2.0.50', 'Session limit reached ∙ resets 6:23am', limit('five_hour', SIX_23)],
  ['1.0.128–2.0.50', 'Session limit resets 6:23am ∙ contact an admin to keep working', limit('five_hour', SIX_23)],
  ['2.0.49', 'Approaching session usage limit · /model to use best available model', warning('five_hour')],

  // 2.0.51: "·" instead of "∙", a percentage in the warnings, advice after the limit.
  ['2.0.51–2.0.54', '93% of 5-hour limit used · resets 6am', warning('five_hour', SIX, 0.93)],
  ['2.0.56–2.0.69', '80% of weekly limit used · resets Nov 27, 4am', warning('seven_day', NEXT_WEEK, 0.8)],
  ['2.0.51–2.0.70', '5-hour limit reached · resets 6am · now using extra usage', warning('five_hour', SIX)],
  ['2.0.51–2.0.70', 'Sonnet weekly limit reached · resets Nov 27, 4am · now using extra usage · /model opus', warning('seven_day_sonnet', NEXT_WEEK)],
  ['2.0.56–2.0.70', '5-hour limit reached · resets 6am · /upgrade to Max or turn on /extra-usage', limit('five_hour', SIX)],
  ['2.0.56–2.0.70', 'Limit reached · resets 6am · turn on /extra-usage', limit('subscription', SIX)],
  ['2.0.56–2.0.70', 'Sonnet weekly limit reached · resets Nov 27, 4am · /model opus or turn on /extra-usage', limit('seven_day_sonnet', NEXT_WEEK)],
  ['2.0.56–2.0.70', 'Opus weekly limit reached · resets Nov 27, 4am · contact an admin to increase limits', limit('seven_day_opus', NEXT_WEEK)],
  ['2.0.56–2.0.70', 'Weekly limit reached · resets Nov 27, 4am', limit('seven_day', NEXT_WEEK)],
  ['2.0.56–2.0.70', 'Usage limit reached · resets 6am', limit('subscription', SIX)],
  ['2.0.56–2.0.70', 'Approaching 5-hour limit', warning('five_hour')],

  // 2.0.71: "You've hit your …".
  ['2.0.71–2.1.311', "You've hit your session limit · resets 6:23am", limit('five_hour', SIX_23)],
  ['2.0.71–2.1.330', "You've hit your weekly limit · resets Nov 27, 4:23am", limit('seven_day', NEXT_WEEK_23)],
  ['2.0.71–2.1.330', "You've hit your Opus limit · resets Nov 27, 4:23am", limit('seven_day_opus', NEXT_WEEK_23)],
  ['2.0.71–2.1.330', "You've hit your Sonnet limit · resets Nov 27, 4:23am", limit('seven_day_sonnet', NEXT_WEEK_23)],
  ['2.0.71–2.1.330', "You've hit your usage limit · resets 6:23am", limit('subscription', SIX_23)],
  ['2.0.71–2.1.330', "You've hit your limit · resets 6:23am", limit('subscription', SIX_23)],
  ['2.0.71–2.1.150', "You're out of extra usage · resets Dec 1, 12am", limit('overage', DEC_1)],
  ['2.0.71–2.1.311', "You've used 93% of your session limit · resets 6am · /upgrade to keep using Claude Code", warning('five_hour', SIX, 0.93)],
  ['2.0.71–2.1.330', "You've used 80% of your weekly limit · resets Nov 27, 4am", warning('seven_day', NEXT_WEEK, 0.8)],
  ['2.0.71–2.1.113', "You've used 91% of your extra usage", warning('overage', null, 0.91)],
  ['2.0.71–2.1.113', 'Approaching extra usage limit · resets Dec 1, 12am', warning('overage', DEC_1)],
  ['2.0.71–2.1.311', 'Approaching session limit · resets 6am', warning('five_hour', SIX)],
  ['2.0.71–2.1.330', "You're close to your extra usage spending limit", warning('overage')],
  ['2.0.71–2.1.113', "You're now using extra usage · Your session limit resets 6am", warning('five_hour', SIX)],
  ['2.0.71–2.1.113', 'Now using extra usage', warning('overage')],

  // The native builds: the zone after the time, usage credits, per-model weekly windows.
  ['2.1.113–2.1.311', "You've hit your session limit · resets 6:23am (UTC)", limit('five_hour', SIX_23)],
  ['2.1.150–2.1.330', "You're out of usage credits · resets Dec 1, 12am (UTC)", limit('credits', DEC_1)],
  ['2.1.150–2.1.330', "You've used 91% of your usage credits", warning('overage', null, 0.91)],
  ['2.1.150–2.1.330', 'Approaching usage credit limit', warning('overage')],
  ['2.1.150–2.1.330', "You're now using usage credits · Your session limit resets 6am (UTC)", warning('five_hour', SIX)],
  ['2.1.200–2.1.220', "You've hit your Fable 5 limit · resets Nov 27, 4am (UTC)", limit('seven_day_overage_included', NEXT_WEEK)],
  ['2.1.240–2.1.330', "You've hit your Fable limit · resets Nov 27, 4am (UTC)", limit('seven_day_overage_included', NEXT_WEEK)],
  ['2.1.240–2.1.330', "You've hit your weekly limit · resets Nov 27, 4am (UTC) · progress saved", limit('seven_day', NEXT_WEEK)],
  ['2.1.292–2.1.330', 'Over 75% of your weekly limit used · resets Nov 27, 4am (UTC)', warning('seven_day', NEXT_WEEK)],
  ['2.1.312–2.1.330', "You've hit your 5-hour limit · resets 6:05am (America/New_York) · progress saved", limit('five_hour', '2026-11-20T11:05:00.000Z')],
  ['2.1.312–2.1.330', "You've used 93% of your 5-hour limit · resets 6am (UTC)", warning('five_hour', SIX, 0.93)],
  ['2.1.312–2.1.330', 'Approaching 5-hour limit · resets 6am (UTC)', warning('five_hour', SIX)],
  ['2.1.312–2.1.330', "You're now using usage credits · Your 5-hour limit resets 6am (UTC)", warning('five_hour', SIX)],
  ['2.1.330', 'Now using usage credits for Opus · Your Opus limit resets Nov 27, 4am (UTC)', warning('seven_day_opus', NEXT_WEEK)],
  ['2.1.330', 'Now using credits', warning('overage')],
  ['2.1.330', "You've hit your org's monthly spend limit · ask your admin for a higher limit", limit('credits')],
  ['2.1.330', 'Your org is out of usage · add funds to continue', limit('credits')],
  ['2.1.330', "Your seat type doesn't include usage credits", limit('credits')],
  ['2.1.330', 'Your usage allocation has been disabled by your admin · ask your admin for a higher limit', limit('credits')],
  ['2.1.330', "Your group's usage limit is set to $0 · ask your admin for a higher limit", limit('credits')],

  // Words of the same builders that are no usage limit.
  // A policy that turned the service off: nothing was used up, and no reset lifts it.
  ['2.1.330', 'This service is disabled for your org', null],
  // Fast mode's own cooldown only drops back to normal speed.
  ['2.1.36–2.1.330', "You've hit your fast limit", null],
  ['2.1.36–2.1.112', 'Fast limit reached and temporarily disabled · resets in 5m', null],
  ['2.0.77–2.1.97', 'Context limit reached · /compact or /clear to continue', null],
];

describe('every limit wording of the published releases', () => {
  it.each(ROWS)('%s: %s', (_versions, text, expected) => {
    const match = matchRateLimitText(text, { now: NOW, timeZone: 'UTC' });
    if (expected === null) {
      expect(match).toBeNull();
      return;
    }
    expect(match).not.toBeNull();
    const { resetsAt, ...rest } = expected;
    expect(match).toMatchObject(rest);
    if (expected.utilization === undefined) expect(match!.utilization).toBeUndefined();
    expect(match!.resetsAt === null ? null : new Date(match!.resetsAt).toISOString()).toBe(resetsAt);
  });
});
