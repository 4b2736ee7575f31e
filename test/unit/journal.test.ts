/**
 * The journal: a run's writes that the database could not take, kept in a file and applied
 * later through the same ledger writes: once, whatever happens between applying and deleting,
 * and never lost when the database is busy or the file cannot be read.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TokenUsage } from '../../src/core/facts.js';
import { createSessionState } from '../../src/core/session-state.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { journalStatus, mergeJournal, writeJournalEntry } from '../../src/store/journal.js';
import type { RunWrites } from '../../src/store/run-writes.js';
import { listSessions, readFacts, sessionRow } from '../../src/store/session-rows.js';

const T0 = Date.UTC(2026, 11, 7, 9, 0, 0);
const price = (_model: string, usage: TokenUsage) => ({ costUsd: usage.outputTokens / 1000, known: true });
let dir: string;
let journal: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cw-journal-'));
  journal = join(dir, 'state', 'journal');
  db = openDatabase(join(dir, 'claudewatch.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function writesOf(runId: string): RunWrites {
  const state = {
    ...createSessionState({ id: runId, mode: 'print', sessionType: null, projectPath: null, cwd: '/work/app', argv: [], pid: 1, startedAt: T0, account: '/home/a/.claude', identifyMethod: null, isolation: 'shared-learning' }),
    claudeSessionId: 'claude-1',
    status: 'COMPLETED' as const,
    endedAt: T0 + 60_000,
    exitCode: 0,
    reportedCostUsd: 0.5,
  };
  const usage = { inputTokens: 100, outputTokens: 40, cacheCreationTokens: 0, cacheReadTokens: 0 };
  return {
    runId,
    row: sessionRow(state, T0 + 60_000),
    messages: [
      {
        message: { messageId: 'm1', requestId: 'r1', claudeSessionId: 'claude-1', file: null, cwd: '/work/app', model: 'claude-sonnet-4-5', at: T0 + 1000, usage, sidechain: false, answersPrompt: true },
        claim: { runId, runStartedAt: T0 },
      },
    ],
    limits: [{ kind: 'five_hour', severity: 'limit', resetsAt: T0 + 3_600_000, resetPrecision: 'second', text: null, source: 'stream-json', utilization: null, observedAt: T0 + 2000, account: '/home/a/.claude', claudeSessionId: 'claude-1', runId, file: null }],
    events: [
      { fact: { kind: 'rate-limit', source: 'stream-json', severity: 'limit', limitKind: 'five_hour', resetsAt: T0 + 3_600_000, at: T0 + 2000 }, at: T0 + 2000 },
      { fact: { kind: 'child-exited', source: 'runner', exitCode: 0, signal: null, at: T0 + 60_000 }, at: T0 + 60_000 },
    ],
    clearAnswered: null,
    settle: true,
  };
}

const counts = () => ({
  sessions: db.prepare('SELECT COUNT(*) FROM sessions').pluck().get(),
  messages: db.prepare('SELECT COUNT(*) FROM messages').pluck().get(),
  limits: db.prepare('SELECT COUNT(*) FROM limits').pluck().get(),
  events: db.prepare('SELECT COUNT(*) FROM events').pluck().get(),
});

describe('the journal', () => {
  it('keeps a run owner-only and applies it through the ledger: the run with its usage, limit and events', () => {
    const file = writeJournalEntry(journal, writesOf('run-1'), T0 + 60_000);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(journal).mode & 0o777).toBe(0o700);
    expect(journalStatus(journal).waiting).toEqual([file]);
    expect(mergeJournal(db, journal, price)).toEqual({ merged: 1, problem: null });
    const [run] = listSessions(db);
    expect(run).toMatchObject({ id: 'run-1', claudeSessionId: 'claude-1', status: 'COMPLETED', costUsd: 0.5, outputTokens: 40, numTurns: 1 });
    expect(readFacts(db, 'run-1').map(({ fact }) => fact.kind)).toEqual(['rate-limit', 'child-exited']);
    expect(counts()).toEqual({ sessions: 1, messages: 1, limits: 1, events: 2 });
    expect(journalStatus(journal).waiting).toEqual([]);
  });

  it('applies an entry once: one applied but not deleted (the process died between) is only deleted the next time', () => {
    const file = writeJournalEntry(journal, writesOf('run-1'), T0 + 60_000);
    copyFileSync(file, join(dir, 'kept'));
    mergeJournal(db, journal, price);
    copyFileSync(join(dir, 'kept'), file);
    expect(mergeJournal(db, journal, price).merged).toBe(1);
    expect(counts()).toEqual({ sessions: 1, messages: 1, limits: 1, events: 2 });
    expect(readdirSync(journal)).toEqual([]);
  });

  it('leaves everything waiting while another process holds the database, and applies it after', () => {
    writeJournalEntry(journal, writesOf('run-1'), T0 + 60_000);
    writeJournalEntry(journal, writesOf('run-2'), T0 + 61_000);
    const holder = new Database(join(dir, 'claudewatch.db'));
    holder.exec('BEGIN EXCLUSIVE');
    db.pragma('busy_timeout = 0');
    try {
      const result = mergeJournal(db, journal, price);
      expect(result.merged).toBe(0);
      expect(result.problem).toMatch(/database is locked/);
      expect(journalStatus(journal).waiting).toHaveLength(2);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(mergeJournal(db, journal, price).merged).toBe(2);
    expect(counts()).toMatchObject({ sessions: 2, events: 4 });
  });

  it('sets aside an entry it cannot read, never applying or deleting it, and goes on with the rest', () => {
    writeJournalEntry(journal, writesOf('run-1'), T0 + 60_000);
    writeFileSync(join(journal, 'torn.json'), '{"version":1,"id":');
    const result = mergeJournal(db, journal, price);
    expect(result.merged).toBe(1);
    expect(result.problem).toContain('torn.json could not be read');
    expect(journalStatus(journal)).toEqual({ waiting: [], unreadable: [join(journal, 'torn.json.unreadable')] });
  });
});
