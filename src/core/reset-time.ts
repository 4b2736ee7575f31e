/**
 * Reads the reset time out of Claude Code's limit messages ("resets 6:23am (UTC)", "resets Nov 27,
 * 4:23am", "…|1750708800"). Pure: `now` and the fallback zone come from the caller.
 */
import type { ResetPrecision } from './facts.js';
import { utcWallClock, wallClockAsUtc, zoneFormatter, zoneOffsetMs, zoneWallClock, type WallClock } from './zone-clock.js';

export interface ResetTime {
  /** The instant the limit lifts, epoch ms. */
  resetsAt: number;
  /**
   * The zone the wall-clock time was read in: an IANA name, or for a fixed offset without one
   * ("GMT+2") `Etc/GMT-2`, or a `UTC+05:30` label when the offset is not whole hours.
   */
  zone: string;
  /** True when the text itself fixed the zone (or the instant); false when `opts.timeZone` was assumed. */
  explicitZone: boolean;
  /** An epoch names the second; a wall-clock time as Claude shows it, the minute. */
  precision: ResetPrecision;
}

export interface ResetTimeOptions {
  now: number;
  /** IANA zone to read a time in when the text names none. */
  timeZone: string;
}


type Zone =
  | { kind: 'iana'; name: string }
  | { kind: 'offset'; offsetMs: number; label: string };

