/**
 * The shim starts Claude before it loads anything of ours but its entry: the recorder, the
 * database driver and the observers load while Claude runs.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createSandbox, fakeScript, installFakeClaude, recordedSessions, REPO_ROOT, runProcess, SHIM, type Sandbox } from '../support/sandbox.js';

const TRACE_PRELOAD = join(REPO_ROOT, 'test', 'support', 'trace-startup.mjs');
const DIST = pathToFileURL(join(REPO_ROOT, 'dist')).href;
const NODE_MODULES = pathToFileURL(join(REPO_ROOT, 'node_modules')).href;

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = createSandbox();
  installFakeClaude(sandbox);
});
afterEach(() => sandbox.cleanup());

it('spawns Claude from its one entry file, then loads the recorder and the database while Claude runs', async () => {
  const trace = join(sandbox.root, 'trace.txt');
  const stream = `${JSON.stringify({ type: 'system', subtype: 'init', session_id: 'startup-1', model: 'claude-sonnet-4-5' })}\n`;
  const result = await runProcess(SHIM, ['-p', 'hi', '--output-format', 'stream-json', '--verbose'], {
    env: { ...sandbox.env, NODE_OPTIONS: `--import=${TRACE_PRELOAD}`, CW_TRACE_FILE: trace, FAKE_CLAUDE_SCRIPT: fakeScript([{ out: stream }, { exit: 3 }]) },
  });
  expect(result.code).toBe(3);
  expect(result.stdout.toString()).toBe(stream);

  const lines = readFileSync(trace, 'utf8').trim().split('\n');
  const spawned = lines.findIndex((line) => line.startsWith('spawn '));
  expect(spawned).toBeGreaterThan(0);
  // Our files and packages, repository-relative, in the order they loaded.
  const loaded = (from: number, to: number): string[] =>
    lines
      .slice(from, to)
      .filter((line) => line.startsWith(`module ${DIST}`) || line.startsWith(`module ${NODE_MODULES}`))
      .map((line) => relative(REPO_ROOT, fileURLToPath(line.slice('module '.length))));
  expect(loaded(0, spawned)).toEqual(['dist/bin/claude-shim.js']);
  const after = loaded(spawned, lines.length);
  expect(after).toContain('dist/bin/run-session.js');
  expect(after.some((file) => file.startsWith('node_modules/better-sqlite3/'))).toBe(true);
  // Print mode has no screen to watch: the emulator never loads.
  expect(after.some((file) => file.includes('@xterm'))).toBe(false);

  const [session] = await recordedSessions(sandbox);
  expect(session).toMatchObject({ exitCode: 3, claudeSessionId: 'startup-1' });
});
