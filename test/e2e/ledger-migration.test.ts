/**
 * A history written by ClaudeWatch before the ledger (schema 8) moves into it: nothing lost,
 * nothing doubled. The fixture (test/fixtures/history-v8, see SOURCES.md) holds the runs of the
 * real CLI (2.1.330 and 1.0.60, print sessions continued with -c, a subscriber limit) through the
 * old shim, an import of their transcripts, and the mock's own record of what it answered.
 */
import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { fixturePath, readFixture } from '../support/fixtures.js';
import { createSandbox, runCw, type Sandbox } from '../support/sandbox.js';

const FIXTURE = fixturePath('history-v8');
const TRUTH = JSON.parse(readFixture('history-v8', 'truth.json')) as Array<{ messageId: string; requestId: string; usage: Record<string, number> }>;
const truth = (field: string): number => TRUTH.reduce((sum, answer) => sum + (answer.usage[field] ?? 0), 0);

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = createSandbox();
  mkdirSync(sandbox.cwHome, { recursive: true });
  copyFileSync(join(FIXTURE, 'claudewatch-v8.db'), join(sandbox.cwHome, 'claudewatch.db'));
});
afterEach(() => sandbox.cleanup());

interface Row {
  source: string;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  costUsd: number | null;
}

async function sessions(env: Record<string, string> = {}): Promise<Row[]> {
  const result = await runCw(sandbox, ['sessions', '--json', '--limit', '100'], env);
  expect(result.code, result.stderr.toString()).toBe(0);
  return (JSON.parse(result.stdout.toString()) as { sessions: Row[] }).sessions;
}

const sum = (rows: Row[], field: keyof Row): number => rows.reduce((total, row) => total + Number(row[field] ?? 0), 0);

it('keeps every message once, every run with what it added, and one row per limit', async () => {
  const before = new Database(join(FIXTURE, 'claudewatch-v8.db'), { readonly: true });
  const oldRuns = before.prepare('SELECT COUNT(*) AS n, SUM(input_tokens) AS input FROM sessions').get() as { n: number; input: number };
  const oldMessages = before.prepare('SELECT COUNT(*) AS n, SUM(input_tokens) AS input FROM messages').get() as { n: number; input: number };
  before.close();
  // The old books disagreed: runs and the import each overcounted continued sessions.
  expect(oldRuns.input).toBeGreaterThan(truth('input_tokens'));
  expect(oldMessages.input).toBeGreaterThan(truth('input_tokens'));

  const rows = await sessions();
  expect(rows).toHaveLength(oldRuns.n);
  expect(rows.every((row) => row.source === 'wrapped')).toBe(true);
  expect(sum(rows, 'inputTokens')).toBe(truth('input_tokens'));
  expect(sum(rows, 'cacheCreationTokens')).toBe(truth('cache_creation_input_tokens'));
  expect(sum(rows, 'cacheReadTokens')).toBe(truth('cache_read_input_tokens'));

  const db = new Database(join(sandbox.cwHome, 'claudewatch.db'), { readonly: true });
  try {
    expect(db.prepare('SELECT COUNT(*) AS n FROM messages').get()).toEqual({ n: TRUTH.length });
    // The limit one run met, seen in its stream and in its transcript: one event, its exact reset.
    const limits = db.prepare('SELECT kind, severity, reset_precision, sources FROM limits').all();
    expect(limits).toEqual([{ kind: 'five_hour', severity: 'limit', reset_precision: 'second', sources: 'stream-json,transcript' }]);
  } finally {
    db.close();
  }
});

it('adds only what the transcripts say more, and the rows, the report and the mock then agree', async () => {
  const homes = ['home-1', 'home-2', 'home-3', 'home-4'].map((home) => join(FIXTURE, 'transcripts', home));
  // The transcripts sit elsewhere than when they were first imported: every file is read again.
  const env = { CLAUDE_CONFIG_DIR: homes.join(',') };
  const imported = await runCw(sandbox, ['import', '--json'], env);
  expect(imported.code, imported.stderr.toString()).toBe(0);
  const rows = await sessions(env);
  for (const [field, wire] of [
    ['inputTokens', 'input_tokens'],
    ['outputTokens', 'output_tokens'],
    ['cacheCreationTokens', 'cache_creation_input_tokens'],
    ['cacheReadTokens', 'cache_read_input_tokens'],
  ] as const) {
    expect(sum(rows, field), field).toBe(truth(wire));
  }
  const report = await runCw(sandbox, ['report', '--json', '--skip-import'], env);
  const totals = (JSON.parse(report.stdout.toString()) as { totals: { inputTokens: number; outputTokens: number; costUsd: number; messages: number } }).totals;
  expect(totals).toMatchObject({ inputTokens: truth('input_tokens'), outputTokens: truth('output_tokens'), messages: TRUTH.length });
  expect(totals.costUsd).toBeCloseTo(sum(rows, 'costUsd'), 9);
});
