import { windowName } from '../core/limit-windows.js';
import type { StatuslineView } from '../core/statusline-view.js';
import { printable } from '../core/text-escape.js';

/**
 * The one line Claude shows under its prompt. Raw ANSI codes, not chalk: this runs on every
 * statusline refresh and must load nothing it can do without. Claude renders the colours; its
 * stdout is a pipe, so only NO_COLOR turns them off.
 */
const SEPARATOR = ' · ';

export function formatStatusline(view: StatuslineView, now: number, options: { color: boolean }): string {
  const paint = (code: string, text: string): string => (options.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const parts = [paint('36', printable(view.model ?? 'claude'))];
  if (view.costUsd !== null) parts.push(formatUsd(view.costUsd));
  for (const window of view.windows) {
    const percent = Math.round(window.usedPercent);
    // A spent window's countdown is the limit's, shown after the windows.
    const left = window.resetsAt === null || percent >= 100 ? '' : ` (${formatCountdown(window.resetsAt - now)})`;
    parts.push(`${windowName(window.kind, 'short')} ${paint(percent >= 90 ? '31' : percent >= 70 ? '33' : '32', `${percent}%`)}${left}`);
  }
  if (view.limit !== null) {
    const name = KNOWN_LIMIT.has(view.limit.kind) ? `${windowName(view.limit.kind)} limit` : 'limit';
    const when = view.limit.resetsAt === null ? 'reached' : `resets in ${formatCountdown(view.limit.resetsAt - now)}`;
    parts.push(paint('1;31', `${name} ${when}`));
  }
  if (view.continuesAt !== null) parts.push(paint('35', `continues in ${formatCountdown(view.continuesAt - now)}`));
  if (view.othersWaiting.length > 0) {
    const [first] = view.othersWaiting;
    const who = view.othersWaiting.length === 1 ? `${printable(first!)} waits for you` : `${view.othersWaiting.length} sessions wait for you (${printable(first!)} first)`;
    parts.push(paint('1;35', `⏸ ${who}`));
  }
  return parts.join(SEPARATOR);
}

/** Limits named by their window; any other kind ("subscription", "credits") is just "limit". */
const KNOWN_LIMIT = new Set(['five_hour', 'seven_day', 'seven_day_opus', 'seven_day_sonnet', 'seven_day_overage_included', 'overage']);

/** The fallback when anything went wrong: still a line, never an error in Claude's prompt area. */
export function minimalStatusline(model: string | null): string {
  return printable(model ?? 'claude');
}

function formatUsd(costUsd: number): string {
  return costUsd > 0 && costUsd < 0.01 ? '<$0.01' : `$${costUsd.toFixed(2)}`;
}

/** `3d 4h`, `2h 05m`, `7m`, `<1m`: only as precise as someone waiting needs. */
export function formatCountdown(ms: number): string {
  const minutes = Math.ceil(Math.max(0, ms) / 60_000);
  if (minutes < 1) return '<1m';
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

