/**
 * Broken storage never reaches Claude: with the database locked throughout, corrupt, on a
 * read-only or full filesystem, or the state directory deleted mid-run, Claude's bytes and exit
 * code are what it gives on its own, we add at most one line after it exits, and nothing is
 * lost: what could not be written waits in the journal and is saved by the next command. Paths
 * where our files cannot go (a state file named at a FIFO or a device, a data directory under
 * /proc, a disk too full for a temp file) are refused, and nothing at them is replaced or left.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/shared/private-fs.js';
import { bindReadOnly, canMount, expectUntouched, mountTmpfs, resultLine, runDirectAndShim, unmount, useMounts } from '../support/hardening.js';
import { createSandbox, CW, fakeScript, installFakeClaude, recordedSessions, REPO_ROOT, runCw, runProcess, SHIM, type FakeStep, type Sandbox } from '../support/sandbox.js';
import { until } from '../support/until.js';

const require = createRequire(import.meta.url);

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = createSandbox();
  installFakeClaude(sandbox);
});
afterEach(() => sandbox.cleanup());
const mounts = useMounts();

const MOUNTS = canMount();
const PRINT = ['-p', 'go', '--output-format', 'json'];
const session = (id: string, sleepMs = 0): FakeStep[] => [
  { out: 'first bytes\n' },
  { err: 'claude warns\n' },
  ...(sleepMs > 0 ? [{ sleep: sleepMs }] : []),
  { out: resultLine(id) },
  { exit: 3 },
];

async function recordOne(id: string, env: Record<string, string> = {}): Promise<void> {
  const run = await runProcess(SHIM, PRINT, { env: { ...sandbox.env, FAKE_CLAUDE_SCRIPT: fakeScript(session(id)), ...env } });
  expect(run.stderr.toString()).toBe('claude warns\n');
}

async function claudeIds(): Promise<unknown[]> {
  return (await recordedSessions(sandbox)).map((row) => row.claudeSessionId);
}

/** Holds the database's exclusive lock in another process until `release()`. */
function holdWriteLock(file: string): { ready: Promise<void>; release: () => Promise<void> } {
  const code = `const D = require(${JSON.stringify(require.resolve('better-sqlite3'))}); const db = new D(process.argv[1]); db.exec('BEGIN EXCLUSIVE'); process.stdout.write('locked\\n'); process.stdin.on('end', () => { db.exec('COMMIT'); db.close(); process.exit(0); }); process.stdin.resume();`;
  const child = spawn(process.execPath, ['-e', code, file], { stdio: ['pipe', 'pipe', 'inherit'] });
  const ready = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    ready,
    release: async () => {
      child.stdin.end();
      await exited;
    },
  };
}

