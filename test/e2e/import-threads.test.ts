/**
 * The history import parses on worker threads when there is much to read and cores to spare;
 * the placing stays on one thread, so the history is the same whichever thread read what.
 */
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { fixturePath } from '../support/fixtures.js';
import { createSandbox, CW, REPO_ROOT, runProcess, type Sandbox } from '../support/sandbox.js';

const TRACE_PRELOAD = join(REPO_ROOT, 'test', 'support', 'trace-startup.mjs');

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = createSandbox();
});
afterEach(() => sandbox.cleanup());

function jsonlUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? jsonlUnder(join(folder, entry.name)) : entry.name.endsWith('.jsonl') ? [join(folder, entry.name)] : [],
  );
}

function tables(file: string): unknown {
  const db = new Database(file, { readonly: true });
  try {
    return {
      messages: db.prepare('SELECT * FROM messages ORDER BY message_key').all(),
      buckets: db.prepare('SELECT * FROM usage_buckets ORDER BY bucket, claude_session_id, cwd, model, priced').all(),
      limits: db.prepare('SELECT account, claude_session_id, file, observed_at, kind, severity, resets_at, text, sources FROM limits ORDER BY id').all(),
      files: db.prepare('SELECT path, offset, parse_state, claude_session_id, lines, prompts, turns, reported_cost_usd FROM transcript_files ORDER BY path').all(),
    };
  } finally {
    db.close();
  }
}

it('gives the same history read on worker threads as read on one', async () => {
  // Every transcript fixture, many times over, each copy a project of its own.
  const fixtures = [fixturePath('transcripts'), fixturePath('history-v8', 'transcripts')].flatMap(jsonlUnder);
  for (let copy = 0; copy < 20; copy++) {
    fixtures.forEach((file, index) => cpSync(file, join(sandbox.home, '.claude', 'projects', `-work-copy-${copy}`, `${index}.jsonl`)));
  }
  const run = async (threads: number): Promise<{ summary: Record<string, unknown>; trace: string }> => {
    const trace = join(sandbox.root, `trace-${threads}.txt`);
    const result = await runProcess(process.execPath, [CW, 'import', '--json'], {
      env: { ...sandbox.env, CLAUDEWATCH_HOME: join(sandbox.root, `cw-${threads}`), CLAUDEWATCH_IMPORT_THREADS: String(threads), NODE_OPTIONS: `--import=${TRACE_PRELOAD}`, CW_TRACE_FILE: trace, CW_TRACE_ENTRY: 'cw.js' },
    });
    expect(result.code, result.stderr.toString()).toBe(0);
    return { summary: JSON.parse(result.stdout.toString()) as Record<string, unknown>, trace: readFileSync(trace, 'utf8') };
  };
  const alone = await run(0);
  const shared = await run(2);
  expect(alone.trace).not.toContain('thread ');
  expect(shared.trace.match(/^thread .*\/dist\/history\/reading-worker\.js$/gm)).toHaveLength(2);
  const { durationMs: _aloneMs, ...aloneSummary } = alone.summary;
  const { durationMs: _sharedMs, ...sharedSummary } = shared.summary;
  expect(sharedSummary).toEqual(aloneSummary);
  expect(aloneSummary.messages).toBeGreaterThan(0);
  expect(tables(join(sandbox.root, 'cw-2', 'claudewatch.db'))).toEqual(tables(join(sandbox.root, 'cw-0', 'claudewatch.db')));
});
