/**
 * What loads before what, where every millisecond is someone's: the shim starts Claude before it
 * loads anything of ours but its entry (the recorder, the database driver and the observers load
 * while Claude runs), and the statusline Claude waits for loads nothing but its own bundle.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createSandbox, fakeScript, installFakeClaude, recordedSessions, REPO_ROOT, runProcess, SHIM, type Sandbox } from '../support/sandbox.js';

const TRACE_PRELOAD = join(REPO_ROOT, 'test', 'support', 'trace-startup.mjs');
const DIST = pathToFileURL(join(REPO_ROOT, 'dist')).href;
const NODE_MODULES = pathToFileURL(join(REPO_ROOT, 'node_modules')).href;

/** Our files and packages among traced lines, repository-relative, in the order they loaded. */
function ourModules(lines: readonly string[]): string[] {
  return lines
    .filter((line) => line.startsWith(`module ${DIST}`) || line.startsWith(`module ${NODE_MODULES}`))
    .map((line) => relative(REPO_ROOT, fileURLToPath(line.slice('module '.length))));
}

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
  const loaded = (from: number, to: number): string[] => ourModules(lines.slice(from, to));
  expect(loaded(0, spawned)).toEqual(['dist/bin/claude-shim.js']);
  const after = loaded(spawned, lines.length);
  expect(after).toContain('dist/bin/run-session.js');
  expect(after.some((file) => file.startsWith('node_modules/better-sqlite3/'))).toBe(true);
  // Print mode has no screen to watch: the emulator never loads.
  expect(after.some((file) => file.includes('@xterm'))).toBe(false);

  const [session] = await recordedSessions(sandbox);
  expect(session).toMatchObject({ exitCode: 3, claudeSessionId: 'startup-1' });
});

it('the statusline loads nothing but its own bundle, through `cw statusline` and through `cw-statusline`', async () => {
  const input = JSON.stringify({ session_id: 'statusline-1', model: { id: 'claude-opus-5-5', display_name: 'Opus 5.5' }, cost: { total_cost_usd: 1.5 } });
  for (const [entry, args] of [
    ['cw.js', ['statusline']],
    ['cw-statusline.js', []],
  ] as const) {
    const trace = join(sandbox.root, `trace-${entry}.txt`);
    const result = await runProcess(process.execPath, [join(REPO_ROOT, 'dist', 'bin', entry), ...args], {
      env: { ...sandbox.env, NODE_OPTIONS: `--import=${TRACE_PRELOAD}`, CW_TRACE_FILE: trace, CW_TRACE_ENTRY: entry },
      stdin: input,
    });
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toBe('Opus 5.5 · $1.50\n');
    expect(ourModules(readFileSync(trace, 'utf8').trim().split('\n'))).toEqual([`dist/bin/${entry}`, 'dist/bin/statusline-entry.js']);
  }
});
