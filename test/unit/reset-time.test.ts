import { describe, expect, it } from 'vitest';
import { parseResetTime } from '../../src/core/reset-time.js';

const at = (iso: string): number => Date.parse(iso);
const MINUTE_MS = 60_000;

function resetsAt(text: string, now: string, timeZone = 'UTC'): string | null {
  const parsed = parseResetTime(text, { now: at(now), timeZone });
  return parsed === null ? null : new Date(parsed.resetsAt).toISOString();
}

describe('parseResetTime: times without a date', () => {
  it('reads the next occurrence of the wall-clock time', () => {
    expect(resetsAt('6:23am', '2026-01-23T05:00:00Z')).toBe('2026-01-23T06:23:00.000Z');
    expect(resetsAt('6:23am', '2026-01-23T07:00:00Z')).toBe('2026-01-24T06:23:00.000Z');
  });

  it('crosses midnight: 11:50pm read at 00:10 is 23h40m away, read at 23:00 it is 50 minutes away', () => {
    const early = parseResetTime('11:50pm', { now: at('2026-01-23T00:10:00Z'), timeZone: 'UTC' });
    const late = parseResetTime('11:50pm', { now: at('2026-01-23T23:00:00Z'), timeZone: 'UTC' });
    expect(early && early.resetsAt - at('2026-01-23T00:10:00Z')).toBe((23 * 60 + 40) * MINUTE_MS);
    expect(late && late.resetsAt - at('2026-01-23T23:00:00Z')).toBe(50 * MINUTE_MS);
  });

  it('crosses midnight in the named zone, not in UTC', () => {
    // 21:00Z is 00:00 in Riyadh (+03): 11:50pm Riyadh is that evening, 20:50Z.
    expect(resetsAt('11:50pm (Asia/Riyadh)', '2026-01-23T21:00:00Z')).toBe('2026-01-24T20:50:00.000Z');
    expect(resetsAt('11:50pm (Asia/Riyadh)', '2026-01-23T20:00:00Z')).toBe('2026-01-23T20:50:00.000Z');
  });

  it('keeps a time shown this minute, since the CLI truncates seconds', () => {
    expect(resetsAt('6:23am', '2026-01-23T06:23:30Z')).toBe('2026-01-23T06:23:00.000Z');
    expect(resetsAt('6:23am', '2026-01-23T06:25:00Z')).toBe('2026-01-24T06:23:00.000Z');
  });

  it('reads 12am as midnight and 12pm as noon', () => {
    expect(resetsAt('12am', '2026-01-23T10:00:00Z')).toBe('2026-01-24T00:00:00.000Z');
    expect(resetsAt('12pm', '2026-01-23T10:00:00Z')).toBe('2026-01-23T12:00:00.000Z');
  });

  it('accepts "1 PM", a narrow no-break space before PM, and 24-hour times', () => {
    expect(resetsAt('1 PM', '2026-01-23T10:00:00Z')).toBe('2026-01-23T13:00:00.000Z');
    expect(resetsAt('1\u202fPM', '2026-01-23T10:00:00Z')).toBe('2026-01-23T13:00:00.000Z');
    expect(resetsAt('18:30', '2026-01-23T10:00:00Z')).toBe('2026-01-23T18:30:00.000Z');
  });

  it('skips the lead-in words and ignores what follows the phrase', () => {
    expect(resetsAt('resets at 11pm', '2026-01-23T10:00:00Z')).toBe('2026-01-23T23:00:00.000Z');
    expect(resetsAt('will reset at 3pm (America/Bogota).', '2026-01-23T10:00:00Z')).toBe('2026-01-23T20:00:00.000Z');
    expect(resetsAt(' 2pm (Pacific/Auckland) · /upgrade to Max 20x', '2026-01-23T10:00:00Z')).toBe(
      '2026-01-24T01:00:00.000Z',
    );
  });
});

