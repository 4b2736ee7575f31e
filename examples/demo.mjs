#!/usr/bin/env node
// `npm run demo`: runs one Claude session through ClaudeWatch, then says what was recorded and
// what to try next. It uses the real claude when one is installed (outside this project's
// node_modules), and the bundled example claude otherwise, or when called with --example.
import { spawnSync } from 'node:child_process';
import { accessSync, closeSync, constants, openSync, readSync } from 'node:fs';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allOnPath, findOurCommands } from '../dist/runner/command-path.js';
import { resolvePaths } from '../dist/shared/paths.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const node = process.execPath;
const forceExample = process.argv.includes('--example');
const realClaude = forceExample ? null : findInstalledClaude();
const env = { ...process.env };
// The example claude's session is made up: it is kept apart from the real history.
const apart = realClaude ? null : resolvePaths(process.env).demoHome;
if (realClaude) {
  env.CLAUDEWATCH_REAL_CLAUDE = realClaude;
  console.log(`Running your claude (${realClaude}) through ClaudeWatch:`);
} else {
  env.CLAUDEWATCH_REAL_CLAUDE = join(root, 'examples', 'example-claude', 'claude');
  env.CLAUDEWATCH_HOME = apart;
  console.log('No claude installed, so the bundled example claude runs through ClaudeWatch:');
}

const prompt = 'Say hello in five words.';
console.log(`\n  claude -p "${prompt}"\n`);
// Claude's stream of JSON events is for ClaudeWatch to read; a person gets its answer.
const session = spawnSync(node, [join(root, 'dist', 'bin', 'cw-run.js'), '--session-type', 'demo', '--', '-p', prompt, '--output-format', 'stream-json', '--verbose'], {
  env,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
});
const answer = resultOf(session.stdout ?? '');
console.log(answer === null ? `Claude gave no answer (exit ${session.status}).` : `Claude answered: ${answer}`);

const cw = (args, options = {}) => spawnSync(node, [join(root, 'dist', 'bin', 'cw.js'), ...args], { env, encoding: 'utf8', ...options });
console.log('\nWhat ClaudeWatch recorded (cw sessions --limit 3):\n');
cw(['sessions', '--limit', '3'], { stdio: 'inherit' });

const [recorded] = JSON.parse(cw(['sessions', '--json', '--limit', '1']).stdout || '{"sessions":[]}').sessions ?? [];
const command = allOnPath(findOurCommands(process.env.PATH, root)) ? 'cw' : `node ${relative(process.cwd(), join(root, 'dist', 'bin', 'cw.js')) || '.'}`;
console.log('');
if (recorded) console.log(summarize(recorded));
if (apart) console.log(`It is kept apart from your own history, in ${apart}; to see it again:\n\n  CLAUDEWATCH_HOME='${apart}' ${command} sessions\n`);
console.log(`Next, try:\n\n  ${command} report          usage and cost by day\n  ${command} install-shim    record every claude you run from now on`);
process.exit(session.status ?? 1);

/** The text of Claude's result event, if it sent one. */
function resultOf(stdout) {
  for (const line of stdout.split('\n').reverse()) {
    try {
      const event = JSON.parse(line);
      if (event?.type === 'result') return typeof event.result === 'string' ? event.result.trim() : null;
    } catch {
      // Not an event.
    }
  }
  return null;
}

function summarize(run) {
  const tokens = run.inputTokens + run.outputTokens + run.cacheCreationTokens + run.cacheReadTokens;
  const cost = run.costUsd === null ? 'no cost known' : `$${run.costUsd.toFixed(4)} (${run.costSource === 'claude' ? 'as Claude reported it' : 'priced by ClaudeWatch'})`;
  const seconds = run.durationMs === null ? '' : ` in ${(run.durationMs / 1000).toFixed(1)} s`;
  const turns = `${run.numTurns} turn${run.numTurns === 1 ? '' : 's'}`;
  return `Recorded run ${run.id.slice(0, 8)}: ${run.status.toLowerCase()}${seconds}, ${turns}, ${tokens.toLocaleString('en-US')} tokens, ${cost}.`;
}

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
