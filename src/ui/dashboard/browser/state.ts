import type { Live } from './api.js';

/** What the page holds between one event and the next. */
export interface PageState {
  live: Live | null;
  /** The server's clock minus ours: clocks and countdowns follow the server's. */
  skew: number;
  /** The live sessions' ids, to notice one starting or ending. */
  liveKey: string | null;
  /** The session whose details are open. */
  selected: string | null;
  historyAt: number;
  sessionsAt: number;
  /** The zone the server shows times in (`--timezone`, config, TZ, the system's): the page shows the same. */
  timeZone: string | undefined;
}

export const state: PageState = { live: null, skew: 0, liveKey: null, selected: null, historyAt: 0, sessionsAt: 0, timeZone: undefined };

export function serverNow(): number {
  return Date.now() + state.skew;
}
