import type { ImportedSession, SessionListRow, SessionView } from '../core/session-view.js';
import { UserError } from '../shared/errors.js';
import type { Db } from './database.js';
import { MESSAGE_SUMS, type MessageSums } from './message-rows.js';
import { getRun, listSessions } from './session-rows.js';

/**
 * One list of sessions, whatever way each came in: every wrapped run, with what it added, and
 * for every Claude session the part no wrapped run added (a session used without the shim, or
 * its earlier runs), as an imported session. The rows add up to the whole history, each message
 * once.
 */

/** Newest first, wrapped runs and imported sessions together. */
export function listSessionRows(db: Db, options: { limit?: number } = {}): SessionListRow[] {
  const limit = options.limit && options.limit > 0 ? Math.floor(options.limit) : Number.MAX_SAFE_INTEGER;
  const wrapped: SessionListRow[] = listSessions(db, { limit }).map((run) => ({ ...run, source: 'wrapped' as const }));
  const imported = listImportedSessions(db, limit);
  return [...wrapped, ...imported].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt)).slice(0, limit);
}

/** The imported part of one Claude session, or null when wrapped runs added all of it. */
export function getImportedSession(db: Db, claudeSessionId: string): ImportedSession | null {
  return listImportedSessions(db, 1, claudeSessionId)[0] ?? null;
}

interface ImportedRow extends MessageSums {
  session: string;
  first_at: number;
  last_at: number;
  cwd: string | null;
  version: string | null;
  reported: number;
  runs: string | null;
}

function listImportedSessions(db: Db, limit: number, only?: string): ImportedSession[] {
  const rows = db
    .prepare(
      `SELECT claude_session_id AS session, MIN(at) AS first_at, MAX(at) AS last_at, MAX(cwd) AS cwd, ${MESSAGE_SUMS},
         (SELECT MAX(claude_version) FROM transcript_files AS f WHERE f.claude_session_id = m.claude_session_id) AS version,
         EXISTS (SELECT 1 FROM transcript_files AS f WHERE f.claude_session_id = m.claude_session_id AND f.reported_cost_usd IS NOT NULL) AS reported,
         (SELECT GROUP_CONCAT(id) FROM sessions AS s WHERE s.claude_session_id = m.claude_session_id) AS runs
       FROM messages AS m
       WHERE run_id IS NULL AND claude_session_id IS NOT NULL AND (@only IS NULL OR claude_session_id = @only)
       GROUP BY claude_session_id ORDER BY first_at DESC LIMIT @limit`,
    )
    .all({ only: only ?? null, limit: Math.min(limit, 1e9) }) as ImportedRow[];
  const models = modelsOf(db, rows.map((row) => row.session));
  return rows.map((row) => {
    const used = models.get(row.session) ?? { models: [], unpriced: [] };
    return {
      source: 'imported',
      id: row.session,
      claudeSessionId: row.session,
      project: row.cwd,
      claudeVersion: row.version,
      startedAt: new Date(row.first_at).toISOString(),
      endedAt: new Date(row.last_at).toISOString(),
      durationMs: row.last_at - row.first_at,
      model: used.models[0] ?? null,
      models: used.models,
      costUsd: row.cost,
      costSource: row.reported === 1 ? 'claude' : 'computed',
      computedCostUsd: row.computed,
      unpricedModels: used.unpriced,
      numTurns: row.turns,
      messages: row.messages,
      inputTokens: row.input,
      outputTokens: row.output,
      cacheCreationTokens: row.cache_creation,
      cacheReadTokens: row.cache_read,
      runs: row.runs === null ? [] : row.runs.split(','),
    };
  });
}

