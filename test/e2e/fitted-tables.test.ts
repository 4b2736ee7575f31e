/**
 * Tables as a terminal shows them: columns line up when a project name is Chinese, Japanese or
 * has an emoji (each such character takes two cells), and every table fits 80 columns, hiding
 * columns in its stated order and saying which.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CW_RUN, createSandbox, fakeScript, installFakeClaude, runCw, runProcess, type Sandbox } from '../support/sandbox.js';

const PROJECTS = ['/work/数据分析', '/work/プロジェクト/サービス', '/work/🚀-launch', '/work/api'];

let sandbox: Sandbox;
let wideProject: string;
let live: ChildProcess | null = null;

function writeTranscript(index: number, cwd: string): void {
  const sessionId = `0000000${index}-1111-4222-8333-444444444444`;
  const folder = join(sandbox.home, '.claude', 'projects', `-work-${index}`);
  mkdirSync(folder, { recursive: true });
  const at = Date.now() - (index + 1) * 60 * 60_000;
  const line = {
    type: 'assistant',
    sessionId,
    cwd,
    requestId: `req_${index}`,
    timestamp: new Date(at).toISOString(),
    message: { id: `msg_${index}`, model: 'claude-sonnet-4-5', role: 'assistant', content: [{ type: 'text', text: 'ok' }], usage: { input_tokens: 1000 * (index + 1), output_tokens: 100 } },
  };
  writeFileSync(join(folder, `${sessionId}.jsonl`), `${JSON.stringify(line)}\n`);
}

beforeAll(async () => {
  sandbox = createSandbox();
  installFakeClaude(sandbox);
  PROJECTS.forEach((project, index) => writeTranscript(index, project));
  wideProject = join(sandbox.root, '项目-プロジェクト');
  mkdirSync(wideProject);
  const result = `${JSON.stringify({ type: 'result', subtype: 'success', is_error: false, num_turns: 1, total_cost_usd: 0.02, session_id: 'aaaaaaaa-1111-4222-8333-444444444444' })}\n`;
  const run = await runProcess(process.execPath, [CW_RUN, '--project-path', wideProject, '--session-type', 'review', '--', '-p', 'hi', '--output-format', 'json'], {
    env: { ...sandbox.env, FAKE_CLAUDE_SCRIPT: fakeScript([{ out: result }]) },
  });
  expect(run.code, run.stderr.toString()).toBe(0);
  expect((await runCw(sandbox, ['import', '--quiet'])).code).toBe(0);
});
afterAll(async () => {
  if (live) {
    live.stdin!.end();
    await new Promise((resolve) => live!.once('close', resolve));
  }
  sandbox?.cleanup();
});

/** The table's lines: from its header to the first empty line. */
function tableLines(output: string, header: RegExp): string[] {
  const lines = output.split('\n');
  const start = lines.findIndex((line) => header.test(line));
  expect(start, output).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((line, index) => index > start && line.trim() === '');
  return lines.slice(start, end === -1 ? undefined : end).filter((line) => !/^-+$/.test(line));
}

/** The terminal column where `header`'s column starts: every row's cell must start there too. */
function expectColumnAligned(lines: string[], header: string): void {
  const start = stringWidth(lines[0]!.slice(0, lines[0]!.indexOf(header)));
  // A totals row may leave the column empty.
  for (const line of lines.filter((row) => !row.startsWith('Total'))) {
    const cells = [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(line)].flatMap(({ segment }) => Array.from({ length: Math.max(1, stringWidth(segment)) }, (_, i) => (i === 0 ? segment : '')));
    expect(cells[start - 1], `${line}\n(column ${header} at cell ${start})`).toBe(' ');
    expect(cells[start]?.trim(), `${line}\n(column ${header} at cell ${start})`).not.toBe('');
  }
}

describe('wide characters', () => {
  it('keep cw report project in line', async () => {
    const result = await runCw(sandbox, ['report', 'project', '--skip-import'], { COLUMNS: '200' });
    expect(result.code, result.stderr.toString()).toBe(0);
    const lines = tableLines(result.stdout.toString(), /^Project/);
    expect(lines.join('\n')).toContain('数据分析');
    expectColumnAligned(lines, 'Models');
    // The cost column is the last and right-aligned: every line ends in the same cell.
    expect(new Set(lines.map((line) => stringWidth(line))).size).toBe(1);
  });

  it('keep cw sessions in line', async () => {
    const result = await runCw(sandbox, ['sessions'], { COLUMNS: '250' });
    expect(result.code, result.stderr.toString()).toBe(0);
    const lines = tableLines(result.stdout.toString(), /^ID/);
    expect(lines.join('\n')).toContain('プロジェクト');
    expect(lines.join('\n')).toContain('imported');
    for (const header of ['KIND', 'STATUS', 'PROJECT', 'LIMIT']) expectColumnAligned(lines, header);
  });
});

describe('80 columns', () => {
  const fits = (output: string): void => {
    for (const line of output.split('\n')) expect(stringWidth(line), line).toBeLessThanOrEqual(80);
  };

  it('cw sessions hides columns in its stated order and says which', async () => {
    const result = await runCw(sandbox, ['sessions'], { COLUMNS: '80' });
    expect(result.code, result.stderr.toString()).toBe(0);
    const output = result.stdout.toString();
    fits(output);
    const lines = tableLines(output, /^ID/);
    for (const header of ['ID', 'KIND', 'STARTED (UTC)', 'STATUS', 'PROJECT', 'COST', 'TOKENS']) expect(lines[0]).toContain(header);
    expect(output.replace(/\n(?=\S)/g, ' ')).toMatch(/Hidden to fit the terminal: TYPE, EXIT, LIMIT, MODE(, TURNS)?(, DURATION)? \(widen it, or use --json\)\./);
  });

  it('cw status fits with a live session', async () => {
    live = spawn(process.execPath, [CW_RUN, '--project-path', wideProject, '--', '-p', 'hi'], {
      env: { ...sandbox.env, FAKE_CLAUDE_SCRIPT: fakeScript([{ echoStdin: true }]) },
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    await expect.poll(async () => (await runCw(sandbox, ['status'], { COLUMNS: '80' })).stdout.toString(), { timeout: 15_000 }).toMatch(/^1 live session/);
    const output = (await runCw(sandbox, ['status'], { COLUMNS: '80' })).stdout.toString();
    fits(output);
    expect(output).toContain('ACTIVE');
    expect(output).toMatch(/Hidden to fit the terminal: MEM/);
  });

  // The daily report and cw blocks fitted before these tables did.
  for (const args of [['report', 'session', '--skip-import'], ['report', 'project', '--breakdown', '--skip-import'], ['events'], ['prices'], ['watch', '--once', '--skip-import']]) {
    it(`cw ${args.join(' ')} fits`, async () => {
      const result = await runCw(sandbox, args, { COLUMNS: '80' });
      expect(result.code, result.stderr.toString()).toBe(0);
      fits(result.stdout.toString());
    });
  }
});
