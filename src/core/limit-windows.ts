import type { FactSource, LimitKind, LimitWindowFact, WindowReading, WindowStatus } from './facts.js';

export type { WindowReading } from './facts.js';

/**
 * Claude's own readings of its usage windows: how much of each is used, when it resets, and
 * whether the server still allows it. They arrive from the statusline input (`rate_limits`), from
 * print mode's `rate_limit_event` (its `rateLimitType` and every entry of `unifiedWindows`), and
 * from the unified response headers a transcript's error line keeps. Pure.
 */

/** The windows in the order people think of them: the session window, then the weeks, then the rest. */
export const WINDOW_ORDER: readonly LimitKind[] = [
  'five_hour',
  'seven_day',
  'seven_day_opus',
  'seven_day_sonnet',
  'seven_day_overage_included',
  'seven_day_oauth_apps',
  'overage',
  'credits',
  'subscription',
  'api_rate_limit',
  'server_rate_limit',
];

/** Short names for narrow places (the statusline), long ones for lists. */
const WINDOW_NAMES: Record<LimitKind, { short: string; long: string }> = {
  five_hour: { short: '5h', long: '5-hour' },
  seven_day: { short: '7d', long: 'weekly' },
  seven_day_opus: { short: '7d Opus', long: 'weekly Opus' },
  seven_day_sonnet: { short: '7d Sonnet', long: 'weekly Sonnet' },
  seven_day_overage_included: { short: '7d incl. extra', long: 'weekly (extra usage included)' },
  seven_day_oauth_apps: { short: '7d apps', long: 'weekly (apps)' },
  overage: { short: 'extra', long: 'extra usage' },
  credits: { short: 'credits', long: 'spend cap' },
  subscription: { short: 'plan', long: 'plan' },
  api_rate_limit: { short: 'API', long: 'API rate' },
  server_rate_limit: { short: 'server', long: 'server' },
};

export function windowName(kind: string, length: 'short' | 'long' = 'long'): string {
  return Object.hasOwn(WINDOW_NAMES, kind) ? WINDOW_NAMES[kind as LimitKind][length] : kind;
}

export const WINDOW_STATUSES: readonly WindowStatus[] = ['allowed', 'allowed_warning', 'rejected'];

function readStatus(value: unknown): WindowStatus | null {
  return typeof value === 'string' && (WINDOW_STATUSES as readonly string[]).includes(value) ? (value as WindowStatus) : null;
}

/** `rateLimitType` and `unifiedWindows` keys, and statusline `rate_limits` keys, as the kinds they name. */
const CLAUDE_WINDOW_KINDS: Readonly<Record<string, LimitKind>> = Object.freeze({
  five_hour: 'five_hour',
  seven_day: 'seven_day',
  seven_day_opus: 'seven_day_opus',
  seven_day_sonnet: 'seven_day_sonnet',
  seven_day_overage_included: 'seven_day_overage_included',
  seven_day_oauth_apps: 'seven_day_oauth_apps',
  overage: 'overage',
});

export function windowKindOf(name: string): LimitKind | null {
  return Object.hasOwn(CLAUDE_WINDOW_KINDS, name) ? CLAUDE_WINDOW_KINDS[name]! : null;
}

/** Header infixes of the windows the unified headers carry (`anthropic-ratelimit-unified-5h-utilization`). */
const HEADER_WINDOWS: ReadonlyArray<[LimitKind, string]> = [
  ['five_hour', '5h'],
  ['seven_day', '7d'],
  ['seven_day_overage_included', '7d_oi'],
  ['overage', 'overage'],
];

/** Seconds (as Claude sends them) or milliseconds, to epoch ms; null for anything else. */
export function epochMsOf(value: unknown): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return null;
  const ms = value > 1e12 ? value : value * 1000;
  return Number.isFinite(new Date(ms).getTime()) ? Math.round(ms) : null;
}

function windowFact(kind: LimitKind, utilization: number, resetsAt: number | null, status: WindowStatus | null, source: FactSource, at: number): LimitWindowFact {
  return { kind: 'limit-window', source, window: kind, utilization, resetsAt, ...(status === null ? {} : { status }), at };
}

