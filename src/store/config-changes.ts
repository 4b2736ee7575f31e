import { randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { readSetting, writeSetting } from '../core/config-schema.js';
import { loadConfig, saveConfig } from '../shared/config.js';
import { UserError } from '../shared/errors.js';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../shared/private-fs.js';

/**
 * Settings changed on the user's behalf (accepted suggestions), kept as a log of batches so each
 * batch can be undone: what every key held before and what it was set to. One JSON line per
 * batch or undo, appended whole.
 */

export interface SettingChange {
  key: string;
  before: unknown;
  after: unknown;
}

interface AppliedBatch {
  kind: 'applied';
  id: string;
  at: string;
  source: string;
  changes: SettingChange[];
}

interface UndoneBatch {
  kind: 'undone';
  id: string;
  at: string;
}

type LogEntry = AppliedBatch | UndoneBatch;

/** Applies the changes to config.json in one write and logs them as one batch. */
export function applySettingChanges(configFile: string, logFile: string, changes: Array<{ key: string; value: unknown }>, source: string, now: number): SettingChange[] {
  const { config, problem } = loadConfig(configFile);
  if (problem) throw new UserError(`${problem}; fix it (cw config show) before changes can be applied.`, 1);
  let next = config as Record<string, unknown>;
  const applied: SettingChange[] = [];
  for (const change of changes) {
    applied.push({ key: change.key, before: readSetting(next, change.key) ?? null, after: change.value });
    next = writeSetting(next, change.key, change.value);
  }
  if (applied.length === 0) return applied;
  saveConfig(configFile, next);
  append(logFile, { kind: 'applied', id: `${now.toString(36)}-${randomBytes(3).toString('hex')}`, at: new Date(now).toISOString(), source, changes: applied });
  return applied;
}

/**
 * Puts back what the last batch not yet undone changed: each key to its value before, or removed
 * if it had none. A key changed by hand since is restored all the same; the log says what it was.
 */
export function undoLastBatch(configFile: string, logFile: string, now: number): AppliedBatch | null {
  const entries = readLog(logFile);
  const undone = new Set(entries.filter((entry): entry is UndoneBatch => entry.kind === 'undone').map((entry) => entry.id));
  const batch = entries.filter((entry): entry is AppliedBatch => entry.kind === 'applied' && !undone.has(entry.id)).at(-1);
  if (!batch) return null;
  const { config, problem } = loadConfig(configFile);
  if (problem) throw new UserError(`${problem}; fix it (cw config show) before changes can be undone.`, 1);
  let next = config as Record<string, unknown>;
  for (const change of [...batch.changes].reverse()) next = writeSetting(next, change.key, change.before ?? undefined);
  saveConfig(configFile, next);
  append(logFile, { kind: 'undone', id: batch.id, at: new Date(now).toISOString() });
  return batch;
}

function readLog(file: string): LogEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const entries: LogEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      entries.push(JSON.parse(line) as LogEntry);
    } catch {
      // A torn last line (a crash mid-append) is skipped; the batches before it still count.
    }
  }
  return entries;
}

function append(file: string, entry: LogEntry): void {
  ensurePrivateDir(dirname(file));
  appendFileSync(file, `${JSON.stringify(entry)}\n`, { mode: PRIVATE_FILE_MODE });
}
