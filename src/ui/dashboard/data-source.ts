import type { DailyUsage } from '../../core/daily-usage.js';
import type { LiveView } from '../../core/live-view.js';
import type { RecentBlocks } from '../../core/recent-blocks.js';
import type { SessionEvent } from '../../core/session-events.js';
import type { SessionListRow, SessionView } from '../../core/session-view.js';

/** A state file's document as current_session.json holds it. */
export interface CurrentSessionDocument {
  status: string;
  data: SessionView;
  updatedAt: string;
}

export interface DashboardHealth {
  status: 'ok';
  version: string;
  time: string;
  /** When transcripts were last read into the history by this dashboard; null before the first time. */
  historyImportedAt: string | null;
}

/**
 * What the dashboard reads, each call at the time given. The store implements it over the
 * database and the state files; tests give their own.
 */
export interface DashboardData {
  /** Days and the charts' times are in this zone. */
  timeZone: string;
  health(now: number): DashboardHealth;
  currentSession(): CurrentSessionDocument | null;
  /** The live picture `cw watch` shows, and the zone its times are shown in. */
  live(now: number): LiveView & { timeZone: string };
  sessions(limit: number, now: number): SessionListRow[];
  /** Our run id, Claude's session id, or a prefix of either. */
  session(reference: string, now: number): { session: SessionListRow; runs: string[]; events: SessionEvent[] } | null;
  stats(dayCount: number, now: number): DailyUsage;
  blocks(dayCount: number, now: number): RecentBlocks;
}
