import { Calendar, formatDay, isTimeZone, parseDay, preferredTimeZone, type DayNumber } from '../../core/calendar.js';
import { UserError } from '../../shared/errors.js';
import type { UsageQuery } from '../../store/usage-records.js';

/** The options every history command shares, as `parseArgs` takes them. */
export const HISTORY_OPTIONS = {
  since: { type: 'string' },
  until: { type: 'string' },
  project: { type: 'string' },
  timezone: { type: 'string' },
  'skip-import': { type: 'boolean' },
} as const;

export interface HistoryScope {
  calendar: Calendar;
  /** Instants (ms): from the start of the first day, up to the start of the day after the last. */
  from?: number;
  to?: number;
  since: string | null;
  until: string | null;
  project: string | null;
  skipImport: boolean;
}

type Env = Record<string, string | undefined>;

/**
 * Reads `--since`, `--until` (days, inclusive, in the report's time zone: `2026-11-30`,
 * `20261130`, or `7d` / `2w` for the last days including today), `--project` and `--timezone`
 * (else the config's `timezone`, else TZ, else the system's).
 */
export function parseHistoryScope(
  command: string,
  values: { since?: string; until?: string; project?: string; timezone?: string; 'skip-import'?: boolean },
  context: { now: number; configuredTimeZone?: unknown; env?: Env },
): HistoryScope {
  const timeZone = resolveTimeZone(command, values.timezone, context.configuredTimeZone, context.env ?? process.env);
  const calendar = new Calendar(timeZone);
  const today = calendar.dayOf(context.now);
  const since = values.since === undefined ? null : parseDayOption(command, 'since', values.since, today);
  const until = values.until === undefined ? null : parseDayOption(command, 'until', values.until, today);
  if (since !== null && until !== null && since > until) {
    throw new UserError(`cw ${command}: --since ${formatDay(since)} is after --until ${formatDay(until)}.`, 2);
  }
  const project = values.project?.trim() || null;
  return {
    calendar,
    ...(since === null ? {} : { from: calendar.startOfDay(since) }),
    ...(until === null ? {} : { to: calendar.startOfDay(until + 1) }),
    since: since === null ? null : formatDay(since),
    until: until === null ? null : formatDay(until),
    project,
    skipImport: values['skip-import'] === true,
  };
}

/** The records a scope covers, as a query of the history. */
export function usageQueryOf(scope: HistoryScope): UsageQuery {
  return {
    ...(scope.from === undefined ? {} : { from: scope.from }),
    ...(scope.to === undefined ? {} : { to: scope.to }),
    ...(scope.project ? { project: scope.project } : {}),
  };
}

function parseDayOption(command: string, name: string, text: string, today: DayNumber): DayNumber {
  const relative = /^(\d+)([dw])$/.exec(text.trim());
  if (relative) {
    const days = Number(relative[1]) * (relative[2] === 'w' ? 7 : 1);
    if (days > 0) return today - days + 1;
  }
  const day = parseDay(text);
  if (day === null) throw new UserError(`cw ${command}: --${name} takes a date (2026-11-30 or 20261130) or a span back from today (7d, 2w), got "${text}".`, 2);
  return day;
}

export function resolveTimeZone(command: string, option: string | undefined, configured: unknown, env: Env): string {
  if (option !== undefined) {
    if (!isTimeZone(option)) throw new UserError(`cw ${command}: unknown time zone "${option}"; use a name like Europe/Berlin or UTC.`, 2);
    return option;
  }
  return preferredTimeZone(configured, env.TZ);
}
