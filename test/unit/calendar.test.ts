import { describe, expect, it } from 'vitest';
import { Calendar, DAY_MS, formatDay, parseDay, weekStartOf } from '../../src/core/calendar.js';

const at = (iso: string) => Date.parse(iso);

describe('Calendar', () => {
  it('puts an instant on the local day of its zone', () => {
    const instant = at('2026-05-17T22:31:09Z');
    expect(formatDay(new Calendar('UTC').dayOf(instant))).toBe('2026-05-17');
    expect(formatDay(new Calendar('Pacific/Kiritimati').dayOf(instant))).toBe('2026-05-18'); // UTC+14
    expect(formatDay(new Calendar('Asia/Kolkata').dayOf(instant))).toBe('2026-05-18'); // UTC+5:30: 04:01
    expect(formatDay(new Calendar('America/Los_Angeles').dayOf(instant))).toBe('2026-05-17');
  });

  it('follows half-hour and quarter-hour offsets to the minute around midnight', () => {
    const kolkata = new Calendar('Asia/Kolkata');
    expect(formatDay(kolkata.dayOf(at('2026-11-29T18:29:59Z')))).toBe('2026-11-29'); // 23:59:59 local
    expect(formatDay(kolkata.dayOf(at('2026-11-29T18:30:00Z')))).toBe('2026-11-30'); // midnight
    const kathmandu = new Calendar('Asia/Kathmandu'); // UTC+5:45
    expect(kathmandu.startOfDay(parseDay('2026-11-30')!)).toBe(at('2026-11-29T18:15:00Z'));
  });

  it('finds where a day begins across daylight-saving changes', () => {
    const berlin = new Calendar('Europe/Berlin');
    // The spring change (2026-03-29, 02:00 → 03:00) and autumn (2026-10-25) leave midnight alone.
    expect(berlin.startOfDay(parseDay('2026-03-29')!)).toBe(at('2026-03-28T23:00:00Z'));
    expect(berlin.startOfDay(parseDay('2026-03-30')!)).toBe(at('2026-03-29T22:00:00Z'));
    expect(berlin.startOfDay(parseDay('2026-10-26')!)).toBe(at('2026-10-25T23:00:00Z'));
    // A day across the change is 23 or 25 hours long.
    expect(berlin.startOfDay(parseDay('2026-03-30')!) - berlin.startOfDay(parseDay('2026-03-29')!)).toBe(23 * 3_600_000);
    expect(berlin.startOfDay(parseDay('2026-10-26')!) - berlin.startOfDay(parseDay('2026-10-25')!)).toBe(25 * 3_600_000);
    // Santiago skips midnight itself in spring (2026-09-06 00:00 → 01:00): the day starts at 01:00.
    const santiago = new Calendar('America/Santiago');
    const start = santiago.startOfDay(parseDay('2026-09-06')!);
    expect(formatDay(santiago.dayOf(start))).toBe('2026-09-06');
    expect(formatDay(santiago.dayOf(start - 1))).toBe('2026-09-05');
  });

  it('changes the offset inside an hour only where the zone does', () => {
    const berlin = new Calendar('Europe/Berlin');
    expect(berlin.offsetAt(at('2026-03-29T00:59:59Z'))).toBe(3_600_000);
    expect(berlin.offsetAt(at('2026-03-29T01:00:00Z'))).toBe(7_200_000);
  });
});

describe('dates', () => {
  it('parses days with or without dashes and refuses impossible ones', () => {
    expect(parseDay('2026-11-30')).toBe(at('2026-11-30T00:00:00Z') / DAY_MS);
    expect(parseDay('20261130')).toBe(parseDay('2026-11-30'));
    expect(parseDay('2026-02-30')).toBeNull();
    expect(parseDay('30.11.2026')).toBeNull();
  });

  it('starts weeks on Monday', () => {
    expect(formatDay(weekStartOf(parseDay('2026-11-30')!))).toBe('2026-11-30'); // a Monday
    expect(formatDay(weekStartOf(parseDay('2026-12-06')!))).toBe('2026-11-30'); // the Sunday after
    expect(formatDay(weekStartOf(parseDay('2026-11-29')!))).toBe('2026-11-23');
    expect(formatDay(weekStartOf(parseDay('1970-01-01')!))).toBe('1969-12-29');
  });
});
