/**
 * `npm run bench` measures; this only checks that its harness still runs against the build, at
 * the smallest sizes, so a renamed package or module shows up here rather than on the day
 * someone needs the numbers. No figure is judged: the goals are the bench's to report.
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT, runProcess } from '../support/sandbox.js';

it('every group but the import (which fetches ccusage) runs to its table at the smallest sizes', async () => {
  const groups = ['startup', 'statusline', 'hook', 'reducer', 'relay', 'screen'];
  const run = await runProcess(process.execPath, [join(REPO_ROOT, 'bench', 'run.mjs'), ...groups], {
    env: { ...process.env, BENCH_RUNS: '1', BENCH_PTY_MB: '1' },
    cwd: REPO_ROOT,
    timeoutMs: 180_000,
  });
  expect(run.code, run.stderr.toString()).toBe(0);
  const table = run.stdout.toString();
  for (const measure of ['`claude --version` through the shim', '`cw statusline`', 'hook command, per prompt', 'live reducer, CPU per usage fact', '1 MB through the interactive pty', 'screen watcher, a real screen']) {
    expect(table, measure).toContain(`| ${measure}`);
  }
}, 200_000);
