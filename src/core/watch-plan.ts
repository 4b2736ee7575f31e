import type { ClaudeArgsInfo } from './claude-args.js';
import type { ClaudeCapabilities, WatchedHookEvent } from './claude-capabilities.js';

/**
 * How a wrapped session learns which Claude session and transcript are its own, best first:
 * - `stream`: print mode with JSON output names the session in its own events.
 * - `hooks`: hooks added through `--settings` report the session id and transcript path.
 * - `session-id`: we choose the session id (`--session-id`), so the transcript's name is known.
 * - `transcript-scan`: the newest transcript created in the project's folder after our start.
 * Each step down is taken only when the one above is unavailable or turned off.
 */
export type IdentifyMethod = 'stream' | 'hooks' | 'session-id' | 'transcript-scan';

export type UserSettings =
  | { kind: 'none' }
  | { kind: 'parsed'; value: Record<string, unknown> }
  | { kind: 'unreadable'; reason: string };

export interface WatchPlanInput {
  args: readonly string[];
  info: ClaudeArgsInfo;
  capabilities: ClaudeCapabilities;
  /** Why we may not change Claude's arguments at all (config or environment), or null. */
  argsLocked: string | null;
  /** Why hooks may not be used (the user turned them off somewhere), or null. */
  hooksBlocked: string | null;
  /** What the user passed with `--settings`, read. */
  userSettings: UserSettings;
  /** The shell command each hook runs. */
  hookCommand: string;
  newSessionId: () => string;
}

export interface WatchPlan {
  method: IdentifyMethod;
  /** Claude's arguments as they will be passed. */
  args: string[];
  /** Why the method above it was not used; for `cw doctor` and the log. */
  reason: string;
  /** The session id we chose (`session-id` method). */
  claudeSessionId: string | null;
  hookEvents: WatchedHookEvent[];
}

const HOOK_TIMEOUT_SECONDS = 10;

export function planWatch(input: WatchPlanInput): WatchPlan {
  const { info, capabilities } = input;
  const unchanged = { args: [...input.args], claudeSessionId: null, hookEvents: [] };
  if (info.print && info.outputFormat !== 'text') return { ...unchanged, method: 'stream', reason: 'print mode reports the session in its JSON events' };
  if (input.argsLocked !== null) return { ...unchanged, method: 'transcript-scan', reason: input.argsLocked };

  const hooksUnavailable = whyNoHooks(input);
  if (hooksUnavailable === null) {
    const hookEvents = capabilities.hookEvents;
    const settings = withOurHooks(input.userSettings.kind === 'parsed' ? input.userSettings.value : {}, hookEvents, input.hookCommand);
    return { method: 'hooks', args: withSettingsArg(input.args, JSON.stringify(settings)), reason: 'hooks added through --settings', claudeSessionId: null, hookEvents };
  }
  if (capabilities.sessionIdFlag && !info.resumes && !info.sessionIdGiven) {
    const claudeSessionId = input.newSessionId();
    return {
      method: 'session-id',
      args: ['--session-id', claudeSessionId, ...input.args],
      reason: hooksUnavailable,
      claudeSessionId,
      hookEvents: [],
    };
  }
  const sessionIdUnavailable = !capabilities.sessionIdFlag ? 'this claude has no --session-id' : 'the session is resumed or its id is given';
  return { ...unchanged, method: 'transcript-scan', reason: `${hooksUnavailable}; ${sessionIdUnavailable}` };
}

function whyNoHooks(input: WatchPlanInput): string | null {
  if (input.hooksBlocked !== null) return input.hooksBlocked;
  if (!input.capabilities.settingsFlag) return 'this claude has no --settings option';
  if (!input.capabilities.hookEvents.includes('SessionStart')) return 'this claude has no SessionStart hook';
  if (input.info.bare) return '--bare skips hooks';
  if (input.info.settingsArgs.length > 1) return '--settings is given more than once';
  if (input.userSettings.kind === 'unreadable') return `the --settings given cannot be read (${input.userSettings.reason})`;
  if (input.userSettings.kind === 'parsed' && input.userSettings.value.disableAllHooks === true) return 'the --settings given disables hooks';
  return null;
}

/** The user's settings with one more hook group per event; theirs stay first and untouched. */
export function withOurHooks(settings: Record<string, unknown>, events: readonly WatchedHookEvent[], command: string): Record<string, unknown> {
  const hooks = isPlainObject(settings.hooks) ? { ...settings.hooks } : {};
  for (const event of events) {
    const groups = Array.isArray(hooks[event]) ? (hooks[event] as unknown[]) : [];
    hooks[event] = [...groups, { hooks: [{ type: 'command', command, timeout: HOOK_TIMEOUT_SECONDS }] }];
  }
  return { ...settings, hooks };
}

/** Replaces the user's `--settings` value (they are merged into it) or adds one at the front. */
function withSettingsArg(args: readonly string[], json: string): string[] {
  const out = [...args];
  for (let i = 0; i < out.length; i++) {
    const arg = out[i]!;
    if (arg === '--') break;
    if (arg === '--settings' && i + 1 < out.length) {
      out[i + 1] = json;
      return out;
    }
    if (arg.startsWith('--settings=')) {
      out[i] = `--settings=${json}`;
      return out;
    }
  }
  return ['--settings', json, ...out];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Quotes a word for the POSIX shell Claude runs hook commands with. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
