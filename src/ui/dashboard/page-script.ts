import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeError, UserError } from '../../shared/errors.js';
import { PACKAGE_ROOT } from '../../shared/package-info.js';

/** The page's script: browser/app.ts and what it imports, bundled into one file by `npm run build`. */
export const PAGE_SCRIPT_FILE = join(PACKAGE_ROOT, 'dist', 'ui', 'dashboard', 'app.js');

/** Read when the dashboard starts, so a missing build is said at once, not on the first page load. */
export function readPageScript(file = PAGE_SCRIPT_FILE): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(`cw dashboard: the page's script is missing (${describeError(error)}); \`npm run build\` makes it.`, 1);
  }
}
