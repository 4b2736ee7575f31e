/**
 * Instants as text in the one zone a command shows times in (`--timezone`, else the config's
 * `timezone`, else TZ, else the system's: commands/options/history-options.ts). Each style's
 * formatter is made once per zone, since creating one loads the zone's rules.
 */
export interface ZoneTime {
  readonly timeZone: string;
  /** `14:05` */
  clock(at: number): string;
  /** `14:05:09` */
  clockWithSeconds(at: number): string;
  /** `2026-11-27 14:05:09` */
  dateTime(at: number): string;
  /** `14:05` within a day of `now`, else `Thu 27 Nov 14:05`: enough to tell when a reset comes. */
  when(at: number, now: number): string;
}

const DAY_MS = 86_400_000;

export function zoneTime(timeZone: string): ZoneTime {
  const clock = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const seconds = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  // Swedish writes dates the ISO way: 2026-11-27 14:05:09.
  const full = new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  const dated = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return {
    timeZone,
    clock: (at) => clock.format(new Date(at)),
    clockWithSeconds: (at) => seconds.format(new Date(at)),
    dateTime: (at) => full.format(new Date(at)),
    when: (at, now) => (Math.abs(at - now) < DAY_MS ? clock.format(new Date(at)) : dated.format(new Date(at)).replace(',', '')),
  };
}
