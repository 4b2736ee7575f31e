import { windowKindOf } from './limit-windows.js';
import type { SessionView } from './session-view.js';

/**
 * Whether a statusline reading tells the running session something its state does not show yet.
 * Claude refreshes the statusline many times a minute with the same numbers; only a change is
 * passed on, so the session's history gets one event per change, not one per refresh. A limit the
 * session has since seen lifted (Claude answered) is not asserted again by an unchanged reading.
 */
export function isNewLimitReading(windows: Record<string, { usedPercent: number; resetsAt: number | null }>, own: SessionView): boolean {
  for (const [name, window] of Object.entries(windows)) {
    if (windowKindOf(name) === null) continue;
    const known = own.limitWindows?.[name];
    const resetsAt = window.resetsAt === null ? null : new Date(window.resetsAt).toISOString();
    if (!known || known.utilization !== window.usedPercent / 100 || known.resetsAt !== resetsAt) return true;
  }
  return false;
}