describe('broken storage', () => {
  it('database locked by another process for the whole session: Claude untouched, the prompt back at once, one line once the lock outlasts a session, the sessions saved once it is gone', async () => {
    await recordOne('before-lock');
    const unlocked = await runDirectAndShim(sandbox, PRINT, session('unlocked', 1000));
    const lock = holdWriteLock(join(sandbox.cwHome, 'claudewatch.db'));
    await lock.ready;
    let result;
    let second;
    try {
      result = await runDirectAndShim(sandbox, PRINT, session('while-locked', 1000));
      // Still locked: the next run saves itself in the journal too, cannot save the one waiting, and says so.
      second = await runDirectAndShim(sandbox, PRINT, session('second-while-locked'));
      const doctor = await runProcess(process.execPath, [CW, 'doctor', '--json'], { env: sandbox.env });
      const waiting = (JSON.parse(doctor.stdout.toString()) as { checks: Array<{ name: string; level: string; detail: string }> }).checks.find((check) => check.name === 'journal');
      expect(waiting).toMatchObject({ level: 'warn', detail: expect.stringMatching(/^2 sessions ended while the database could not be written and wait in .*journal\n/) });
    } finally {
      await lock.release();
    }
    expectUntouched(result);
    expectUntouched(second);
    const journal = join(sandbox.cwHome, 'state', 'journal');
    // Sessions ending together wait for each other's lock: one that could not write at once is saved by the next, unannounced.
    expect(result.ours).toEqual([]);
    expect(second.ours).toEqual([`claudewatch: database is locked; 2 sessions wait in ${journal} until the next run or cw command saves them; see ${join(sandbox.cwHome, 'logs', 'claudewatch.log')}`]);
    // The last write waits a moment, not the 5 s it used to: the same run without the lock is the yardstick for the machine's load.
    expect(result.elapsedMs - unlocked.elapsedMs).toBeLessThan(3000);
    expect(readdirSync(journal)).toHaveLength(2);
    expect(statSync(journal).mode & 0o777).toBe(0o700);
    for (const name of readdirSync(journal)) expect(statSync(join(journal, name)).mode & 0o777).toBe(0o600);
    // The first command that can write saves them, once, with what Claude reported.
    const sessions = await recordedSessions(sandbox);
    expect(sessions.map((row) => row.claudeSessionId)).toEqual(['second-while-locked', 'while-locked', 'unlocked', 'before-lock']);
    expect(sessions[1]).toMatchObject({ status: 'FAILED', exitCode: 3, costUsd: 0.25, claudeNumTurns: 2 });
    expect(readdirSync(journal)).toEqual([]);
    expect(await recordedSessions(sandbox)).toEqual(sessions);
    await recordOne('after-lock');
    expect(await claudeIds()).toEqual(['after-lock', 'second-while-locked', 'while-locked', 'unlocked', 'before-lock']);
  }, 60_000);

  it('garbage in claudewatch.db: moved aside with a clear line, a new database records the session, and the next run records normally', async () => {
    const garbage = Buffer.alloc(16_384);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 131 + 7) % 251;
    mkdirSync(sandbox.cwHome, { recursive: true });
    writeFileSync(join(sandbox.cwHome, 'claudewatch.db'), garbage);
    const result = await runDirectAndShim(sandbox, PRINT, session('after-corruption'));
    expectUntouched(result);
    expect(result.ours).toEqual([expect.stringMatching(/^claudewatch: database was corrupt; moved aside to .*claudewatch\.db\.corrupt-\d+ \(nothing in it could be read\); see .*claudewatch\.log$/)]);
    const [aside] = readdirSync(sandbox.cwHome).filter((name) => name.startsWith('claudewatch.db.corrupt-'));
    // Nothing is thrown away: the broken file is kept byte for byte.
    expect(readFileSync(join(sandbox.cwHome, aside!)).equals(garbage)).toBe(true);
    expect(await claudeIds()).toEqual(['after-corruption']);
    const next = await runDirectAndShim(sandbox, PRINT, session('next-run'));
    expectUntouched(next);
    expect(next.ours).toEqual([]);
    expect(await claudeIds()).toEqual(['next-run', 'after-corruption']);
  });

  it('a damaged schema in an old history: found on opening, its rows salvaged into the new database and migrated as if nothing happened', async () => {
    const fixture = join(REPO_ROOT, 'test', 'fixtures', 'history-v8', 'claudewatch-v8.db');
    mkdirSync(sandbox.cwHome, { recursive: true });
    const file = join(sandbox.cwHome, 'claudewatch.db');
    copyFileSync(fixture, file);
    const whole = await recordedSessions(sandbox);
    expect(whole.length).toBeGreaterThan(5);
    rmSync(sandbox.cwHome, { recursive: true });
    mkdirSync(sandbox.cwHome, { recursive: true });
    // Every copy of one index's entry in the schema is damaged, as a bad sector in page 1 would.
    const bytes = readFileSync(fixture);
    let copies = 0;
    for (let at = bytes.indexOf('CREATE INDEX sessions_by_start'); at >= 0; at = bytes.indexOf('CREATE INDEX sessions_by_start', at + 1), copies++) bytes.write('CREATX', at);
    expect(copies).toBeGreaterThan(0);
    writeFileSync(file, bytes);
    const result = await runCw(sandbox, ['sessions', '--json', '--limit', '200']);
    expect(result.code, result.stderr.toString()).toBe(0);
    expect(result.stderr.toString()).toMatch(new RegExp(`^cw: the database was corrupt; it was moved aside to .*claudewatch\\.db\\.corrupt-\\d+ and a new one begun \\(salvaged ${whole.length} runs, \\d+ messages and \\d+ other rows\\)\\.\n$`));
    expect((JSON.parse(result.stdout.toString()) as { sessions: unknown[] }).sessions).toEqual(whole);
  });

  // As root chmod 0500 stops nothing, so the data directory is made read-only by a read-only bind mount.
  it.skipIf(!MOUNTS)(`data directory on a read-only mount${MOUNTS ? '' : ' (skipped: needs root and mount)'}: Claude untouched, one line, earlier sessions kept, next run records`, async () => {
    // Data, state and log apart (XDG), so the log that the line points to can be written.
    const { CLAUDEWATCH_HOME: _home, ...rest } = sandbox.env;
    const env = {
      ...rest,
      XDG_DATA_HOME: join(sandbox.root, 'data'),
      XDG_STATE_HOME: join(sandbox.root, 'xdg-state'),
      XDG_CONFIG_HOME: join(sandbox.root, 'config'),
    };
    const dataDir = join(env.XDG_DATA_HOME, 'claudewatch');
    const world = { ...sandbox, env };
    await runProcess(SHIM, PRINT, { env: { ...env, FAKE_CLAUDE_SCRIPT: fakeScript(session('before-readonly')) } });
    const before = readFileSync(join(dataDir, 'claudewatch.db'));
    bindReadOnly(dataDir);
    mounts.push(dataDir);
    const result = await runDirectAndShim(world, PRINT, session('while-readonly'));
    expectUntouched(result);
    expect(result.ours).toEqual([expect.stringMatching(/^claudewatch: .+; this session waits in .*journal until the next run or cw command saves it; see .*claudewatch\.log$/)]);
    expect(readFileSync(join(env.XDG_STATE_HOME, 'claudewatch', 'logs', 'claudewatch.log'), 'utf8')).toContain('database disabled for this session');
    unmount(dataDir);
    mounts.pop();
    expect(readFileSync(join(dataDir, 'claudewatch.db')).equals(before)).toBe(true);
    await runProcess(SHIM, PRINT, { env: { ...env, FAKE_CLAUDE_SCRIPT: fakeScript(session('after-readonly')) } });
    expect((await recordedSessions(world)).map((row) => row.claudeSessionId)).toEqual(['after-readonly', 'while-readonly', 'before-readonly']);
  });

  // 64 KB cannot hold the database itself (about 120 KB once migrated): the mount is sized to
  // hold it, then filled to the last block, so the session's writes are the ones that fail. The
  // data directory is on it; the state files (and the journal beside them) are not.
  it.skipIf(!MOUNTS)(`disk full (a filled tmpfs)${MOUNTS ? '' : ' (skipped: needs root and mount)'}: Claude untouched, one line, the session saved once space returns`, async () => {
    const { CLAUDEWATCH_HOME: _home, ...rest } = sandbox.env;
    const env = { ...rest, XDG_DATA_HOME: join(sandbox.root, 'data'), XDG_STATE_HOME: join(sandbox.root, 'xdg-state'), XDG_CONFIG_HOME: join(sandbox.root, 'config') };
    const world = { ...sandbox, env };
    const dataDir = join(env.XDG_DATA_HOME, 'claudewatch');
    mountTmpfs(dataDir, '512k');
    mounts.push(dataDir);
    await runProcess(SHIM, PRINT, { env: { ...env, FAKE_CLAUDE_SCRIPT: fakeScript(session('before-full')) } });
    const filler = join(dataDir, 'filler');
    await runProcess('/bin/sh', ['-c', `dd if=/dev/zero of='${filler}' bs=1024 2>/dev/null; true`], { env });
    const free = await runProcess('/bin/sh', ['-c', `df -k --output=avail '${dataDir}' | tail -1`], { env });
    expect(Number(free.stdout.toString().trim())).toBe(0);
    const result = await runDirectAndShim(world, PRINT, session('while-full'));
    expectUntouched(result);
    expect(result.ours).toEqual([expect.stringMatching(/^claudewatch: .+; this session waits in .*journal until the next run or cw command saves it; see /)]);
    rmSync(filler);
    expect((await recordedSessions(world)).map((row) => row.claudeSessionId)).toEqual(['while-full', 'before-full']);
    await runProcess(SHIM, PRINT, { env: { ...env, FAKE_CLAUDE_SCRIPT: fakeScript(session('after-full')) } });
    expect((await recordedSessions(world)).map((row) => row.claudeSessionId)).toEqual(['after-full', 'while-full', 'before-full']);
  });

  it('state directory deleted while Claude runs: Claude untouched, the state files come back, the session is recorded', async () => {
    const stateDir = join(sandbox.cwHome, 'state');
    const result = await runDirectAndShim(sandbox, PRINT, session('state-deleted', 2500), {
      whileRunning: async () => {
        await until(() => existsSync(join(stateDir, 'current_session.json')), 'the state file', { timeoutMs: 10_000 });
        rmSync(stateDir, { recursive: true, force: true });
      },
    });
    expectUntouched(result);
    expect(result.ours).toEqual([]);
    const current = JSON.parse(readFileSync(join(stateDir, 'current_session.json'), 'utf8')) as { status: string; data: { id: string; claudeSessionId: string } };
    expect(current).toMatchObject({ status: 'FAILED', data: { claudeSessionId: 'state-deleted' } });
    expect(existsSync(join(stateDir, 'sessions', `${current.data.id}.json`))).toBe(true);
    expect(statSync(join(stateDir, 'sessions')).mode & 0o777).toBe(0o700);
    expect(await claudeIds()).toEqual(['state-deleted']);
    await recordOne('next-run');
    expect(await claudeIds()).toEqual(['next-run', 'state-deleted']);
  });
});

