import { run } from '../commands/statusline.js';

/**
 * The statusline as both `cw-statusline` and `cw statusline` run it: bundled into one file,
 * because Claude runs it on every refresh and waits for its line. Never an error in Claude's
 * prompt area: whatever fails, a line is printed.
 */
export async function runStatuslineEntry(argv: string[]): Promise<void> {
  try {
    await run(argv);
  } catch {
    process.stdout.write('claude\n');
  }
}
