import type { Db } from './database.js';
import { markInterrupted } from './session-rows.js';
import { readStateDocument, sessionStateFile, writeStateDocument } from './state-files.js';
import { isProcessAlive, machineName } from '../shared/identity.js';

/**
 * Sessions recorded as live whose runner process is gone from this machine (kill -9, a crash,
 * power loss) are marked INTERRUPTED; what they recorded stays. A stopped (Ctrl+Z) session
 * still has its process and is left alone.
 */
export function recoverInterruptedSessions(db: Db, sessionStateDir: string, now: number): string[] {
  const host = machineName();
  const rows = db
    .prepare(`SELECT id, pid, host FROM sessions WHERE status IN ('ACTIVE', 'RATE_LIMITED')`)
    .all() as { id: string; pid: number | null; host: string | null }[];
  const dead = rows.filter((row) => row.host === host && row.pid !== null && !isProcessAlive(row.pid)).map((row) => row.id);
  if (dead.length === 0) return [];
  markInterrupted(db, dead, now);
  for (const id of dead) markStateFileInterrupted(sessionStateFile(sessionStateDir, id), now);
  return dead;
}

function markStateFileInterrupted(file: string, now: number): void {
  const document = readStateDocument(file);
  if (document === null) return;
  try {
    writeStateDocument(file, {
      status: 'INTERRUPTED',
      data: { ...document.data, status: 'INTERRUPTED' },
      updatedAt: new Date(now).toISOString(),
    });
  } catch {
    // Readers will see the stale heartbeat instead.
  }
}
