import { readlinkSync } from 'node:fs';

/** A zone name as the tz database spells them: `UTC`, `Europe/Berlin`, `America/Argentina/Buenos_Aires`, `Etc/GMT+5`. */
const ZONE_NAME = /^[A-Za-z][\w+-]*(?:\/[\w+-]+)*$/;

/**
 * The zone local times are read in: TZ, else the system's. The system's comes from the link
 * /etc/localtime points through into the zone database, which is where the C library and ICU
 * look too; asking Intl first would load ICU's data, tens of milliseconds, on every run of the
 * shim. Where there is no such link, Intl is asked. Every use checks the name and falls back to
 * UTC, so an odd one costs a reading's zone, never a crash.
 */
export function localTimeZone(env: Record<string, string | undefined>, localtime = '/etc/localtime'): string {
  if (env.TZ) return env.TZ;
  try {
    const name = /\/zoneinfo\/(?:posix\/|right\/)?(.+)$/.exec(readlinkSync(localtime))?.[1];
    if (name !== undefined && ZONE_NAME.test(name)) return name;
  } catch {
    // Not a link (a copied file), or not there: Intl knows.
  }
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
