/**
 * What a wall clock in a named time zone shows at an instant, and so the zone's offset there.
 * Intl is the only source of zone rules; one formatter per zone is kept, since creating one loads
 * the zone database.
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

export function zoneWallClock(instant: number, zone: string): WallClock {
  const fields: Record<string, number> = {};
  for (const part of zoneFormatter(zone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return {
    year: fields['year'] ?? 1970,
    month: fields['month'] ?? 1,
    day: fields['day'] ?? 1,
    // Some engines write midnight as 24 even with h23.
    hour: (fields['hour'] ?? 0) % 24,
    minute: fields['minute'] ?? 0,
    second: fields['second'] ?? 0,
  };
}

export function wallClockAsUtc(wall: WallClock): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

/** How far the zone's clock is ahead of UTC at an instant, in ms (the clock shows whole seconds). */
export function zoneOffsetMs(instant: number, zone: string): number {
  return wallClockAsUtc(zoneWallClock(instant, zone)) - Math.floor(instant / 1000) * 1000;
}
