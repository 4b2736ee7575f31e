import type { LimitKind, LimitSeverity, ResetPrecision } from './facts.js';
import { WINDOW_ORDER } from './limit-windows.js';

/** Limits that are not a subscription's window: prepaid credits and the API's own rate limits. */
const NOT_SUBSCRIPTION_WINDOWS: ReadonlySet<LimitKind> = new Set(['credits', 'api_rate_limit', 'server_rate_limit']);

/**
 * One limit, however many reported it. The transcript, a hook, the screen, a print event and the
 * statusline often report the same limit within seconds; the session, its event log and the
 * ledger each keep it once, merged by these rules.
 */

/** A report of a limit, as the session, the event log and the ledger hold one. */
export interface LimitReport {
  kind: LimitKind;
  severity: LimitSeverity;
  resetsAt: number | null;
  resetPrecision: ResetPrecision;
  text: string | null;
  source: string;
  utilization: number | null;
  observedAt: number;
}

/** Reports of one event arrive within seconds of each other; a later one is a new event. */
export const SAME_LIMIT_EVENT_MS = 60_000;

/** Whether two reports, of one session or account, are of one limit event. */
export function isSameLimitEvent(a: Pick<LimitReport, 'severity' | 'kind' | 'observedAt'>, b: Pick<LimitReport, 'severity' | 'kind' | 'observedAt'>): boolean {
  return a.severity === b.severity && Math.abs(a.observedAt - b.observedAt) <= SAME_LIMIT_EVENT_MS && isSameWindow(a.kind, b.kind);
}

/** The windows of a subscription; a report that names none ("You've hit your limit") may be any of them. */
const SUBSCRIPTION_WINDOWS: ReadonlySet<LimitKind> = new Set(WINDOW_ORDER.filter((kind) => !NOT_SUBSCRIPTION_WINDOWS.has(kind)));

function isSameWindow(a: LimitKind, b: LimitKind): boolean {
  if (a === b) return true;
  return (a === 'subscription' && SUBSCRIPTION_WINDOWS.has(b)) || (b === 'subscription' && SUBSCRIPTION_WINDOWS.has(a));
}

/**
 * How much a report says: a named window, then a reset time, then a structured source (an event,
 * a header, a transcript field) over words read off a screen or out of text.
 */
export function limitDetail(report: Pick<LimitReport, 'kind' | 'resetsAt' | 'source'>): number {
  const specificWindow = report.kind !== 'subscription' ? 4 : 0;
  const reset = report.resetsAt !== null ? 2 : 0;
  const structured = report.source !== 'screen' && report.source !== 'print-text' ? 1 : 0;
  return specificWindow + reset + structured;
}

/**
 * Two reports of one event as one: the fuller report stands, and adds what only the other said
 * (its words, a reset, the share used). The reset instant is the most exact one given, whichever
 * came first: an epoch names the second, a time read from text only the minute.
 */
export function mergeLimitReports<T extends LimitReport>(current: T, observed: T): T {
  const [better, other] = limitDetail(observed) >= limitDetail(current) ? [observed, current] : [current, observed];
  const sameWindow = isSameWindow(other.kind, better.kind);
  const reset = sameWindow ? exactReset(better, other) : { resetsAt: better.resetsAt, resetPrecision: better.resetPrecision };
  return {
    ...better,
    text: better.text ?? other.text,
    ...reset,
    utilization: better.utilization ?? (sameWindow ? other.utilization : null),
    observedAt: Math.max(current.observedAt, observed.observedAt),
  };
}

function exactReset(better: LimitReport, other: LimitReport): Pick<LimitReport, 'resetsAt' | 'resetPrecision'> {
  if (other.resetsAt !== null && (better.resetsAt === null || (better.resetPrecision === 'minute' && other.resetPrecision === 'second'))) {
    return { resetsAt: other.resetsAt, resetPrecision: other.resetPrecision };
  }
  return { resetsAt: better.resetsAt, resetPrecision: better.resetPrecision };
}
