import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PriceOverrides } from '../core/pricing.js';
import { describeError } from './errors.js';
import { ensurePrivateDir, writeFileAtomic } from './private-fs.js';

/** The settings the runner needs at start-up. Unknown keys are kept for other commands. */
export interface RunnerConfig {
  /** Absolute path of the real claude binary, used when CLAUDEWATCH_REAL_CLAUDE is not set. */
  realClaude?: string;
  /**
   * Model id → rates in USD per million tokens, over or beside the built-in price table. Kept as
   * the user wrote it: loadPriceTable checks each entry and skips a broken one with a message.
   */
  prices?: PriceOverrides;
}

export interface LoadedConfig {
  config: RunnerConfig & Record<string, unknown>;
  /** A problem with the file; the defaults are used and the caller decides whom to tell. */
  problem?: string;
}

export function loadConfig(file: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { config: {} };
    return { config: {}, problem: `cannot read ${file}: ${describeError(error)}` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { config: {}, problem: `${file} is not valid JSON: ${describeError(error)}` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { config: {}, problem: `${file} must hold a JSON object` };
  }
  const config = parsed as Record<string, unknown>;
  if (config.realClaude !== undefined && typeof config.realClaude !== 'string') {
    return { config: { ...config, realClaude: undefined }, problem: `${file}: "realClaude" must be a string path` };
  }
  return { config };
}

/** Writes config.json whole and atomically, owner-only, two-space indented like people write it. */
export function saveConfig(file: string, config: Record<string, unknown>): void {
  ensurePrivateDir(dirname(file));
  writeFileAtomic(file, `${JSON.stringify(config, null, 2)}\n`);
}