describe('cw commands on storage they cannot use', () => {
  it('say what is wrong in one line, not a stack trace', async () => {
    // Where the data directory should be, a file: nothing can be created there.
    mkdirSync(join(sandbox.root, 'blocked'), { recursive: true });
    writeFileSync(join(sandbox.root, 'blocked', 'cw'), 'not a directory');
    const result = await runProcess(process.execPath, [CW, 'sessions'], {
      env: { ...sandbox.env, CLAUDEWATCH_HOME: join(sandbox.root, 'blocked', 'cw') },
    });
    expect(result.code).toBe(1);
    expect(result.stderr.toString()).toMatch(/^cw: cannot open the history at .*blocked\/cw\/claudewatch\.db: .+\n$/);
    expect(result.stderr.toString()).not.toContain('    at ');
  });
});

const isRoot = process.getuid?.() === 0;
const quickSession = (id: string): FakeStep[] => [{ out: 'first bytes\n' }, { sleep: 300 }, { out: resultLine(id) }, { exit: 0 }];

describe('a state file named where no regular file is', () => {
  it('a FIFO: stays a FIFO, nothing blocks, one line names it, the session is recorded with its own state file', async () => {
    // A directory others share: naming a file in it must not make it ours.
    const shared = join(sandbox.root, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o755);
    const fifo = join(shared, 'state.fifo');
    execFileSync('mkfifo', [fifo]);
    const result = await runDirectAndShim(sandbox, PRINT, quickSession('fifo-state'), { env: { CLAUDE_SESSION_STATE_FILE: fifo } });
    expectUntouched(result);
    expect(result.ours).toEqual([`claudewatch: state file not written: ${fifo} is a FIFO, not a regular file: nothing was written to it; see ${join(sandbox.cwHome, 'logs', 'claudewatch.log')}`]);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(statSync(shared).mode & 0o777).toBe(0o755);
    expect(readdirSync(shared)).toEqual(['state.fifo']);
    const [recorded] = await recordedSessions(sandbox);
    expect(recorded).toMatchObject({ claudeSessionId: 'fifo-state', status: 'COMPLETED' });
    const own = JSON.parse(readFileSync(join(sandbox.cwHome, 'state', 'sessions', `${String(recorded!.id)}.json`), 'utf8')) as { status: string };
    expect(own.status).toBe('COMPLETED');
  });

  // A node made here is the null device under another name: /dev/null itself is never at risk.
  it.skipIf(!isRoot)(`a character device (as root): stays the same device, one line${isRoot ? '' : ' (skipped: needs root for mknod)'}`, async () => {
    const device = join(sandbox.root, 'null-device');
    execFileSync('mknod', [device, 'c', '1', '3']);
    const result = await runDirectAndShim(sandbox, PRINT, quickSession('device-state'), { env: { CLAUDE_SESSION_STATE_FILE: device } });
    expectUntouched(result);
    expect(result.ours).toEqual([expect.stringMatching(/^claudewatch: state file not written: .*null-device is a character device, not a regular file/)]);
    const after = lstatSync(device);
    expect(after.isCharacterDevice()).toBe(true);
    expect(after.rdev).toBe(statSync('/dev/null').rdev);
    expect((await recordedSessions(sandbox))[0]).toMatchObject({ claudeSessionId: 'device-state', status: 'COMPLETED' });
  });
});

