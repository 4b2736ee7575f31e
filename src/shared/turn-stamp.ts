import { statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from './private-fs.js';

/**
 * True at most once per `intervalMs` across every process of ours: an empty stamp file's mtime
 * says when the turn was last taken, and taking it stamps `now`.
 */
export function takeTurn(stamp: string, now: number, intervalMs: number): boolean {
  try {
    if (now - statSync(stamp).mtimeMs < intervalMs) return false;
  } catch {
    // Never taken yet.
  }
  ensurePrivateDir(dirname(stamp));
  writeFileSync(stamp, '', { mode: PRIVATE_FILE_MODE });
  utimesSync(stamp, now / 1000, now / 1000);
  return true;
}
