import type { ExportedMessage, ImportedMessage } from '../core/machine-export.js';
import type { Db } from './database.js';
import { Ledger } from './ledger.js';
import type { MessageRow } from './message-rows.js';

type Row = Omit<MessageRow, 'message_key' | 'run_id' | 'file'>;

/**
 * The ledger's messages for an export: all of them, or those of the given Claude sessions and
 * runs. A message imported from a third machine keeps that machine's name; ours get `thisMachine`.
 */
export function listMessagesForExport(db: Db, thisMachine: string, only: { claudeSessionIds: string[]; runIds: string[] } | null): ExportedMessage[] {
  const rows = db
    .prepare(
      `SELECT message_id, request_id, claude_session_id, machine, cwd, model, at, input_tokens, output_tokens, cache_creation_tokens,
         cache_creation_5m_tokens, cache_creation_1h_tokens, cache_read_tokens, cost_usd, computed_cost_usd, priced, sidechain, answers_prompt
       FROM messages
       WHERE @all = 1 OR claude_session_id IN (SELECT value FROM json_each(@sessions)) OR run_id IN (SELECT value FROM json_each(@runs))
       ORDER BY at, message_key`,
    )
    .all({ all: only === null ? 1 : 0, sessions: JSON.stringify(only?.claudeSessionIds ?? []), runs: JSON.stringify(only?.runIds ?? []) }) as Row[];
  return rows.map((row) => ({
    messageId: row.message_id,
    requestId: row.request_id,
    claudeSessionId: row.claude_session_id,
    machine: row.machine ?? thisMachine,
    cwd: row.cwd,
    model: row.model,
    at: new Date(row.at).toISOString(),
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cacheCreationTokens: row.cache_creation_tokens,
    cacheCreation5mTokens: row.cache_creation_5m_tokens,
    cacheCreation1hTokens: row.cache_creation_1h_tokens,
    cacheReadTokens: row.cache_read_tokens,
    costUsd: row.cost_usd,
    computedCostUsd: row.computed_cost_usd,
    priced: row.priced === 1,
    sidechain: row.sidechain === 1,
    answersPrompt: row.answers_prompt === 1,
  }));
}

/**
 * Adds another machine's messages to this history through the ledger, in one transaction: each
 * message once, whichever machine or source saw it first. Messages that name this machine (our
 * own export coming back) are ours already, or are restored as ours.
 */
export function importMachineMessages(db: Db, messages: readonly ImportedMessage[], thisMachine: string): { added: number; known: number } {
  // Costs come from the export; the price table is not asked.
  const ledger = new Ledger(db, () => ({ costUsd: 0, known: true }));
  let added = 0;
  db.transaction(() => {
    for (const message of messages) {
      const wrote = ledger.writeForeignMessage(
        { ...message, file: null },
        { machine: message.machine === thisMachine ? null : message.machine, costUsd: message.costUsd, computedCostUsd: message.computedCostUsd, priced: message.priced },
      );
      if (wrote) added++;
    }
    ledger.forgetTouched();
  })();
  return { added, known: messages.length - added };
}