const isShare = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

/**
 * A `rate_limit_event`'s `rate_limit_info`: the window it names (`rateLimitType`, with the top
 * level's utilization and status) and each entry of `unifiedWindows` (2.1.x), which are tracked
 * on every response whether or not they limit.
 */
export function windowFactsFromRateLimitInfo(info: Record<string, unknown>, at: number, source: FactSource): LimitWindowFact[] {
  const facts = new Map<LimitKind, LimitWindowFact>();
  const named = typeof info.rateLimitType === 'string' ? windowKindOf(info.rateLimitType) : null;
  if (named !== null && isShare(info.utilization)) {
    facts.set(named, windowFact(named, info.utilization, epochMsOf(info.resetsAt), readStatus(info.status), source, at));
  }
  const unified = info.unifiedWindows;
  if (typeof unified === 'object' && unified !== null && !Array.isArray(unified)) {
    for (const [name, entry] of Object.entries(unified)) {
      const kind = windowKindOf(name);
      if (kind === null || typeof entry !== 'object' || entry === null) continue;
      const window = entry as Record<string, unknown>;
      if (!isShare(window.utilization)) continue;
      // Each window's own entry is the fuller reading of it.
      facts.set(kind, windowFact(kind, window.utilization, epochMsOf(window.resetsAt), readStatus(window.status), source, at));
    }
  }
  return [...facts.values()];
}

/** The unified headers of a response, as a transcript's error line keeps them. */
export function windowFactsFromHeaders(headers: Record<string, unknown>, at: number, source: FactSource): LimitWindowFact[] {
  const read = (name: string): string | null => {
    const value = headers[name] ?? headers[name.toLowerCase()];
    return typeof value === 'string' && value.trim() !== '' ? value : null;
  };
  const facts: LimitWindowFact[] = [];
  for (const [kind, infix] of HEADER_WINDOWS) {
    const utilization = Number(read(`anthropic-ratelimit-unified-${infix}-utilization`));
    if (read(`anthropic-ratelimit-unified-${infix}-utilization`) === null || !isShare(utilization)) continue;
    const reset = epochMsOf(Number(read(`anthropic-ratelimit-unified-${infix}-reset`)));
    facts.push(windowFact(kind, utilization, reset, readStatus(read(`anthropic-ratelimit-unified-${infix}-status`)), source, at));
  }
  return facts;
}

/** A reading without a reset time is trusted this long; a window's reading never outlives its reset. */
const UNDATED_READING_MS = 5 * 3_600_000;

/** Whether a reading still describes the window as it is now. */
export function isCurrentReading(reading: Pick<WindowReading, 'resetsAt' | 'observedAt'>, now: number): boolean {
  return reading.resetsAt === null ? now - reading.observedAt <= UNDATED_READING_MS : reading.resetsAt > now;
}

/**
 * The latest current reading of each window among several (sessions of one account, the
 * statusline input), in WINDOW_ORDER. A later reading of a window replaces an earlier one.
 */
export function currentWindows(readings: Iterable<WindowReading>, now: number): WindowReading[] {
  const byKind = new Map<LimitKind, WindowReading>();
  for (const reading of readings) {
    if (!isCurrentReading(reading, now)) continue;
    const known = byKind.get(reading.kind);
    if (known === undefined || reading.observedAt > known.observedAt) byKind.set(reading.kind, reading);
  }
  return [...byKind.values()].sort((a, b) => WINDOW_ORDER.indexOf(a.kind) - WINDOW_ORDER.indexOf(b.kind));
}

/** The status a reading implies when its source did not say: spent is rejected, else what was last said of the same window. */
export function statusOfReading(utilization: number, given: WindowStatus | undefined, previous: Pick<WindowReading, 'status' | 'resetsAt'> | undefined, resetsAt: number | null): WindowStatus {
  if (given !== undefined) return given;
  if (utilization >= 1) return 'rejected';
  // The statusline gives no status; a warning the server gave for this same window still stands.
  if (previous?.status === 'allowed_warning' && previous.resetsAt === resetsAt) return 'allowed_warning';
  return 'allowed';
}