/** Each session's unclaimed models, the main loop's first, by tokens; and those without a price. */
function modelsOf(db: Db, sessions: readonly string[]): Map<string, { models: string[]; unpriced: string[] }> {
  const found = new Map<string, { models: string[]; unpriced: string[] }>();
  if (sessions.length === 0) return found;
  const rows = db
    .prepare(
      `SELECT claude_session_id AS session, model, MIN(priced) AS priced,
         SUM((input_tokens + output_tokens + cache_creation_tokens + cache_read_tokens) * CASE sidechain WHEN 1 THEN 1 ELSE 1000000 END) AS weight
       FROM messages WHERE run_id IS NULL AND claude_session_id IN (SELECT value FROM json_each(?)) AND model NOT IN ('unknown', '<synthetic>')
       GROUP BY claude_session_id, model ORDER BY weight DESC`,
    )
    .all(JSON.stringify(sessions)) as Array<{ session: string; model: string; priced: number; weight: number }>;
  for (const row of rows) {
    const entry = found.get(row.session) ?? { models: [], unpriced: [] };
    found.set(row.session, entry);
    entry.models.push(row.model);
    if (row.priced === 0) entry.unpriced.push(row.model);
  }
  return found;
}

/** What a session reference names: one of our runs, or one of Claude's sessions. */
export type SessionRef = { kind: 'run'; id: string } | { kind: 'claude'; id: string };

const SHOWN_CANDIDATES = 5;

/**
 * Reads a session reference as every command takes one: our run id, Claude's session id, or a
 * prefix of either that names one only. An unknown or ambiguous reference is the user's to fix.
 */
export function resolveSessionRef(db: Db, reference: string): SessionRef {
  const text = reference.trim();
  if (text === '') throw new UserError('cw: a session id (ours or Claude’s) or a prefix of one is needed.', 2);
  if (db.prepare('SELECT 1 FROM sessions WHERE id = ?').get(text)) return { kind: 'run', id: text };
  if (claudeSessionExists(db, text)) return { kind: 'claude', id: text };
  const pattern = `${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
  const runs = db.prepare(`SELECT id FROM sessions WHERE id LIKE ? ESCAPE '\\' LIMIT 10`).pluck().all(pattern) as string[];
  const claude = db
    .prepare(
      `SELECT claude_session_id FROM sessions WHERE claude_session_id LIKE ? ESCAPE '\\'
       UNION SELECT claude_session_id FROM messages WHERE claude_session_id LIKE ? ESCAPE '\\' LIMIT 10`,
    )
    .pluck()
    .all(pattern, pattern) as string[];
  const candidates: SessionRef[] = [...runs.map((id) => ({ kind: 'run' as const, id })), ...claude.map((id) => ({ kind: 'claude' as const, id }))];
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) throw new UserError(`cw: no session matches "${text}". \`cw sessions\` lists them.`, 1);
  const shown = candidates.slice(0, SHOWN_CANDIDATES).map((candidate) => `${candidate.id} (${candidate.kind === 'run' ? 'run' : 'Claude session'})`);
  throw new UserError(`cw: "${text}" names more than one session: ${shown.join(', ')}${candidates.length > SHOWN_CANDIDATES ? ', …' : ''}. Give more of the id.`, 2);
}

function claudeSessionExists(db: Db, id: string): boolean {
  return (
    db.prepare('SELECT 1 FROM sessions WHERE claude_session_id = ? LIMIT 1').get(id) !== undefined ||
    db.prepare('SELECT 1 FROM messages WHERE claude_session_id = ? LIMIT 1').get(id) !== undefined
  );
}

/** The runs of one Claude session, newest first. */
export function runsOfClaudeSession(db: Db, claudeSessionId: string): SessionView[] {
  const ids = db.prepare('SELECT id FROM sessions WHERE claude_session_id = ? ORDER BY started_at DESC').pluck().all(claudeSessionId) as string[];
  return ids.flatMap((id) => {
    const run = getRun(db, id);
    return run ? [run] : [];
  });
}

/** Our run ids per Claude session, oldest first, for the sessions asked about. */
export function runIdsOfClaudeSessions(db: Db, claudeSessionIds: readonly string[]): Map<string, string[]> {
  const runs = new Map<string, string[]>();
  const rows = db
    .prepare(`SELECT claude_session_id AS session, id FROM sessions WHERE claude_session_id IN (SELECT value FROM json_each(?)) ORDER BY started_at`)
    .all(JSON.stringify(claudeSessionIds)) as Array<{ session: string; id: string }>;
  for (const row of rows) runs.set(row.session, [...(runs.get(row.session) ?? []), row.id]);
  return runs;
}
