/** A database another process has locked when a session starts: Claude runs untouched and the session lands once the lock is gone. */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { createSandbox, fakeScript, installFakeClaude, recordedSessions, runProcess, SHIM, type Sandbox } from '../support/sandbox.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = createSandbox();
  installFakeClaude(sandbox);
});
afterEach(() => sandbox.cleanup());

it('keeps the facts while the database is locked at start, and writes them when it is free', async () => {
  // A database one migration behind, as after an upgrade: opening it needs the write lock, which another process holds.
  const file = join(sandbox.cwHome, 'claudewatch.db');
  mkdirSync(sandbox.cwHome, { recursive: true });
  const holder = new Database(file);
  holder.pragma('journal_mode = WAL');
  for (const migration of MIGRATIONS.slice(0, -1)) {
    if (typeof migration === 'string') holder.exec(migration);
    else migration(holder);
  }
  holder.pragma(`user_version = ${MIGRATIONS.length - 1}`);
  holder.exec('BEGIN IMMEDIATE');
  const release = setTimeout(() => holder.exec('COMMIT'), 700);
  try {
    const run = await runProcess(SHIM, ['-p', 'go', '--output-format', 'json'], {
      env: {
        ...sandbox.env,
        FAKE_CLAUDE_SCRIPT: fakeScript([
          { sleep: 1500 },
          { out: '{"type":"result","subtype":"success","is_error":false,"num_turns":3,"total_cost_usd":0.42,"session_id":"locked-start"}\n' },
        ]),
      },
    });
    expect(run.code).toBe(0);
    expect(run.stdout.toString()).toContain('"total_cost_usd":0.42');
    expect(run.stderr.toString()).toBe('');
  } finally {
    clearTimeout(release);
    if (holder.inTransaction) holder.exec('COMMIT');
    holder.close();
  }
  const [session] = await recordedSessions(sandbox);
  expect(session).toMatchObject({ claudeSessionId: 'locked-start', status: 'COMPLETED', claudeNumTurns: 3, costUsd: 0.42 });
});
