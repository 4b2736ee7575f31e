#!/usr/bin/env node
// `npm run demo`: runs one Claude session through ClaudeWatch and shows what was recorded.
// It uses the real claude when one is installed (outside this project's node_modules), and the
// bundled example claude otherwise, or when called with --example.
import { spawnSync } from 'node:child_process';
import { accessSync, closeSync, constants, openSync, readSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const forceExample = process.argv.includes('--example');
const realClaude = forceExample ? null : findInstalledClaude();
const env = { ...process.env };
if (realClaude) {
  env.CLAUDEWATCH_REAL_CLAUDE = realClaude;
  console.log(`Running your claude (${realClaude}) through ClaudeWatch...\n`);
} else {
  env.CLAUDEWATCH_REAL_CLAUDE = join(root, 'examples', 'example-claude', 'claude');
  // Keep the example's session out of your real history.
  env.CLAUDEWATCH_HOME = env.CLAUDEWATCH_HOME ?? join(root, '.demo');
  console.log('No claude installed: running the bundled example claude through ClaudeWatch...\n');
}

const node = process.execPath;
const run = (script, args) => spawnSync(node, [join(root, 'dist', 'bin', script), ...args], { stdio: 'inherit', env });
const session = run('cw-run.js', ['--session-type', 'demo', '--', '-p', 'Say hello in five words.', '--output-format', 'stream-json', '--verbose']);
console.log('\nRecorded by ClaudeWatch (cw sessions --limit 3):\n');
run('cw.js', ['sessions', '--limit', '3']);
process.exit(session.status ?? 1);

function findInstalledClaude() {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    // npm puts this project's own node_modules/.bin first; its claude is a test dependency.
    if (!dir || dir.includes(`node_modules${'/'}.bin`)) continue;
    const candidate = join(dir, 'claude');
    try {
      accessSync(candidate, constants.X_OK);
      if (!isClaudeWatchShim(candidate)) return candidate;
    } catch {
      // Not here.
    }
  }
  return null;
}

function isClaudeWatchShim(file) {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(1024);
    return head.subarray(0, readSync(fd, head, 0, head.length, 0)).includes('CLAUDEWATCH_SHIM');
  } finally {
    closeSync(fd);
  }
}
