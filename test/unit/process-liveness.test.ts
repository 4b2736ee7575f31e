/**
 * When a session's process counts as gone: it no longer exists, it is a zombie nobody reaps, or
 * its pid now belongs to a process that started after the session. Real processes, read from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSessionState } from '../../src/core/session-state.js';
import { recoverDeadSessions } from '../../src/history/recovery.js';
import { isProcessAlive } from '../../src/shared/identity.js';
import { readProcStat } from '../../src/shared/proc-stat.js';
import { openDatabase } from '../../src/store/database.js';
import { upsertSession } from '../../src/store/session-rows.js';
import { isLiveDocument, type StateDocument } from '../../src/store/state-files.js';

const HOUR = 3_600_000;
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function startSleeper(): Promise<number> {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  children.push(child);
  await once(child, 'spawn');
  return child.pid!;
}

/**
 * A zombie: sh starts a child that waits for a byte on our pipe, then becomes a `sleep` that never
 * waits for it. Given the byte, the child exits and stays a zombie for as long as its parent
 * sleeps, as under an init that never reaps.
 */
async function startZombie(): Promise<number> {
  const parent = spawn('/bin/sh', ['-c', 'exec 3<&0; head -c 1 <&3 >/dev/null & echo $!; exec sleep 60 <&- 3<&-'], { stdio: ['pipe', 'pipe', 'ignore'] });
  children.push(parent);
  const [line] = (await once(parent.stdout, 'data')) as [Buffer];
  const pid = Number(line.toString().trim());
  await until(() => readProcStat(parent.pid!)?.state === 'S' && readFileSync(`/proc/${parent.pid!}/comm`, 'utf8').trim() === 'sleep', 'sh to become sleep');
  parent.stdin.end('x');
  await until(() => readProcStat(pid)?.state === 'Z', `pid ${pid} to be a zombie`);
  return pid;
}

describe('isProcessAlive', () => {
  it('a zombie is gone, though signal 0 still reaches it', async () => {
    const pid = await startZombie();
    expect(() => process.kill(pid, 0)).not.toThrow();
    expect(isProcessAlive(pid)).toBe(false);
  });

  it('a pid held by a process that started after the session is gone for that session; a stopped one (Ctrl+Z) of its own is alive', async () => {
    const pid = await startSleeper();
    expect(isProcessAlive(pid)).toBe(true);
    expect(isProcessAlive(pid, Date.now())).toBe(true);
    expect(isProcessAlive(pid, Date.now() - HOUR)).toBe(false);
    process.kill(pid, 'SIGSTOP');
    await until(() => readProcStat(pid)?.state === 'T', 'the process to stop');
    expect(isProcessAlive(pid, Date.now())).toBe(true);
    process.kill(pid, 'SIGKILL');
    await until(() => children.every((child) => child.pid !== pid || child.exitCode !== null || child.signalCode !== null), 'the process to be reaped');
    expect(isProcessAlive(pid)).toBe(false);
  });
});

describe('where liveness is judged', () => {
  it('a state file whose Claude is a zombie, or whose pid a later process took, is not live', async () => {
    const now = Date.now();
    const document = (pid: number, startedAt: number): StateDocument =>
      ({ status: 'ACTIVE', updatedAt: new Date(now).toISOString(), data: { pid, startedAt: new Date(startedAt).toISOString(), heartbeatAt: new Date(now).toISOString() } }) as unknown as StateDocument;
    const zombie = await startZombie();
    const sleeper = await startSleeper();
    expect(isLiveDocument(document(zombie, now - 60_000), now)).toBe(false);
    expect(isLiveDocument(document(sleeper, now - HOUR), now)).toBe(false);
    expect(isLiveDocument(document(sleeper, now), now)).toBe(true);
  });

  it('recovery settles a run whose Claude is a zombie or whose pid was reused, and leaves a live one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-liveness-'));
    dirs.push(dir);
    const db = openDatabase(join(dir, 'claudewatch.db'));
    const now = Date.now();
    const run = (id: string, pid: number, startedAt: number): void =>
      upsertSession(db, createSessionState({ id, mode: 'print', sessionType: null, projectPath: null, cwd: dir, argv: [], pid, startedAt, account: null, identifyMethod: null, isolation: 'shared-learning' }), now);
    const sleeper = await startSleeper();
    run('zombie-run', await startZombie(), now - 60_000);
    run('reused-pid-run', sleeper, now - HOUR);
    run('live-run', sleeper, now);
    try {
      const settled = recoverDeadSessions(db, { sessionStateDir: join(dir, 'sessions'), now, priceUsage: () => ({ costUsd: 0, known: true }), timeZone: 'UTC' });
      expect(settled.sort()).toEqual(['reused-pid-run', 'zombie-run']);
      const statuses = db.prepare('SELECT id, status FROM sessions ORDER BY id').all();
      expect(statuses).toEqual([
        { id: 'live-run', status: 'ACTIVE' },
        { id: 'reused-pid-run', status: 'INTERRUPTED' },
        { id: 'zombie-run', status: 'INTERRUPTED' },
      ]);
    } finally {
      db.close();
    }
  });
});
