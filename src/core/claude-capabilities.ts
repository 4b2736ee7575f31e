/**
 * What a Claude Code version lets us add to its command line, from its release notes and the
 * published packages. Adding something a version does not know would change what Claude does:
 * an unknown option stops it, and an unknown hook event makes every version before 2.1.101 drop
 * the whole settings source (from 2.0.72 behind a blocking dialog). So each addition is gated on
 * the first version that has it, and a version we cannot tell gets none.
 */

/** The hook events we listen to, with the first version that fires each. */
export const HOOK_EVENT_SINCE = {
  Stop: '1.0.38',
  PreToolUse: '1.0.38',
  PostToolUse: '1.0.38',
  Notification: '1.0.38',
  UserPromptSubmit: '1.0.54',
  SessionStart: '1.0.62',
  SessionEnd: '1.0.85',
  StopFailure: '2.1.78',
  // Fires as a permission prompt is drawn; earlier versions say it only by Notification, seconds later.
  PermissionRequest: '2.0.45',
} as const;

export type WatchedHookEvent = keyof typeof HOOK_EVENT_SINCE;

/**
 * `--settings` took only a file from 1.0.61 and also inline JSON from 1.0.69, which is how we
 * pass ours. `--session-id <uuid>` is in the 1.0.53 package (not in 1.0.51; 1.0.52 was never
 * published).
 */
const SETTINGS_FLAG_SINCE = '1.0.69';
const SESSION_ID_FLAG_SINCE = '1.0.53';

export interface ClaudeCapabilities {
  settingsFlag: boolean;
  sessionIdFlag: boolean;
  hookEvents: WatchedHookEvent[];
}

export function capabilitiesOf(version: string | null): ClaudeCapabilities {
  if (version === null) return { settingsFlag: false, sessionIdFlag: false, hookEvents: [] };
  const since = (first: string): boolean => compareVersions(version, first) >= 0;
  const settingsFlag = since(SETTINGS_FLAG_SINCE);
  return {
    settingsFlag,
    sessionIdFlag: since(SESSION_ID_FLAG_SINCE),
    hookEvents: settingsFlag ? (Object.keys(HOOK_EVENT_SINCE) as WatchedHookEvent[]).filter((event) => since(HOOK_EVENT_SINCE[event])) : [],
  };
}

const VERSION = /(\d+)\.(\d+)\.(\d+)/;

/** -1, 0 or 1 as `a` is older than, the same as or newer than `b`; text around the numbers is ignored. */
export function compareVersions(a: string, b: string): number {
  const parts = (value: string): number[] => (VERSION.exec(value)?.slice(1) ?? ['0', '0', '0']).map(Number);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) {
    const diff = (x[i] ?? 0) - (y[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}
