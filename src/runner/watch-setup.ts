import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClaudeArgsInfo } from '../core/claude-args.js';
import { capabilitiesOf } from '../core/claude-capabilities.js';
import { planWatch, shellQuote, type UserSettings, type WatchPlan } from '../core/watch-plan.js';
import { claudeConfigDir } from '../shared/claude-paths.js';
import { describeError } from '../shared/errors.js';
import type { Paths } from '../shared/paths.js';
import { detectClaudeVersion, type ClaudeVersion } from './claude-version.js';
import { snapshotProject, type ProjectSnapshot } from './project-snapshot.js';

type Env = Record<string, string | undefined>;

export interface WatchSetup {
  plan: WatchPlan;
  claude: ClaudeVersion;
  /** Where our hook commands append what they learn for this session. */
  inboxFile: string;
  project: ProjectSnapshot;
}

/** Managed settings of an organisation; hooks they forbid we do not add. */
const MANAGED_SETTINGS = '/etc/claude-code/managed-settings.json';

export function inboxFileOf(paths: Paths, sessionId: string): string {
  return join(paths.stateDir, 'inbox', `${sessionId}.jsonl`);
}

/** The hook command, shipped beside the shim (from dist/runner/ up to the package root). */
export function hookScriptPath(): string {
  return fileURLToPath(new URL('../../shims/claudewatch-hook', import.meta.url));
}

export function prepareWatch(options: {
  args: readonly string[];
  info: ClaudeArgsInfo;
  env: Env;
  cwd: string;
  config: Record<string, unknown>;
  realClaude: string;
  paths: Paths;
  sessionId: string;
}): WatchSetup {
  const { env, cwd, config, paths } = options;
  const inboxFile = inboxFileOf(paths, options.sessionId);
  // Print runs with JSON output name their session themselves: no version needs asking.
  const streams = options.info.print && options.info.outputFormat !== 'text';
  const claude: ClaudeVersion = streams ? { version: null, source: 'unknown' } : detectClaudeVersion(options.realClaude, { cacheFile: join(paths.stateDir, 'claude-versions.json'), env });
  const plan = planWatch({
    args: options.args,
    info: options.info,
    capabilities: capabilitiesOf(claude.version),
    argsLocked: argsLocked(env, config),
    hooksBlocked: hooksBlocked(env, config, cwd),
    userSettings: readUserSettings(options.info.settingsArgs[0], cwd),
    // Run through sh, so a copy that lost its executable bit still works.
    hookCommand: ['/bin/sh', hookScriptPath(), inboxFile, ...(config.capturePrompts === true ? ['--keep-prompt'] : [])].map(shellQuote).join(' '),
    newSessionId: randomUUID,
  });
  return { plan, claude, inboxFile, project: snapshotProject(env, cwd) };
}

function argsLocked(env: Env, config: Record<string, unknown>): string | null {
  if (env.CLAUDEWATCH_KEEP_ARGS === '1') return 'CLAUDEWATCH_KEEP_ARGS=1 keeps claude arguments unchanged';
  if (config.changeClaudeArgs === false) return 'config.json has "changeClaudeArgs": false';
  return null;
}

function hooksBlocked(env: Env, config: Record<string, unknown>, cwd: string): string | null {
  if (env.CLAUDEWATCH_NO_HOOKS === '1') return 'CLAUDEWATCH_NO_HOOKS=1 turns hooks off';
  if (config.hooks === false) return 'config.json has "hooks": false';
  const managed = readJsonObject(MANAGED_SETTINGS);
  if (managed?.allowManagedHooksOnly === true) return `${MANAGED_SETTINGS} allows managed hooks only`;
  const files = [
    MANAGED_SETTINGS,
    join(claudeConfigDir(env), 'settings.json'),
    join(cwd, '.claude', 'settings.json'),
    join(cwd, '.claude', 'settings.local.json'),
  ];
  for (const file of files) {
    if (readJsonObject(file)?.disableAllHooks === true) return `${file} disables hooks`;
  }
  return null;
}

/** `--settings` takes inline JSON or a file; either way we need its object to merge ours into. */
function readUserSettings(value: string | undefined, cwd: string): UserSettings {
  if (value === undefined) return { kind: 'none' };
  const inline = value.trimStart().startsWith('{');
  let text = value;
  if (!inline) {
    try {
      text = readFileSync(resolve(cwd, value), 'utf8');
    } catch (error) {
      return { kind: 'unreadable', reason: describeError(error) };
    }
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return { kind: 'parsed', value: parsed as Record<string, unknown> };
    return { kind: 'unreadable', reason: 'not a JSON object' };
  } catch (error) {
    return { kind: 'unreadable', reason: `not valid JSON: ${describeError(error)}` };
  }
}

function readJsonObject(file: string): Record<string, unknown> | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
