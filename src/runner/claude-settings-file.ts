import { chmodSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { makeDirectories, writeFileAtomic } from '../shared/private-fs.js';

type Env = Record<string, string | undefined>;

/**
 * The user settings file Claude Code reads: in CLAUDE_CONFIG_DIR (the first directory, when it
 * lists several, as Claude does), else ~/.claude.
 */
export function claudeSettingsFile(env: Env = process.env): string {
  const configured = (env.CLAUDE_CONFIG_DIR ?? '').split(',')[0]?.trim();
  return join(configured || join(env.HOME || homedir(), '.claude'), 'settings.json');
}

/** The file's text, or null when there is none yet. */
export function readSettingsText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Replaces the file atomically (Claude may read it at any moment), keeping its mode, and through
 * a symlink (dotfile managers link settings.json) rather than over it. Refuses when the file
 * changed since `expected` was read, so an edit made meanwhile is never lost.
 */
export function writeSettingsText(file: string, text: string, expected: string | null): void {
  if (readSettingsText(file) !== expected) throw new Error(`${file} changed while this ran; run it again`);
  let target = file;
  let mode: number | null = null;
  try {
    target = realpathSync(file);
    mode = statSync(target).mode & 0o777;
  } catch {
    makeDirectories(dirname(file), 0o700);
  }
  writeFileAtomic(target, text, { fsync: true });
  if (mode !== null) chmodSync(target, mode);
}
