import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Paths } from '../shared/paths.js';
import { readRegularFile } from '../shared/private-fs.js';
import type { StateDocument } from './state-files.js';

/**
 * The state files a statusline call reads. Read here rather than through state-files.ts, whose
 * writer side would load modules the statusline never uses: Claude waits for every refresh.
 */
export interface StatuslineSessions {
  /** The wrapped session that runs this Claude session, when one does. */
  own: StateDocument | null;
  /** current_session.json, for what is shared by the account (limits), when it is another session. */
  current: StateDocument | null;
  /** Other running sessions Claude holds waiting for the user, so this one can say so. */
  waiting: StateDocument[];
}

/** How a state file that waits reads (it is written indented): only those are parsed for it. */
const WAITS = /"waiting": \{/;

/**
 * Which of our sessions a statusline call belongs to: the one whose Claude session id matches;
 * before our hooks have named it, the one Claude's environment names (the runner sets
 * CLAUDEWATCH_PARENT_SESSION for Claude's children), if it has no other Claude session yet.
 */
export function findStatuslineSessions(paths: Paths, claudeSessionId: string | null, parentSessionId: string | null): StatuslineSessions {
  let own: StateDocument | null = null;
  const waiting: StateDocument[] = [];
  const needle = claudeSessionId === null ? null : JSON.stringify(claudeSessionId);
  for (const name of listQuietly(paths.sessionStateDir)) {
    if (!name.endsWith('.json') || name.startsWith('.')) continue;
    // Only files that mention the id, or wait, are parsed: most are of no interest here.
    const document = readDocument(join(paths.sessionStateDir, name), (text) => (needle !== null && text.includes(needle)) || WAITS.test(text));
    if (document === null) continue;
    if (document.data.claudeSessionId === claudeSessionId && claudeSessionId !== null && (own === null || ranksAbove(document, own))) own = document;
    if (document.data.waiting && isRunning(document)) waiting.push(document);
  }
  if (own === null && parentSessionId !== null && /^[\w.-]+$/.test(parentSessionId)) {
    const named = readDocument(join(paths.sessionStateDir, `${parentSessionId}.json`));
    if (named && (named.data.claudeSessionId === null || named.data.claudeSessionId === claudeSessionId)) own = named;
  }
  const current = readDocument(paths.currentStateFile);
  return { own, current: current && current.data.id !== own?.data.id ? current : null, waiting: waiting.filter((document) => document.data.id !== own?.data.id) };
}

export function isRunning(document: StateDocument): boolean {
  return document.status === 'ACTIVE' || document.status === 'RATE_LIMITED';
}

/** A running session beats an ended one of the same Claude session (a resume); then the newest. */
function ranksAbove(candidate: StateDocument, chosen: StateDocument): boolean {
  if (isRunning(candidate) !== isRunning(chosen)) return isRunning(candidate);
  return candidate.updatedAt > chosen.updatedAt;
}

function readDocument(file: string, wanted?: (text: string) => boolean): StateDocument | null {
  try {
    const text = readRegularFile(file);
    if (text === null) return null;
    if (wanted !== undefined && !wanted(text)) return null;
    const parsed = JSON.parse(text) as StateDocument;
    return parsed && typeof parsed === 'object' && parsed.data && typeof parsed.data === 'object' && typeof parsed.status === 'string' ? parsed : null;
  } catch {
    return null;
  }
}

function listQuietly(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
