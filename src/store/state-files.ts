import { formatJson, versioned } from '../core/json-output.js';
import { readdirSync, unlinkSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SessionStatus } from '../core/session-state.js';
import type { SessionView } from '../core/session-view.js';
import { makeDirectories, PRIVATE_DIR_MODE, readRegularFile, writeFileAtomic } from '../shared/private-fs.js';
import { isProcessAlive } from '../shared/identity.js';

/** What current_session.json and each per-session file hold. */
export interface StateDocument {
  /** Written with every document (docs/json-output.md); absent in files older than it. */
  schemaVersion?: number;
  status: SessionStatus;
  data: SessionView;
  updatedAt: string;
}

/** A live session that stopped sending heartbeats for this long is presumed dead. */
export const STALE_AFTER_MS = 30_000;
/** Ended sessions' files are kept this long for readers that poll, then pruned. */
const KEEP_ENDED_MS = 10 * 60_000;
/** Ended sessions' files kept at most, newest first, however recent. */
const MAX_ENDED_KEPT = 20;
const LIVE_STATUSES = new Set(['ACTIVE', 'RATE_LIMITED']);

export function sessionStateFile(sessionStateDir: string, sessionId: string): string {
  return join(sessionStateDir, `${sessionId}.json`);
}

export function readStateDocument(file: string): StateDocument | null {
  try {
    // A FIFO or device given as the state file is not read (a FIFO would block for ever).
    const text = readRegularFile(file);
    if (text === null) return null;
    const parsed = JSON.parse(text) as StateDocument;
    return parsed && typeof parsed === 'object' && parsed.data && typeof parsed.status === 'string' ? parsed : null;
  } catch {
    return null;
  }
}

/** A missing directory is made owner-only; one that exists is left as it is (the user may name a file in a shared one). */
export function writeStateDocument(file: string, document: StateDocument): void {
  makeDirectories(dirname(file), PRIVATE_DIR_MODE);
  writeFileAtomic(file, formatJson(versioned(document)));
}

/**
 * current_session.json shows one session. A session may take it over when it starts; later it
 * writes only while the file is still its own or its owner is gone, so two terminals do not
 * overwrite each other's live picture with an ended one.
 */
export function mayWriteCurrent(file: string, sessionId: string, now: number): boolean {
  const current = readStateDocument(file);
  if (current === null || current.data.id === sessionId) return true;
  return !isLiveDocument(current, now);
}

export function isLiveDocument(document: StateDocument, now: number): boolean {
  if (document.status !== 'ACTIVE' && document.status !== 'RATE_LIMITED') return false;
  const beat = Date.parse(document.data.heartbeatAt ?? document.updatedAt);
  if (Number.isFinite(beat) && now - beat > STALE_AFTER_MS) return false;
  const pid = document.data.pid;
  return pid === null || isProcessAlive(pid, Date.parse(document.data.startedAt));
}

export function listSessionDocuments(sessionStateDir: string): StateDocument[] {
  let names: string[];
  try {
    names = readdirSync(sessionStateDir);
  } catch {
    return [];
  }
  const documents: StateDocument[] = [];
  for (const name of names) {
    if (!name.endsWith('.json') || name.startsWith('.')) continue;
    const document = readStateDocument(join(sessionStateDir, name));
    if (document) documents.push(document);
  }
  return documents;
}

/** Transcripts that other live sessions follow: a session looking for its own must not take them. */
export function claimedTranscripts(sessionStateDir: string, ownId: string, now: number): Set<string> {
  const claimed = new Set<string>();
  for (const document of listSessionDocuments(sessionStateDir)) {
    if (document.data.id !== ownId && document.data.transcriptPath && isLiveDocument(document, now)) claimed.add(document.data.transcriptPath);
  }
  return claimed;
}

/**
 * Remove files of sessions that ended a while ago (or beyond the newest few, so a loop of short
 * runs does not pile them up), and temp files left by a crash. A file that still says ACTIVE but
 * whose process is gone waits the full time: recovery reads it to settle the session.
 */
export function pruneSessionDocuments(sessionStateDir: string, now: number): void {
  let names: string[];
  try {
    names = readdirSync(sessionStateDir);
  } catch {
    return;
  }
  const ended: Array<{ file: string; updatedAt: number }> = [];
  for (const name of names) {
    const file = join(sessionStateDir, name);
    try {
      if (name.startsWith('.') && name.endsWith('.tmp')) {
        if (now - statSync(file).mtimeMs > 60_000) unlinkSync(file);
        continue;
      }
      if (!name.endsWith('.json')) continue;
      const document = readStateDocument(file);
      if (document === null) continue;
      if (isLiveDocument(document, now)) continue;
      const updatedAt = Date.parse(document.updatedAt);
      if (now - updatedAt > KEEP_ENDED_MS) unlinkSync(file);
      else if (!LIVE_STATUSES.has(document.status)) ended.push({ file, updatedAt });
    } catch {
      // Another process pruned it first.
    }
  }
  for (const { file } of ended.sort((a, b) => b.updatedAt - a.updatedAt).slice(MAX_ENDED_KEPT)) {
    try {
      unlinkSync(file);
    } catch {
      // Already gone.
    }
  }
}
