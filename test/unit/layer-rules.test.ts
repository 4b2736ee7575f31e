/**
 * The layer rules of eslint.config.js, run through ESLint's own API: the tree as it is passes, and
 * an import planted against them fails, naming the rule. Only the architecture rules run, without
 * type information, so this stays fast; `npm run lint` runs everything.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/sandbox.js';

const ARCHITECTURE_RULES = new Set(['import-x/no-restricted-paths', 'import-x/no-cycle', 'import-x/no-extraneous-dependencies', 'no-restricted-imports', 'no-restricted-globals', 'no-restricted-properties', 'no-restricted-syntax']);

const eslint = new ESLint({
  cwd: REPO_ROOT,
  overrideConfig: { languageOptions: { parserOptions: { project: false } } },
  ruleFilter: ({ ruleId }) => ARCHITECTURE_RULES.has(ruleId),
});

interface Problem {
  ruleId: string | null;
  message: string;
}

async function problemsIn(file: string, code: string): Promise<Problem[]> {
  const [result] = await eslint.lintText(code, { filePath: join(REPO_ROOT, file) });
  return result!.messages.map(({ ruleId, message }) => ({ ruleId, message }));
}

/** A file's own text with one more line: what someone might add to it. */
function withLine(file: string, line: string): string {
  return `${readFileSync(join(REPO_ROOT, file), 'utf8')}\n${line}\n`;
}

describe('the layer rules', () => {
  it('pass on the tree as it is', async () => {
    const results = await eslint.lintFiles(['src']);
    expect(results.length).toBeGreaterThan(100);
    expect(results.flatMap((result) => result.messages.map((message) => `${result.filePath}:${message.line} ${message.ruleId}: ${message.message}`))).toEqual([]);
  });

  it('refuse an import upward, naming the layer and what it may import', async () => {
    expect(await problemsIn('src/core/planted.ts', "export { openDatabase } from '../store/database.js';")).toEqual([
      { ruleId: 'import-x/no-restricted-paths', message: expect.stringContaining('core/ imports nothing of ours.') },
    ]);
    expect(await problemsIn('src/ui/planted.ts', "import { listSessions } from '../store/session-rows.js';\nexport const list = listSessions;")).toEqual([
      { ruleId: 'import-x/no-restricted-paths', message: expect.stringContaining('ui/ may import only core, shared.') },
    ]);
    expect(await problemsIn('src/commands/planted.ts', "export { COMMANDS } from '../cli/commands.js';")).toEqual([
      { ruleId: 'import-x/no-restricted-paths', message: expect.stringContaining('commands/ may import only') },
    ]);
  });

  it('count type-only and lazy imports too', async () => {
    expect(await problemsIn('src/shared/planted.ts', "import type { Db } from '../store/database.js';\nexport type Handle = Db;")).toHaveLength(1);
    expect(await problemsIn('src/bin/planted.ts', "export const load = () => import('../runner/run-session.js');")).toHaveLength(1);
  });

  it('keep layers of one level apart: ingest and store, runner and ui', async () => {
    expect((await problemsIn('src/store/planted.ts', "export { readTranscriptFile } from '../ingest/transcript-file.js';")).map((problem) => problem.ruleId)).toEqual(['import-x/no-restricted-paths']);
    expect((await problemsIn('src/runner/planted.ts', "export { createPainter } from '../ui/format.js';")).map((problem) => problem.ruleId)).toEqual(['import-x/no-restricted-paths']);
  });

  it('let history join the transcript readers to the ledger, and keep the store below them both', async () => {
    expect(await problemsIn('src/history/import.ts', readFileSync(join(REPO_ROOT, 'src/history/import.ts'), 'utf8'))).toEqual([]);
    expect(await problemsIn('src/store/recorder.ts', withLine('src/store/recorder.ts', "export { readTranscriptFile } from '../ingest/transcript-file.js';"))).toHaveLength(1);
    expect(await problemsIn('src/store/recorder.ts', withLine('src/store/recorder.ts', "export { refreshHistory } from '../history/refresh.js';"))).toHaveLength(1);
  });

  it('keep commands apart, sharing only commands/options', async () => {
    expect(await problemsIn('src/commands/planted.ts', "export { run } from './status.js';")).toEqual([
      { ruleId: 'import-x/no-restricted-paths', message: expect.stringContaining('Commands do not import each other') },
    ]);
    expect(await problemsIn('src/commands/planted.ts', "export { parseCommandArgs } from './options/parse.js';")).toEqual([]);
    expect((await problemsIn('src/commands/options/planted.ts', "export { run } from '../status.js';")).map((problem) => problem.ruleId)).toEqual(['import-x/no-restricted-paths']);
  });

  it('let only the command table load commands', async () => {
    expect(await problemsIn('src/cli/planted.ts', "export const load = () => import('../commands/status.js');")).toEqual([
      { ruleId: 'import-x/no-restricted-paths', message: expect.stringContaining('Only the command table') },
    ]);
  });

  it('refuse an import cycle', async () => {
    // live-view.ts imports blocks.ts; blocks.ts importing it back closes a circle.
    const problems = await problemsIn('src/core/blocks.ts', withLine('src/core/blocks.ts', "export { SPARK_BUCKET_MS } from './live-view.js';"));
    expect(problems.map((problem) => problem.ruleId)).toEqual(['import-x/no-cycle']);
  });

  it('keep core pure: no Node, no packages, no clock', async () => {
    const problems = await problemsIn('src/core/planted.ts', "import { readFileSync } from 'node:fs';\nexport const read = () => readFileSync('x');\nexport const stamp = () => [Date.now(), new Date(), process.pid];");
    expect(problems.map((problem) => problem.ruleId).sort()).toEqual(['no-restricted-globals', 'no-restricted-imports', 'no-restricted-properties', 'no-restricted-syntax']);
  });

  it('keep a package in its home layer and dev dependencies out of what ships', async () => {
    expect(await problemsIn('src/commands/planted.ts', "export { default as chalk } from 'chalk';")).toEqual([{ ruleId: 'no-restricted-imports', message: expect.stringContaining('chalk is used only in ui/') }]);
    expect((await problemsIn('src/runner/planted.ts', "export { chromium } from 'playwright-core';")).map((problem) => problem.ruleId)).toEqual(['import-x/no-extraneous-dependencies']);
  });

  it('keep the page’s script to its own folder and to text', async () => {
    const problems = await problemsIn(
      'src/ui/dashboard/browser/planted.ts',
      "import type { LiveView } from '../../../core/live-view.js';\nimport { buildLiveView } from '../../../core/live-view.js';\nexport const show = (node: Element, view: LiveView) => { node.innerHTML = String(buildLiveView); return view; };",
    );
    expect(problems).toEqual([
      { ruleId: 'no-restricted-imports', message: expect.stringContaining('only types from outside browser/') },
      { ruleId: 'no-restricted-properties', message: expect.stringContaining('never as HTML') },
    ]);
  });
});