interface ClockTime {
  hour: number;
  minute: number;
  second: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** The CLI shows minutes, truncated: a reset at 6:23:40 reads "6:23am" and is still ahead at 6:23:10. */
const SHOWN_MINUTE_GRACE_MS = MINUTE_MS;
/** Date holds ±8.64e15 ms; a week less leaves room for the days read around now. */
const LATEST_NOW_MS = 8.64e15 - 7 * DAY_MS;
const MIDNIGHT: ClockTime = { hour: 0, minute: 0, second: 0 };
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

// Node/ICU puts a space, NBSP or narrow NBSP (U+202F) before AM/PM; the CLI drops it.
const TIME_SOURCE = String.raw`(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?(?:[ \u00a0\u202f]*([ap])\.?m\b\.?)?`;
const LEAD_IN = /^(?:your limit\s+)?(?:will\s+)?(?:resets?|regain access)?\s*(?:(?:at|on)\s+)?/i;
const EPOCH = /(?:^|\|)\s*(\d{9,11})(?!\d)/;
const MONTH_DAY = new RegExp(
  String.raw`^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:,?\s+(\d{4}))?(?:(?:\s*,\s*|\s+at\s+|\s+)` +
    TIME_SOURCE +
    ')?',
  'i',
);
const ISO_DATE = new RegExp(String.raw`^(\d{4})-(\d{2})-(\d{2})(?:T|\s+at\s+|\s+)` + TIME_SOURCE, 'i');
const TIME_ONLY = new RegExp('^' + TIME_SOURCE, 'i');
const NAMED_ZONE = /^\s*\(\s*([A-Za-z][\w+\-/]*)\s*\)/;
const OFFSET_ZONE = /^\s*(?:UTC|GMT|Z)(?:\s*([+-])(\d{1,2})(?::?(\d{2}))?)?(?![\w/])/i;


/**
 * Parses a reset phrase: the words after "resets" / "reset at" / "will reset at" (a leading
 * "resets", "at" or "on" is skipped), or a legacy `…|<epoch seconds>`. Text after the phrase is
 * ignored. Returns null when no reset time can be read; never throws.
 */
export function parseResetTime(text: string, opts: ResetTimeOptions): ResetTime | null {
  const epoch = EPOCH.exec(text.trim());
  if (epoch) return { resetsAt: Number(epoch[1]) * 1000, zone: 'UTC', explicitZone: true, precision: 'second' };

  // Wall-clock times are read days either side of now: near the ends of Date's range that throws.
  if (!(Math.abs(opts.now) <= LATEST_NOW_MS)) return null;
  const phrase = text.trim().replace(LEAD_IN, '');
  const fallback: Zone = { kind: 'iana', name: toValidZone(opts.timeZone) ?? 'UTC' };

  const dated = MONTH_DAY.exec(phrase);
  if (dated) {
    // A date alone ("resets Nov 27") means the start of that day.
    const time = dated[4] === undefined ? MIDNIGHT : readClockTime(dated.slice(4, 8));
    const month = MONTHS.indexOf((dated[1] ?? '').toLowerCase()) + 1;
    const day = Number(dated[2]);
    if (!time) return null;
    const { zone, explicit } = readZone(phrase.slice(dated[0].length), fallback);
    const year = dated[3] === undefined ? null : Number(dated[3]);
    const resetsAt =
      year === null
        ? resolveYearlessDate(month, day, time, zone, opts.now)
        : resolveDate({ year, month, day, ...time }, zone);
    return resetsAt === null ? null : toResetTime(resetsAt, zone, explicit);
  }

  const iso = ISO_DATE.exec(phrase);
  if (iso) {
    const time = readClockTime(iso.slice(4, 8));
    if (!time) return null;
    const { zone, explicit } = readZone(phrase.slice(iso[0].length), fallback);
    const wall = { year: Number(iso[1]), month: Number(iso[2]), day: Number(iso[3]), ...time };
    const resetsAt = resolveDate(wall, zone);
    return resetsAt === null ? null : toResetTime(resetsAt, zone, explicit);
  }

  const timeOnly = TIME_ONLY.exec(phrase);
  if (timeOnly) {
    const time = readClockTime(timeOnly.slice(1, 5));
    if (!time) return null;
    const { zone, explicit } = readZone(phrase.slice(timeOnly[0].length), fallback);
    return toResetTime(resolveNextTime(time, zone, opts.now), zone, explicit);
  }
  return null;
}

function toResetTime(resetsAt: number, zone: Zone, explicitZone: boolean): ResetTime {
  return { resetsAt, zone: zone.kind === 'iana' ? zone.name : zone.label, explicitZone, precision: 'minute' };
}

/** `[hour, minute, second, "a"|"p"|undefined]` as captured by TIME_SOURCE. */
function readClockTime(groups: (string | undefined)[]): ClockTime | null {
  const [hourText, minuteText, secondText, meridiem] = groups;
  const hour = Number(hourText);
  const minute = minuteText === undefined ? 0 : Number(minuteText);
  const second = secondText === undefined ? 0 : Number(secondText);
  if (minute > 59 || second > 59) return null;
  if (meridiem === undefined) {
    // A bare number ("resets 5") is not a time; 24-hour times always carry minutes.
    if (minuteText === undefined || hour > 23) return null;
    return { hour, minute, second };
  }
  if (hour < 1 || hour > 12) return null;
  const isPm = meridiem.toLowerCase() === 'p';
  return { hour: (hour % 12) + (isPm ? 12 : 0), minute, second };
}

function readZone(rest: string, fallback: Zone): { zone: Zone; explicit: boolean } {
  const named = NAMED_ZONE.exec(rest);
  if (named) {
    const name = named[1] ?? '';
    const offset = OFFSET_ZONE.exec(name);
    if (offset && offset[0].length === name.length) return { zone: toOffsetZone(offset), explicit: true };
    const valid = toValidZone(name);
    return valid ? { zone: { kind: 'iana', name: valid }, explicit: true } : { zone: fallback, explicit: false };
  }
  const offset = OFFSET_ZONE.exec(rest);
  if (offset) return { zone: toOffsetZone(offset), explicit: true };
  return { zone: fallback, explicit: false };
}

function toOffsetZone(match: RegExpExecArray): Zone {
  const [, sign, hoursText, minutesText] = match;
  if (sign === undefined) return { kind: 'iana', name: 'UTC' };
  const hours = Number(hoursText);
  const minutes = minutesText === undefined ? 0 : Number(minutesText);
  const direction = sign === '-' ? -1 : 1;
  const offsetMs = direction * (hours * 60 + minutes) * MINUTE_MS;
  // Etc/GMT zones invert the sign (GMT+2 is Etc/GMT-2) and cover UTC-12 to UTC+14 only; past those, the offset itself.
  const etcName = hours === 0 ? 'UTC' : `Etc/GMT${sign === '-' ? '+' : '-'}${hours}`;
  if (minutes === 0 && toValidZone(etcName) !== null) return { kind: 'iana', name: etcName };
  const label = `UTC${sign}${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
  return { kind: 'offset', offsetMs, label };
}

function toValidZone(name: string): string | null {
  try {
    zoneFormatter(name);
    return name;
  } catch {
    return null;
  }
}

function readWallClock(instant: number, zone: Zone): WallClock {
  return zone.kind === 'offset' ? utcWallClock(instant + zone.offsetMs) : zoneWallClock(instant, zone.name);
}

function getOffsetMs(instant: number, zone: Zone): number {
  return zone.kind === 'offset' ? zone.offsetMs : zoneOffsetMs(instant, zone.name);
}

/**
 * Every instant that shows `wall` in `zone`, earliest first: two during a fall-back overlap, and
 * during a spring-forward gap the instant the same distance past the jump (2:30 → 3:30).
 */
function listInstants(wall: WallClock, zone: Zone): number[] {
  const local = wallClockAsUtc(wall);
  const offsetBefore = getOffsetMs(local - DAY_MS, zone);
  const offsetAfter = getOffsetMs(local + DAY_MS, zone);
  const candidates = [...new Set([local - offsetBefore, local - offsetAfter])]
    .filter((instant) => wallClockAsUtc(readWallClock(instant, zone)) === local)
    .sort((a, b) => a - b);
  return candidates.length > 0 ? candidates : [local - offsetBefore];
}

function isValidDate(wall: WallClock): boolean {
  const date = new Date(wallClockAsUtc(wall));
  return date.getUTCMonth() + 1 === wall.month && date.getUTCDate() === wall.day;
}

function resolveDate(wall: WallClock, zone: Zone): number | null {
  return isValidDate(wall) ? (listInstants(wall, zone)[0] ?? null) : null;
}

/** The occurrence nearest to now that is not more than a day in the past ("Jan 3" on Dec 30 is next year). */
function resolveYearlessDate(month: number, day: number, time: ClockTime, zone: Zone, now: number): number | null {
  const currentYear = readWallClock(now, zone).year;
  let best: number | null = null;
  // Up to four years ahead so that "Feb 29" finds a leap year.
  for (let year = currentYear - 1; year <= currentYear + 4; year++) {
    const instant = resolveDate({ year, month, day, ...time }, zone);
    if (instant === null || instant < now - DAY_MS) continue;
    if (best === null || instant < best) best = instant;
  }
  return best;
}

/** The next occurrence of a wall-clock time after now in `zone`. */
function resolveNextTime(time: ClockTime, zone: Zone, now: number): number {
  const today = readWallClock(now, zone);
  const candidates: number[] = [];
  for (let dayOffset = 0; dayOffset <= 2; dayOffset++) {
    const date = utcWallClock(Date.UTC(today.year, today.month - 1, today.day + dayOffset));
    candidates.push(...listInstants({ ...date, ...time }, zone));
  }
  const upcoming = candidates.filter((instant) => instant > now - SHOWN_MINUTE_GRACE_MS);
  return Math.min(...upcoming);
}
