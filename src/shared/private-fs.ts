import { mkdirSync, chmodSync, openSync, writeSync, fsyncSync, closeSync, renameSync, unlinkSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';

/** Our files hold usage metadata of one person: owner-only, always. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  // mkdir's mode is filtered by the umask and leaves existing directories alone.
  try {
    chmodSync(dir, PRIVATE_DIR_MODE);
  } catch {
    // Not ours to change (e.g. a shared parent); the files inside are still 0600.
  }
}

let tempCounter = 0;

/**
 * Replace `file` so that a reader sees either the old or the new content, never a mix: write a
 * temp file in the same directory (rename is atomic only within one filesystem), then rename.
 */
export function writeFileAtomic(file: string, content: string | Uint8Array, options: { fsync?: boolean } = {}): void {
  const dir = dirname(file);
  const temp = join(dir, `.${basename(file)}.${process.pid}.${++tempCounter}.tmp`);
  const fd = openSync(temp, 'w', PRIVATE_FILE_MODE);
  try {
    writeSync(fd, typeof content === 'string' ? Buffer.from(content) : content);
    if (options.fsync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, file);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // The temp file may already be gone with its directory.
    }
    throw error;
  }
}
