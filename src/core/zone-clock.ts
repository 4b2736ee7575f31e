/**
 * What a wall clock in a named time zone shows at an instant, and so the zone's offset there.
 * Intl is the only source of zone rules; one formatter per zone is kept, since creating one loads
 * the zone database, and offsets are kept per UTC day (else per hour) where they hold for all of
 * it: an offset changes at most twice a year and never twice in an hour, so a year of instants
 * costs a few hundred Intl calls, not one each. UTC needs none.
 */

export interface WallClock {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The formatter for a zone; throws a RangeError for a name Intl does not know. */
export function zoneFormatter(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** UTC by its other names: no zone rules needed (creating an Intl formatter loads the zone database, about 10 ms). */
const UTC_NAMES = new Set(['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/Universal', 'Universal', 'Zulu', 'Etc/Zulu']);

/** Whether a zone name is UTC under another name. */
export function isUtcZone(zone: string): boolean {
  return UTC_NAMES.has(zone);
}

export function zoneWallClock(instant: number, zone: string): WallClock {
  return utcWallClock(Math.floor(instant / 1000) * 1000 + zoneOffsetMs(instant, zone));
}

/** What a UTC clock shows at `ms`: a zone's wall clock once its offset is added. */
export function utcWallClock(ms: number): WallClock {
  const date = new Date(ms);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
  };
}

export function wallClockAsUtc(wall: WallClock): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

/** Per zone: the offset of each UTC day or hour seen, or null where it changes inside it. */
const offsetsByDay = new Map<string, Map<number, number | null>>();
const offsetsByHour = new Map<string, Map<number, number | null>>();

/** How far the zone's clock is ahead of UTC at an instant, in ms (the clock shows whole seconds). */
export function zoneOffsetMs(instant: number, zone: string): number {
  if (UTC_NAMES.has(zone)) return 0;
  const daily = spanOffset(offsetsByDay, zone, instant, DAY_MS);
  if (daily !== null) return daily;
  return spanOffset(offsetsByHour, zone, instant, HOUR_MS) ?? intlOffsetMs(instant, zone);
}

/** The offset over the whole span of `spanMs` holding `instant`, or null where it changes inside. */
function spanOffset(cache: Map<string, Map<number, number | null>>, zone: string, instant: number, spanMs: number): number | null {
  let spans = cache.get(zone);
  if (spans === undefined) cache.set(zone, (spans = new Map<number, number | null>()));
  const span = Math.floor(instant / spanMs);
  let offset = spans.get(span);
  if (offset === undefined) {
    const start = intlOffsetMs(span * spanMs, zone);
    offset = start === intlOffsetMs(span * spanMs + spanMs - 1, zone) ? start : null;
    spans.set(span, offset);
  }
  return offset;
}

function intlOffsetMs(instant: number, zone: string): number {
  const fields: Record<string, number> = {};
  for (const part of zoneFormatter(zone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const wall = Date.UTC(
    fields['year'] ?? 1970,
    (fields['month'] ?? 1) - 1,
    fields['day'] ?? 1,
    // Some engines write midnight as 24 even with h23.
    (fields['hour'] ?? 0) % 24,
    fields['minute'] ?? 0,
    fields['second'] ?? 0,
  );
  return wall - Math.floor(instant / 1000) * 1000;
}
