import { dirname } from 'node:path';
import type { PriceOverrides } from '../core/pricing.js';
import { describeError } from './errors.js';
import { ensurePrivateDir, readRegularFile, writeFileAtomic } from './private-fs.js';

/**
 * The settings the runner needs at start-up, as the file has them: unchecked (core/config-schema.ts
 * checks them where they are shown), and unknown keys kept for other commands.
 */
export interface RunnerConfig {
  /** Absolute path of the real claude binary, used when CLAUDEWATCH_REAL_CLAUDE is not set; see configuredRealClaude. */
  realClaude?: unknown;
  /**
   * Model id → rates in USD per million tokens, over or beside the built-in price table. Kept as
   * the user wrote it: loadPriceTable checks each entry and skips a broken one with a message.
   */
  prices?: PriceOverrides;
}

export interface LoadedConfig {
  config: RunnerConfig & Record<string, unknown>;
  /**
   * Why the file as a whole cannot be used (unreadable, not JSON, not an object); the defaults
   * are used and the caller decides whom to tell. A bad setting is not one: validateConfig says.
   */
  problem?: string;
}

/**
 * config.json as written. A problem never quotes the file: config.json may be a link to a file
 * that is not ours to print (the JSON error's own message starts with the first bytes).
 */
export function loadConfig(file: string): LoadedConfig {
  let text: string | null;
  try {
    text = readRegularFile(file);
  } catch (error) {
    return { config: {}, problem: `cannot read ${file}: ${describeError(error)}` };
  }
  if (text === null) return { config: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { config: {}, problem: `${file} is not valid JSON${placeOfJsonError(error, text)}` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { config: {}, problem: `${file} must hold a JSON object` };
  }
  return { config: parsed as Record<string, unknown> };
}

/** The real claude the config names, when it names one as a path. */
export function configuredRealClaude(config: RunnerConfig): string | undefined {
  return typeof config.realClaude === 'string' && config.realClaude !== '' ? config.realClaude : undefined;
}

/** " (line 3, column 14)" from V8's "... at position 41"; nothing when it gives no position. */
function placeOfJsonError(error: unknown, text: string): string {
  const position = /at position (\d+)/.exec(describeError(error));
  if (!position) return '';
  const before = text.slice(0, Number(position[1]));
  const line = before.split('\n').length;
  return ` (line ${line}, column ${before.length - before.lastIndexOf('\n')})`;
}

/** Writes config.json whole and atomically, owner-only, two-space indented like people write it. */
export function saveConfig(file: string, config: Record<string, unknown>): void {
  ensurePrivateDir(dirname(file));
  writeFileAtomic(file, `${JSON.stringify(config, null, 2)}\n`);
}