describe('a data directory under /proc', () => {
  // Before, Node 20's recursive mkdir spun at full CPU for ever; a run that hangs is killed at the timeout and fails here.
  it('the shim: Claude untouched and one line, at once', async () => {
    const env = { CLAUDEWATCH_HOME: '/proc/1/claudewatch' };
    const result = await runDirectAndShim(sandbox, PRINT, quickSession('proc-home'), { env, timeoutMs: 20_000 });
    expect(result.shim.signal).toBeNull();
    expectUntouched(result);
    // The log is under /proc too: the line names no log it could not write.
    expect(result.ours).toEqual([expect.stringMatching(/^claudewatch: .*\/proc\/1\/claudewatch\S* is under \/proc, the kernel's own view, not a place for files/)]);
    expect(result.ours[0]).not.toMatch(/see .*claudewatch\.log/);
  });

  it('cw: refused with one line', async () => {
    const result = await runProcess(process.execPath, [CW, 'sessions'], { env: { ...sandbox.env, CLAUDEWATCH_HOME: '/proc/1/claudewatch' }, timeoutMs: 20_000 });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(1);
    expect(result.stderr.toString()).toMatch(/^cw: cannot open the history at \/proc\/1\/claudewatch\/claudewatch\.db: \/proc\/1\/claudewatch is under \/proc, the kernel's own view, not a place for files: choose another directory \(CLAUDEWATCH_HOME or the XDG_\* variables\)\n$/);
  });
});

describe('a disk too full for the whole file', () => {
  it.skipIf(!MOUNTS)(`the temp file does not outlive the failed write${MOUNTS ? '' : ' (skipped: needs root and mount)'}`, () => {
    const dir = join(sandbox.root, 'small');
    mountTmpfs(dir, '64k');
    mounts.push(dir);
    writeFileSync(join(dir, 'state.json'), 'before');
    expect(() => writeFileAtomic(join(dir, 'state.json'), Buffer.alloc(256 * 1024, 'x'))).toThrow(/ENOSPC/);
    expect(readdirSync(dir)).toEqual(['state.json']);
    expect(readFileSync(join(dir, 'state.json'), 'utf8')).toBe('before');
    expect(existsSync(join(dir, 'state.json'))).toBe(true);
  });
});
