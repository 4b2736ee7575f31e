import type { Session } from './api.js';
import { state } from './state.js';

export function money(value: number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  return `$${value < 1 ? value.toFixed(4) : value.toFixed(2)}`;
}

export function tokens(count: number | null | undefined): string {
  if (count === null || count === undefined) return '-';
  if (count < 1000) return String(Math.round(count));
  if (count < 1_000_000) return `${(count / 1000).toFixed(1)}k`;
  return `${(count / 1_000_000).toFixed(2)}M`;
}

function pad(n: number): string {
  return (n < 10 ? '0' : '') + String(n);
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || ms < 0) return '-';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${pad(s % 60)}s`;
  return `${Math.floor(m / 60)}h ${pad(m % 60)}m`;
}

export function countdown(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

export function clockTime(at: number, withSeconds = false): string {
  return new Date(at).toLocaleTimeString([], { timeZone: state.timeZone, hour: '2-digit', minute: '2-digit', ...(withSeconds ? { second: '2-digit' } : {}) });
}

export function dateTime(at: number): string {
  const d = new Date(at);
  return `${d.toLocaleDateString([], { timeZone: state.timeZone, month: 'short', day: 'numeric' })} ${clockTime(at, true)}`;
}

export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

export function shortModel(model: string | null | undefined): string {
  return model ? model.replace(/^claude-/, '').replace(/-[0-9]{8}$/, '') : '-';
}

export function sessionTokens(s: Session): number {
  return s.inputTokens + s.outputTokens + s.cacheCreationTokens + s.cacheReadTokens;
}

/** A run's project (where it ran), or what an imported session's transcripts name. */
export function projectOf(s: Session | { projectPath: string | null; cwd: string }): string {
  if ('source' in s && s.source === 'imported') return s.project || '-';
  return s.projectPath || s.cwd;
}
