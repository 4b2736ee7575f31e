/**
 * cw import on the transcript fixtures (test/fixtures/transcripts, many Claude Code versions):
 * every message once with its last counts, incremental on a second run, torn lines waited for.
 */
import Database from 'better-sqlite3';
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { summarizeTranscript } from '../../src/ingest/transcript-line.js';
import { fixtureNames, fixturePath } from '../support/fixtures.js';
import { createSandbox, runCw, type Sandbox } from '../support/sandbox.js';

const FIXTURES = fixturePath('transcripts');
let sandbox: Sandbox;
let projects: string;

beforeEach(() => {
  sandbox = createSandbox();
  projects = join(sandbox.home, '.claude', 'projects');
});
afterEach(() => sandbox.cleanup());

async function importJson(): Promise<Record<string, number>> {
  const result = await runCw(sandbox, ['import', '--json']);
  expect(result.code, result.stderr.toString()).toBe(0);
  return JSON.parse(result.stdout.toString()) as Record<string, number>;
}

function tokensByFile(): Map<string, { input: number; output: number; cacheCreation: number; cacheRead: number; messages: number }> {
  const db = new Database(join(sandbox.cwHome, 'claudewatch.db'), { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT file, SUM(input_tokens) AS input, SUM(output_tokens) AS output, SUM(cache_creation_tokens) AS cacheCreation,
           SUM(cache_read_tokens) AS cacheRead, COUNT(*) AS messages FROM messages GROUP BY file`,
      )
      .all() as Array<{ file: string; input: number; output: number; cacheCreation: number; cacheRead: number; messages: number }>;
    return new Map(rows.map(({ file, ...totals }) => [file, totals]));
  } finally {
    db.close();
  }
}

describe('cw import', () => {
  it('stores every message of every transcript fixture once, with the totals the parser gives each file', async () => {
    const names = fixtureNames('transcripts');
    for (const [index, name] of names.entries()) {
      // One project folder per fixture, as Claude would write them.
      mkdirSync(join(projects, `-work-project-${index}`), { recursive: true });
      copyFileSync(join(FIXTURES, name), join(projects, `-work-project-${index}`, name));
    }
    const first = await importJson();
    expect(first).toMatchObject({ files: names.length, filesRead: names.length });
    const byFile = tokensByFile();
    for (const [index, name] of names.entries()) {
      // Read with the clock the import had: a line's time is checked against it.
      const summary = summarizeTranscript(readFileSync(join(FIXTURES, name), 'utf8').split('\n'), { now: Date.now(), timeZone: 'UTC' });
      const stored = byFile.get(join(projects, `-work-project-${index}`, name));
      if (summary.messages === 0) {
        expect(stored, name).toBeUndefined();
        continue;
      }
      // No message id is shared between fixtures, so each file's messages are all its own.
      expect(stored, name).toEqual({
        input: summary.totals.inputTokens,
        output: summary.totals.outputTokens,
        cacheCreation: summary.totals.cacheCreationTokens,
        cacheRead: summary.totals.cacheReadTokens,
        messages: summary.messages,
      });
    }

    const second = await importJson();
    expect(second).toMatchObject({ files: names.length, filesRead: 0, bytesRead: 0, lines: 0 });
  });

  it('keeps the largest counts of a repeated message, reads only what is new, and waits for a torn line', async () => {
    const folder = join(projects, '-work-app');
    mkdirSync(folder, { recursive: true });
    const file = join(folder, 's1.jsonl');
    const line = (id: string, output: number) =>
      JSON.stringify({
        type: 'assistant',
        sessionId: 's1',
        requestId: `r-${id}`,
        timestamp: '2026-11-20T10:00:00.000Z',
        message: { id, model: 'claude-sonnet-4-5', usage: { input_tokens: 100, output_tokens: output } },
      });
    // Repeats within one batch are settled by the same rule as repeats across imports.
    writeFileSync(file, `${line('m1', 1)}\n${line('m1', 30)}\n${line('m1', 4)}\n`);
    expect(await importJson()).toMatchObject({ filesRead: 1, lines: 3 });
    const torn = line('m2', 12);
    appendFileSync(file, torn.slice(0, 40));
    expect(await importJson()).toMatchObject({ filesRead: 1, lines: 0 });
    appendFileSync(file, `${torn.slice(40)}\n${line('m1', 5)}\n`);
    expect(await importJson()).toMatchObject({ filesRead: 1, lines: 2 });
    const totals = tokensByFile().get(file);
    // m1 keeps 30 (a later, smaller repeat does not lower it); m2 arrives whole.
    expect(totals).toEqual({ input: 200, output: 42, cacheCreation: 0, cacheRead: 0, messages: 2 });
  });

  it('counts a file read across several commits once, and the files after it', async () => {
    const folder = join(projects, '-work-big');
    mkdirSync(folder, { recursive: true });
    // More lines than one commit takes, so the big file's row is written part by part.
    const count = 45_000;
    const lines = Array.from({ length: count }, (_, index) =>
      JSON.stringify({ type: 'assistant', sessionId: 'big', requestId: `r${index}`, message: { id: `m${index}`, model: 'claude-sonnet-4-5', usage: { input_tokens: 1, output_tokens: 2 } } }),
    );
    writeFileSync(join(folder, 'a.jsonl'), `${lines.join('\n')}\n`);
    const other = `${lines[0]!.replace('"m0"', '"other"')}\n`;
    writeFileSync(join(folder, 'b.jsonl'), other);
    expect(await importJson()).toMatchObject({ filesRead: 2, lines: count + 1, messages: count + 1 });
    expect(tokensByFile().get(join(folder, 'a.jsonl'))).toMatchObject({ input: count, output: 2 * count, messages: count });
    const db = new Database(join(sandbox.cwHome, 'claudewatch.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT path, lines, offset, claude_session_id FROM transcript_files ORDER BY path').all()).toEqual([
        { path: join(folder, 'a.jsonl'), lines: count, offset: Buffer.byteLength(`${lines.join('\n')}\n`), claude_session_id: 'big' },
        { path: join(folder, 'b.jsonl'), lines: 1, offset: Buffer.byteLength(other), claude_session_id: 'big' },
      ]);
    } finally {
      db.close();
    }
  });

  it('counts unreadable lines, reports them and goes on', async () => {
    const folder = join(projects, '-work-broken');
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      join(folder, 'b.jsonl'),
      `{"type":"assistant","sessionId":"b","message":{"id":"x","model":"claude-sonnet-4-5","usage":{"input_tokens":1,"output_tokens":2}}}\nnot json at all\n\u00ff\u00fe{broken\n`,
    );
    const summary = await importJson();
    expect(summary).toMatchObject({ filesRead: 1, lines: 3, messages: 1, rejectedLines: 2 });
    const text = await runCw(sandbox, ['import']);
    expect(text.stdout.toString()).toContain('Imported 0 of 1');
  });
  it('rejects and counts lines with impossible numbers; reports and blocks show only the others', async () => {
    const folder = join(projects, '-work-absurd');
    mkdirSync(folder, { recursive: true });
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const line = (id: string, usage: Record<string, unknown>, timestamp = hourAgo): string =>
      JSON.stringify({ type: 'assistant', sessionId: 'absurd', cwd: '/work/absurd', timestamp, requestId: `r-${id}`, message: { id, model: 'claude-sonnet-4-5', usage } });
    writeFileSync(
      join(folder, 'absurd.jsonl'),
      [
        line('good', { input_tokens: 1000, output_tokens: 200 }),
        line('huge', { input_tokens: 1e308, output_tokens: 1 }),
        line('fraction', { input_tokens: 10, output_tokens: 2.5 }),
        line('far-future', { input_tokens: 10, output_tokens: 5 }, '9999-01-01T00:00:00.000Z'),
      ].join('\n') + '\n',
    );
    const summary = await importJson();
    expect(summary).toMatchObject({ lines: 4, messages: 1, rejectedLines: 3 });
    const text = (await runCw(sandbox, ['import'])).stdout.toString();
    expect(text).toContain('Imported 0 of 1');
    const report = await runCw(sandbox, ['report', 'daily', '--json']);
    expect(report.code, report.stderr.toString()).toBe(0);
    const totals = (JSON.parse(report.stdout.toString()) as { totals: { inputTokens: number; outputTokens: number } }).totals;
    expect(totals).toMatchObject({ inputTokens: 1000, outputTokens: 200 });
    const blocks = await runCw(sandbox, ['blocks']);
    expect(blocks.code, blocks.stderr.toString()).toBe(0);
    expect(blocks.stdout.toString()).not.toMatch(/9999|gap of/);
  });
});
