/** Our file writes: only onto a regular file or nothing, through a symbolic link, owner-only, never a directory under /proc. */
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDirectories, readRegularFile, UnsuitablePathError, writeFileAtomic } from '../../src/shared/private-fs.js';

let dir: string;
const servers: Server[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cw-private-fs-'));
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  rmSync(dir, { recursive: true, force: true });
});

const isRoot = process.getuid?.() === 0;

async function listeningSocket(path: string): Promise<void> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(path, resolve));
}

function kindAt(path: string): string {
  const info = lstatSync(path);
  return info.isFIFO() ? 'fifo' : info.isSocket() ? 'socket' : info.isCharacterDevice() ? 'char' : info.isDirectory() ? 'dir' : info.isSymbolicLink() ? 'link' : 'file';
}

describe('writeFileAtomic', () => {
  it('refuses a FIFO, a socket and a directory, leaves each as it was, and leaves no temp file', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const socket = join(dir, 'socket');
    await listeningSocket(socket);
    const directory = join(dir, 'directory');
    mkdirSync(directory);
    for (const [path, kind, words] of [
      [fifo, 'fifo', 'a FIFO'],
      [socket, 'socket', 'a socket'],
      [directory, 'dir', 'a directory'],
    ] as const) {
      expect(() => writeFileAtomic(path, '{}')).toThrow(new UnsuitablePathError(`${path} is ${words}, not a regular file: nothing was written to it`));
      expect(kindAt(path)).toBe(kind);
    }
    expect(readdirSync(dir).sort()).toEqual(['directory', 'fifo', 'socket']);
  });

  // Root may make device nodes; a node made here is the null device under another name, so /dev/null itself is never at risk.
  it.skipIf(!isRoot)(`refuses a character device, directly and through a symbolic link, and it stays a device${isRoot ? '' : ' (skipped: needs root for mknod)'}`, () => {
    const device = join(dir, 'null-device');
    execFileSync('mknod', [device, 'c', '1', '3']);
    const link = join(dir, 'link-to-device');
    symlinkSync(device, link);
    expect(() => writeFileAtomic(device, 'x')).toThrow(/null-device is a character device, not a regular file/);
    expect(() => writeFileAtomic(link, 'x')).toThrow(/link-to-device is a character device, not a regular file/);
    expect(kindAt(device)).toBe('char');
    expect(statSync(device).rdev).toBe(statSync('/dev/null').rdev);
    expect(kindAt(link)).toBe('link');
  });

  it('writes through a symbolic link: the link stays, its target gets the content', () => {
    const target = join(dir, 'elsewhere', 'config.json');
    mkdirSync(join(dir, 'elsewhere'));
    writeFileSync(target, '{"old":true}\n');
    const link = join(dir, 'config.json');
    symlinkSync(target, link);
    writeFileAtomic(link, '{"new":true}\n');
    expect(kindAt(link)).toBe('link');
    expect(readFileSync(target, 'utf8')).toBe('{"new":true}\n');
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'elsewhere'))).toEqual(['config.json']);
    // A regular file (the link's target before, a plain one now) is simply replaced.
    const plain = join(dir, 'state.json');
    writeFileAtomic(plain, 'one');
    writeFileAtomic(plain, 'two');
    expect(readFileSync(plain, 'utf8')).toBe('two');
  });

  it('refuses a symbolic link to nothing rather than guess where the file should be', () => {
    const link = join(dir, 'dangling');
    symlinkSync(join(dir, 'missing', 'file'), link);
    expect(() => writeFileAtomic(link, 'x')).toThrow(/dangling is a symbolic link to a file that does not exist/);
    expect(readdirSync(dir)).toEqual(['dangling']);
  });
});

describe('readRegularFile', () => {
  it('reads a file, says null for nothing, and refuses a FIFO at once instead of waiting for a writer', () => {
    const file = join(dir, 'a.json');
    writeFileSync(file, 'text');
    expect(readRegularFile(file)).toBe('text');
    expect(readRegularFile(join(dir, 'none.json'))).toBeNull();
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => readRegularFile(fifo)).toThrow(`${fifo} is a FIFO, not a regular file`);
  });
});

describe('makeDirectories', () => {
  it('makes every missing level owner-only and leaves an existing one as it is', () => {
    const shared = join(dir, 'shared');
    mkdirSync(shared, { mode: 0o755 });
    const deep = join(shared, 'a', 'b');
    makeDirectories(deep, 0o700);
    expect(statSync(deep).isDirectory()).toBe(true);
    expect(statSync(join(shared, 'a')).mode & 0o777).toBe(0o700);
    expect(statSync(shared).mode & 0o777).toBe(0o755);
  });

  it('names the file that stands where a directory should be', () => {
    writeFileSync(join(dir, 'blocked'), '');
    expect(() => makeDirectories(join(dir, 'blocked', 'cw', 'state'), 0o700)).toThrow(`${join(dir, 'blocked')} is a regular file, not a directory: cannot create ${join(dir, 'blocked', 'cw', 'state')}`);
  });

  it('refuses /proc and /sys, also through a symbolic link', () => {
    expect(() => makeDirectories('/proc/1/claudewatch', 0o700)).toThrow(/^\/proc\/1\/claudewatch is under \/proc, the kernel's own view, not a place for files/);
    expect(() => makeDirectories('/sys/claudewatch/state', 0o700)).toThrow(/is under \/sys/);
    symlinkSync('/proc/self', join(dir, 'proc-link'));
    expect(() => makeDirectories(join(dir, 'proc-link', 'cw'), 0o700)).toThrow(/proc-link\/cw is under \/proc/);
  });
});
