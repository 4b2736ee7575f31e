import type { ChalkInstance } from 'chalk';
import type { BlockGauge, GaugeProjection } from '../core/block-gauge.js';
import { windowName } from '../core/limit-windows.js';
import { formatDuration, formatTokens } from './format.js';
import type { ZoneTime } from '../core/zone-time.js';

/**
 * Claude's limit windows as lines of text, the same in `cw status`, `cw watch` and `cw blocks`:
 * the window, Claude's own share used, the server's word for it, and when it resets.
 */
export interface WindowRow {
  kind: string;
  utilization: number;
  resetsAt: number | null;
  status: string;
}

const STATUS_WORDS: Record<string, string> = { allowed: 'ok', allowed_warning: 'warning', rejected: 'limit reached' };

export function windowStatusWord(status: string): string {
  return STATUS_WORDS[status] ?? status;
}

/** `93%`, coloured by how close to the wall it is. */
export function windowPercent(utilization: number, paint: ChalkInstance): string {
  const percent = Math.round(utilization * 100);
  const text = `${percent}%`;
  return percent >= 100 ? paint.red.bold(text) : percent >= 80 ? paint.yellow(text) : paint.green(text);
}

/** `resets 14:05 (1h52m left)` */
export function windowReset(resetsAt: number | null, now: number, time: ZoneTime): string {
  return resetsAt === null ? 'reset time unknown' : `resets ${time.when(resetsAt, now)} (${formatDuration(resetsAt - now)} left)`;
}

/** One aligned line per window, names padded to the longest. */
export function windowLines(rows: readonly WindowRow[], options: { now: number; time: ZoneTime; paint: ChalkInstance; indent?: string }): string[] {
  const names = rows.map((row) => windowName(row.kind));
  const nameWidth = Math.max(0, ...names.map((name) => name.length));
  return rows.map((row, index) => {
    const percent = windowPercent(row.utilization, options.paint);
    const pad = ' '.repeat(Math.max(0, 4 - String(Math.round(row.utilization * 100)).length - 1));
    const word = windowStatusWord(row.status);
    const status = row.status === 'rejected' ? options.paint.red(word) : row.status === 'allowed_warning' ? options.paint.yellow(word) : word;
    return `${options.indent ?? '  '}${names[index]!.padEnd(nameWidth)}  ${pad}${percent}  ${status}  ${windowReset(row.resetsAt, options.now, options.time)}`;
  });
}

/** Where a limit figure came from, in words. */
export function limitSourceWord(source: string): string {
  return source === 'claude' ? 'Claude' : source === 'given' ? 'configured limit' : source === 'learned' ? 'learned limit' : source === 'highest-block' ? 'highest block so far' : source;
}

/** `62% used (Claude)` */
export function gaugeUsed(gauge: BlockGauge): string {
  return gauge.fill === null ? 'no limit known' : `${Math.round(gauge.fill.share * 100)}% used (${limitSourceWord(gauge.fill.source)})`;
}

/** Our figure beside Claude's, labelled: `ours ≈ 48% of 4.2M tok (learned limit)`; null when there is no pair to show. */
export function gaugeOurs(gauge: BlockGauge): string | null {
  if (gauge.ours === null) return null;
  const approx = gauge.ours.source === 'given' ? '' : '≈ ';
  return gauge.claude !== null
    ? `ours ${approx}${Math.round(gauge.ours.share * 100)}% of ${formatTokens(gauge.ours.limitTokens)} tok (${limitSourceWord(gauge.ours.source)})`
    : `${formatTokens(gauge.ours.tokens)} of ${approx}${formatTokens(gauge.ours.limitTokens)} tok`;
}

/** When the limit comes at the current rate, or what a projection still needs. */
export function gaugeProjection(projection: GaugeProjection, clock: (at: number) => string, paint: ChalkInstance): string {
  const estimate = (basis: 'claude' | 'ours'): string => (basis === 'ours' ? ' (our estimate)' : '');
  switch (projection.state) {
    case 'reached':
      return paint.red.bold('limit reached');
    case 'reached-at':
      return paint.red(`at this rate the limit is reached at ${clock(projection.at)}${estimate(projection.basis)}`);
    case 'holds':
      return paint.green(`at this rate the window ends before the limit${estimate(projection.basis)}`);
    case 'too-little-data':
      return paint.dim(`no projection yet: it needs ${formatDuration(projection.needMs)} of use (${formatDuration(projection.haveMs)} so far)`);
    case 'no-limit':
      return paint.dim(`no limit known: set planLimits.tokensPerBlock, or one is learned after ${projection.needBlocks} finished blocks (${projection.haveBlocks} so far)`);
  }
}
