/**
 * Paths where our files cannot go: a state file named at a FIFO or a device, a data directory
 * under /proc, a disk too full for the temp file. Claude runs untouched, we add one clear line,
 * and nothing at the path is replaced or left behind.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/shared/private-fs.js';
import { canMount, expectUntouched, mountTmpfs, resultLine, runDirectAndShim, unmount } from '../support/hardening.js';
import { createSandbox, CW, installFakeClaude, recordedSessions, runProcess, type FakeStep, type Sandbox } from '../support/sandbox.js';

let sandbox: Sandbox;
const mounts: string[] = [];
beforeEach(() => {
  sandbox = createSandbox();
  installFakeClaude(sandbox);
});
afterEach(() => {
  for (const dir of mounts.splice(0).reverse()) unmount(dir);
  sandbox.cleanup();
});

const isRoot = process.getuid?.() === 0;
const MOUNTS = canMount();
const PRINT = ['-p', 'go', '--output-format', 'json'];
const session = (id: string): FakeStep[] => [{ out: 'first bytes\n' }, { sleep: 300 }, { out: resultLine(id) }, { exit: 0 }];

describe('a state file named where no regular file is', () => {
  it('a FIFO: stays a FIFO, nothing blocks, one line names it, the session is recorded with its own state file', async () => {
    // A directory others share: naming a file in it must not make it ours.
    const shared = join(sandbox.root, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o755);
    const fifo = join(shared, 'state.fifo');
    execFileSync('mkfifo', [fifo]);
    const result = await runDirectAndShim(sandbox, PRINT, session('fifo-state'), { env: { CLAUDE_SESSION_STATE_FILE: fifo } });
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
    const result = await runDirectAndShim(sandbox, PRINT, session('device-state'), { env: { CLAUDE_SESSION_STATE_FILE: device } });
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
    const result = await runDirectAndShim(sandbox, PRINT, session('proc-home'), { env, timeoutMs: 20_000 });
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
