import { isUtcZone, zoneFormatter, zoneOffsetMs } from './zone-clock.js';

/**
 * Dates as a person in one time zone sees them: which local day, week and month an instant falls
 * in, and where a local day begins. Offsets come from the zone clock (zone-clock.ts), which keeps
 * them per day.
 */

const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** A calendar date with no time and no zone: days since 1970-01-01. */
export type DayNumber = number;

export class Calendar {
  readonly timeZone: string;

  constructor(timeZone: string) {
    this.timeZone = timeZone;
  }

  /** How far local time is ahead of UTC at an instant, in ms. */
  offsetAt(at: number): number {
    return zoneOffsetMs(at, this.timeZone);
  }

  dayOf(at: number): DayNumber {
    return Math.floor((at + this.offsetAt(at)) / DAY_MS);
  }

  /** The instant local day `day` begins (usually midnight; later where midnight was skipped). */
  startOfDay(day: DayNumber): number {
    const guess = day * DAY_MS;
    // Local midnight is UTC midnight minus the offset; the offset at that instant may differ from
    // the offset at the guess, so settle it in two steps.
    let at = guess - this.offsetAt(guess);
    at = guess - this.offsetAt(at);
    return this.dayOf(at) < day ? at + HOUR_MS : at;
  }
}

/** `YYYY-MM-DD` of a day number. */
export function formatDay(day: DayNumber): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function formatMonth(day: DayNumber): string {
  return formatDay(day).slice(0, 7);
}

/** The Monday (ISO 8601) that begins the week holding `day`. */
export function weekStartOf(day: DayNumber): DayNumber {
  // 1970-01-01 was a Thursday: day 0 is weekday 3 counting from Monday.
  return day - ((((day + 3) % 7) + 7) % 7);
}

/** `2026-11-30` or `20261130`, checked to be a real date. */
export function parseDay(text: string): DayNumber | null {
  const match = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const at = Date.UTC(year, month - 1, day);
  const date = new Date(at);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return at / DAY_MS;
}

/**
 * The zone dates are shown in when none is asked for: the configured one, else TZ, else the
 * system's. A broken name falls through to the next, so a typo never stops a report.
 */
export function preferredTimeZone(configured: unknown, tz: string | undefined): string {
  for (const candidate of [configured, tz?.replace(/^:/, '')]) {
    if (typeof candidate === 'string' && candidate !== '' && isTimeZone(candidate)) return candidate;
  }
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** True for a time zone name Intl knows (`Europe/Berlin`, `UTC`). */
export function isTimeZone(name: string): boolean {
  if (isUtcZone(name)) return true;
  try {
    zoneFormatter(name);
    return true;
  } catch {
    return false;
  }
}