describe('parseResetTime: zones', () => {
  it('lets the zone in parentheses win over the fallback zone', () => {
    const parsed = parseResetTime('6pm (Asia/Kolkata)', { now: at('2026-01-23T00:00:00Z'), timeZone: 'America/New_York' });
    expect(parsed).toEqual({ resetsAt: at('2026-01-23T12:30:00Z'), zone: 'Asia/Kolkata', explicitZone: true, precision: 'minute' });
  });

  it('reads a time without a zone in the fallback zone', () => {
    const parsed = parseResetTime('6pm', { now: at('2026-01-23T00:00:00Z'), timeZone: 'America/New_York' });
    // 00:00Z is 19:00 EST on Jan 22, so 6pm is the next evening.
    expect(parsed).toEqual({ resetsAt: at('2026-01-23T23:00:00Z'), zone: 'America/New_York', explicitZone: false, precision: 'minute' });
  });

  it('reads the half-hour offset of Asia/Kolkata', () => {
    expect(resetsAt('11:30am (Asia/Kolkata)', '2026-01-23T00:00:00Z')).toBe('2026-01-23T06:00:00.000Z');
    expect(resetsAt('Jan 30, 11:30am (Asia/Calcutta)', '2026-01-23T00:00:00Z')).toBe('2026-01-30T06:00:00.000Z');
  });

  it('takes "(UTC)" as an explicit zone', () => {
    const parsed = parseResetTime('6:05am (UTC)', { now: at('2026-01-23T05:00:00Z'), timeZone: 'Asia/Tokyo' });
    expect(parsed).toEqual({ resetsAt: at('2026-01-23T06:05:00Z'), zone: 'UTC', explicitZone: true, precision: 'minute' });
  });

  it('falls back to opts.timeZone for an unknown zone name and says so', () => {
    const parsed = parseResetTime('6pm (Mars/Olympus_Mons)', { now: at('2026-01-23T00:00:00Z'), timeZone: 'Asia/Tokyo' });
    expect(parsed).toEqual({ resetsAt: at('2026-01-23T09:00:00Z'), zone: 'Asia/Tokyo', explicitZone: false, precision: 'minute' });
  });

  it('falls back to UTC when opts.timeZone itself is invalid, without throwing', () => {
    const parsed = parseResetTime('6pm', { now: at('2026-01-23T00:00:00Z'), timeZone: 'Not/AZone' });
    expect(parsed).toEqual({ resetsAt: at('2026-01-23T18:00:00Z'), zone: 'UTC', explicitZone: false, precision: 'minute' });
  });

  it('reads Europe/London in winter and in summer', () => {
    expect(resetsAt('8am (Europe/London)', '2026-01-23T10:00:00Z')).toBe('2026-01-24T08:00:00.000Z');
    expect(resetsAt('Jul 1, 9am (Europe/London)', '2026-06-20T10:00:00Z')).toBe('2026-07-01T08:00:00.000Z');
  });
});

describe('parseResetTime: daylight-saving changes', () => {
  // America/New_York: 2026-03-08 02:00 EST jumps to 03:00 EDT; 2026-11-01 02:00 EDT falls back to 01:00 EST.
  const NY = 'America/New_York';

  it('spring forward: a time after the jump is one hour less away than the wall clock suggests', () => {
    // 06:00Z is 01:00 EST; 3am EDT is 07:00Z, one real hour later.
    expect(resetsAt('3am', '2026-03-08T06:00:00Z', NY)).toBe('2026-03-08T07:00:00.000Z');
    expect(resetsAt('6am', '2026-03-08T06:00:00Z', NY)).toBe('2026-03-08T10:00:00.000Z');
  });

  it('spring forward: a skipped time lands as far past the jump (2:30am → 3:30am EDT)', () => {
    expect(resetsAt('2:30am', '2026-03-08T06:00:00Z', NY)).toBe('2026-03-08T07:30:00.000Z');
  });

  it('spring forward: dated times on either side of the change use their own offset', () => {
    expect(resetsAt('Mar 7, 4pm', '2026-03-01T12:00:00Z', NY)).toBe('2026-03-07T21:00:00.000Z');
    expect(resetsAt('Mar 8, 4pm', '2026-03-01T12:00:00Z', NY)).toBe('2026-03-08T20:00:00.000Z');
  });

  it('fall back: a repeated time is its first occurrence when both are ahead', () => {
    // 04:00Z is 00:00 EDT; 1:30am EDT is 05:30Z.
    expect(resetsAt('1:30am', '2026-11-01T04:00:00Z', NY)).toBe('2026-11-01T05:30:00.000Z');
    expect(resetsAt('Nov 1, 1:30am', '2026-10-20T12:00:00Z', NY)).toBe('2026-11-01T05:30:00.000Z');
  });

  it('fall back: a repeated time read between its two occurrences is the second one', () => {
    // 05:45Z is 01:45 EDT; the clock shows 1:30am again at 06:30Z (EST).
    expect(resetsAt('1:30am', '2026-11-01T05:45:00Z', NY)).toBe('2026-11-01T06:30:00.000Z');
  });

  it('fall back: a time after the change is one hour more away than the wall clock suggests', () => {
    expect(resetsAt('6am', '2026-11-01T04:00:00Z', NY)).toBe('2026-11-01T11:00:00.000Z');
  });

  it('Europe/London spring forward: 9am BST on the change day', () => {
    // 2026-03-29 01:00 GMT jumps to 02:00 BST.
    expect(resetsAt('9am (Europe/London)', '2026-03-29T00:30:00Z')).toBe('2026-03-29T08:00:00.000Z');
    expect(resetsAt('1:30am (Europe/London)', '2026-03-29T00:30:00Z')).toBe('2026-03-29T01:30:00.000Z');
  });

  it('Pacific/Auckland: NZDT in January, NZST after the April change', () => {
    // 2026-04-05 03:00 NZDT falls back to 02:00 NZST.
    expect(resetsAt('2pm (Pacific/Auckland)', '2026-01-23T11:00:00Z')).toBe('2026-01-24T01:00:00.000Z');
    expect(resetsAt('5pm (Pacific/Auckland)', '2026-04-04T20:00:00Z')).toBe('2026-04-05T05:00:00.000Z');
  });
});

