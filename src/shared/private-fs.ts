import {
  chmodSync,
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';

/** Our files hold usage metadata of one person: owner-only, always. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** A path we will not write to, with the reason in words a user can act on. */
export class UnsuitablePathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsuitablePathError';
  }
}

/** The kernel's views of processes and devices: nothing of ours belongs there, and Node 20's recursive mkdir loops on them. */
const KERNEL_FILESYSTEMS = ['/proc', '/sys'];

export function ensurePrivateDir(dir: string): void {
  makeDirectories(dir, PRIVATE_DIR_MODE);
  // mkdir's mode is filtered by the umask and leaves existing directories alone.
  try {
    chmodSync(dir, PRIVATE_DIR_MODE);
  } catch {
    // Not ours to change (e.g. a shared parent); the files inside are still 0600.
  }
}

/**
 * `mkdir -p`, one level at a time from the deepest directory that exists, so every step either
 * succeeds or fails: `mkdirSync(dir, { recursive: true })` spins for ever on a path under /proc.
 */
export function makeDirectories(dir: string, mode: number): void {
  const absolute = resolve(dir);
  refuseKernelFilesystem(absolute, absolute);
  const missing: string[] = [];
  for (let current = absolute; ; current = dirname(current)) {
    const info = statOrNull(current);
    if (info !== null) {
      if (!info.isDirectory()) throw new UnsuitablePathError(`${current} is ${kindOf(info)}, not a directory: cannot create ${absolute}`);
      refuseKernelFilesystem(realpathSync.native(current), absolute);
      break;
    }
    missing.push(current);
    if (dirname(current) === current) break;
  }
  for (const path of missing.reverse()) {
    try {
      mkdirSync(path, { mode });
    } catch (error) {
      // Made by another process meanwhile.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(path).isDirectory()) throw error;
      continue;
    }
    // The umask filters mkdir's mode; what we made is ours to set.
    chmodSync(path, mode);
  }
}

function refuseKernelFilesystem(path: string, asked: string): void {
  const root = KERNEL_FILESYSTEMS.find((mount) => path === mount || path.startsWith(`${mount}${sep}`));
  if (root === undefined) return;
  throw new UnsuitablePathError(`${asked} is under ${root}, the kernel's own view, not a place for files: choose another directory (CLAUDEWATCH_HOME or the XDG_* variables)`);
}

let tempCounter = 0;

/**
 * Replace `file` so that a reader sees either the old or the new content, never a mix: write a
 * temp file in the same directory (rename is atomic only within one filesystem), then rename.
 * A symbolic link is written through (the link stays); anything but a regular file or nothing at
 * the path (a device, a FIFO, a socket, a directory) is refused, so `/dev/null` stays a device.
 * The temp file never outlives a failed write.
 */
export function writeFileAtomic(file: string, content: string | Uint8Array, options: { fsync?: boolean } = {}): void {
  const target = regularFileTarget(file);
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${++tempCounter}.tmp`);
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, PRIVATE_FILE_MODE);
  let open = true;
  try {
    writeAll(fd, typeof content === 'string' ? Buffer.from(content) : content);
    if (options.fsync) fsyncSync(fd);
    open = false;
    closeSync(fd);
    renameSync(temp, target);
  } catch (error) {
    if (open) closeQuietly(fd);
    try {
      unlinkSync(temp);
    } catch {
      // The temp file may already be gone with its directory.
    }
    throw error;
  }
}

/**
 * The text of a regular file, or null when nothing is there. Opened without blocking, so a FIFO
 * or a device put where a file of ours belongs is refused instead of waited on for ever.
 */
export function readRegularFile(file: string): string | null {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw new UnsuitablePathError(`${file} is ${kindOf(info)}, not a regular file`);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** Where a write to `file` lands: the path itself, or what its symbolic link points to; refused unless a regular file or nothing. */
function regularFileTarget(file: string): string {
  let info: Stats;
  try {
    info = lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return file;
    throw error;
  }
  let target = file;
  if (info.isSymbolicLink()) {
    try {
      target = realpathSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UnsuitablePathError(`${file} is a symbolic link to a file that does not exist: nothing was written`);
      throw error;
    }
    info = statSync(target);
  }
  if (!info.isFile()) throw new UnsuitablePathError(`${file} is ${kindOf(info)}, not a regular file: nothing was written to it`);
  return target;
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSocket()) return 'a socket';
  if (info.isSymbolicLink()) return 'a symbolic link';
  return info.isFile() ? 'a regular file' : 'not a file';
}

/** Null when nothing is there; a file where a directory should be is found one level up and named. */
function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw error;
  }
}

/** A write may take only part of the buffer (a disk filling up): the rest follows, or the error. */
function writeAll(fd: number, data: Uint8Array): void {
  for (let offset = 0; offset < data.length; ) offset += writeSync(fd, data, offset, data.length - offset);
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed.
  }
}
