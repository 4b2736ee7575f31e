import type { Fact } from '../core/facts.js';
import type { Db } from './database.js';
import type { Ledger, LedgerLimit, LedgerMessage, RunClaim } from './ledger.js';
import { appendEvents, upsertSessionRow, type SessionRow } from './session-rows.js';

/**
 * What one write of a run puts in the database: its row, the messages and limits it hands the
 * ledger, its event log, and the limits its answers proved over. A live run applies one of these
 * at each write; one it could not apply (the database locked, full or unwritable) waits in the
 * journal (journal.ts) and is applied later, the same way, so the result is the same.
 */
export interface RunWrites {
  runId: string;
  row: SessionRow;
  messages: Array<{ message: LedgerMessage; claim: RunClaim }>;
  limits: LedgerLimit[];
  events: Array<{ fact: Fact; at: number }>;
  /** The run's answer at `answeredAt` shows the account's earlier limits are over. */
  clearAnswered: { account: string | null; model: string | null; answeredAt: number; now: number } | null;
  /** Whether the run's figure is shared out over its messages now (it changed, or the run ended). */
  settle: boolean;
}

/**
 * Applies the writes; the caller holds the transaction. Says, per message, whether the ledger
 * knew it as earlier work of another run. Writing a message or limit twice changes nothing; the
 * events are the caller's to write once.
 */
export function applyRunWrites(db: Db, ledger: Ledger, writes: RunWrites): boolean[] {
  upsertSessionRow(db, writes.row);
  const inherited = writes.messages.map(({ message, claim }) => ledger.writeMessage(message, claim).inherited);
  for (const limit of writes.limits) ledger.writeLimit(limit);
  appendEvents(db, writes.runId, writes.events);
  const cleared = writes.clearAnswered;
  if (cleared !== null) ledger.clearAnsweredLimits(cleared.account, cleared.model, cleared.answeredAt, cleared.now);
  if (writes.settle) {
    ledger.noteRunFigure(writes.runId);
    ledger.settle();
  } else {
    ledger.forgetTouched();
  }
  return inherited;
}