describe('parseResetTime: dates', () => {
  it('reads the formats of every version: "Nov 27, 4:23am", "Oct 6, 6pm", "Jan 24 at 6pm"', () => {
    expect(resetsAt('Nov 27, 4:23am', '2026-11-22T10:00:00Z')).toBe('2026-11-27T04:23:00.000Z');
    expect(resetsAt('Oct 6, 6pm.', '2025-10-01T10:00:00Z')).toBe('2025-10-06T18:00:00.000Z');
    expect(resetsAt('Jan 24 at 6pm (Asia/Hong_Kong)', '2026-01-23T02:00:00Z')).toBe('2026-01-24T10:00:00.000Z');
    expect(resetsAt('Apr 23 at 4pm (America/Recife)', '2026-04-20T02:00:00Z')).toBe('2026-04-23T19:00:00.000Z');
  });

  it('puts a date without a year into next year across a year end', () => {
    expect(resetsAt('Jan 3, 6pm', '2025-12-30T10:00:00Z')).toBe('2026-01-03T18:00:00.000Z');
  });

  it('keeps a date less than a day past in its own year', () => {
    expect(resetsAt('Dec 31, 11pm', '2026-01-01T10:00:00Z')).toBe('2025-12-31T23:00:00.000Z');
  });

  it('moves a date more than a day past to next year', () => {
    expect(resetsAt('Dec 30, 6pm', '2026-01-02T10:00:00Z')).toBe('2026-12-30T18:00:00.000Z');
  });

  it('crosses the year end in the named zone: Jan 1 in Auckland is Dec 31 in UTC', () => {
    expect(resetsAt('Jan 1, 9am (Pacific/Auckland)', '2025-12-31T12:00:00Z')).toBe('2025-12-31T20:00:00.000Z');
  });

  it('uses an explicit year', () => {
    expect(resetsAt('Jan 3, 2027, 6pm', '2026-01-02T10:00:00Z')).toBe('2027-01-03T18:00:00.000Z');
  });

  it('finds the next leap year for Feb 29', () => {
    expect(resetsAt('Feb 29, 6pm', '2026-03-10T10:00:00Z')).toBe('2028-02-29T18:00:00.000Z');
  });

  it('reads a date alone as the start of that day', () => {
    expect(resetsAt('Nov 27', '2026-11-22T10:00:00Z')).toBe('2026-11-27T00:00:00.000Z');
  });
});

describe('parseResetTime: legacy and API forms', () => {
  it('reads the legacy epoch seconds after the bar', () => {
    const parsed = parseResetTime('Claude AI usage limit reached|1750708800', { now: 0, timeZone: 'Asia/Tokyo' });
    expect(parsed).toEqual({ resetsAt: 1_750_708_800_000, zone: 'UTC', explicitZone: true, precision: 'second' });
    expect(parseResetTime('|1760004000', { now: 0, timeZone: 'UTC' })?.resetsAt).toBe(1_760_004_000_000);
  });

  it('reads the rendered epoch with its GMT offset', () => {
    const parsed = parseResetTime('Mon, Aug 11, 2025, 4:00:00 PM GMT+2', { now: at('2025-08-11T10:00:00Z'), timeZone: 'UTC' });
    expect(parsed).toEqual({ resetsAt: at('2025-08-11T14:00:00Z'), zone: 'Etc/GMT-2', explicitZone: true, precision: 'minute' });
  });

  it('reads a GMT offset that is not whole hours', () => {
    const parsed = parseResetTime('Mon, Aug 11, 2025, 4:00:00 PM GMT+5:30', { now: 0, timeZone: 'UTC' });
    expect(parsed).toEqual({ resetsAt: at('2025-08-11T10:30:00Z'), zone: 'UTC+05:30', explicitZone: true, precision: 'minute' });
  });

  it('reads the ISO-like date of the API spend limit', () => {
    const parsed = parseResetTime('on 2026-04-01 at 00:00 UTC.', { now: at('2026-03-20T00:00:00Z'), timeZone: 'Asia/Tokyo' });
    expect(parsed).toEqual({ resetsAt: at('2026-04-01T00:00:00Z'), zone: 'UTC', explicitZone: true, precision: 'minute' });
  });

  it('reads an ISO-like date without a zone in the fallback zone', () => {
    const parsed = parseResetTime('2026-04-01 at 00:00', { now: at('2026-03-20T00:00:00Z'), timeZone: 'Asia/Tokyo' });
    expect(parsed).toEqual({ resetsAt: at('2026-03-31T15:00:00Z'), zone: 'Asia/Tokyo', explicitZone: false, precision: 'minute' });
  });
});

describe('parseResetTime: text that is not a reset time', () => {
  it.each(['', 'soon', 'in 5m', '13pm', '25:00', 'resets 5', 'Feb 30, 6pm', '2026-13-01 at 00:00 UTC'])(
    'returns null for %j',
    (text) => {
      expect(parseResetTime(text, { now: at('2026-01-23T10:00:00Z'), timeZone: 'UTC' })).toBeNull();
    },
  );
});
