import { Chalk, type ChalkInstance } from 'chalk';
import type { SessionView } from '../core/session-view.js';
import { printable } from '../core/text-escape.js';

/**
 * Colour for people, as chalk and the conventions decide it: FORCE_COLOR first (`cw --color` and
 * `--no-color` set it), a non-empty NO_COLOR next, then only a terminal that is not `dumb`. Our
 * colours are the basic sixteen, so any level above 0 paints them alike.
 */
export function createPainter(stream: { isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): ChalkInstance {
  return new Chalk({ level: colourWanted(stream, env) ? 1 : 0 });
}

function colourWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  const forced = env.FORCE_COLOR;
  // chalk's reading: empty or "true" forces colour, "false" or "0" forbids it, a number is a level.
  if (forced !== undefined) return forced === '' || forced === 'true' || (forced !== 'false' && Number.parseInt(forced, 10) > 0);
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** How wide a table may be: the terminal's width, COLUMNS in a pipe when set, else no limit. */
export function outputWidth(env: NodeJS.ProcessEnv = process.env, stream: NodeJS.WriteStream = process.stdout): number {
  return stream.isTTY ? stream.columns || 80 : Number(env.COLUMNS) || Infinity;
}

export function formatCost(costUsd: number | null): string {
  if (costUsd === null) return '-';
  return `$${costUsd < 1 ? costUsd.toFixed(4) : costUsd.toFixed(2)}`;
}

/** Memory sizes in binary units, as `ps` and `top` show them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

export function formatTokens(count: number): string {
  if (count < 1000) return String(count);
  if (count < 1_000_000) return `${(count / 1000).toFixed(1)}k`;
  return `${(count / 1_000_000).toFixed(2)}M`;
}

export function formatDuration(ms: number | null): string {
  if (ms === null || ms < 0) return '-';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

export function totalTokens(session: Pick<SessionView, 'inputTokens' | 'outputTokens' | 'cacheCreationTokens' | 'cacheReadTokens'>): number {
  return session.inputTokens + session.outputTokens + session.cacheCreationTokens + session.cacheReadTokens;
}

export function formatLimit(session: SessionView, now: number): string {
  const limit = session.rateLimit;
  if (!limit) return '-';
  const kind = printable(limit.kind);
  if (limit.resetsAt === null) return kind;
  const left = Date.parse(limit.resetsAt) - now;
  return left > 0 ? `${kind} ${formatDuration(left)}` : `${kind} (reset)`;
}

type PricedSession = Pick<SessionView, 'costUsd' | 'costSource' | 'unpricedModels'>;

/** Marks a cost that leaves out, or cannot check, a model with no price: never a silent guess. */
const UNPRICED_MARK = '!';

export function formatSessionCost(session: PricedSession): string {
  return formatCost(session.costUsd) + (session.unpricedModels.length > 0 ? UNPRICED_MARK : '');
}

/** The lines explaining UNPRICED_MARK for these sessions; none when every model had a price. */
export function unpricedFootnotes(sessions: readonly PricedSession[]): string[] {
  const hint = 'add a price in config.json (see `cw prices`)';
  // Claude's own total covers every model, by its own rates; a computed cost counted them as 0.
  const excluded = unpricedModelsOf(sessions.filter((session) => session.costSource !== 'claude'));
  const unchecked = unpricedModelsOf(sessions.filter((session) => session.costSource === 'claude'));
  const lines: string[] = [];
  if (excluded.length > 0) lines.push(`${UNPRICED_MARK} cost excludes unpriced model(s): ${excluded.join(', ')} — ${hint}`);
  if (unchecked.length > 0) lines.push(`${UNPRICED_MARK} cost as reported by Claude; no price to check it for: ${unchecked.join(', ')} — ${hint}`);
  return lines;
}

function unpricedModelsOf(sessions: readonly PricedSession[]): string[] {
  return [...new Set(sessions.flatMap((session) => session.unpricedModels))].sort().map(printable);
}
