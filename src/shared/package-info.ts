import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

/** The package's root: dist/shared/ (or src/shared/) sits two levels below it. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function readPackageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export const SHIM_TEMPLATE = join(PACKAGE_ROOT, 'shims', 'claude');
export const SHIM_ENTRY = join(PACKAGE_ROOT, 'dist', 'bin', 'claude-shim.js');
