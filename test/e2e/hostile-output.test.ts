/**
 * Names from outside carrying terminal escapes (a window title, a clipboard write, a clear-screen,
 * a bell, 8-bit C1 controls) in a project folder, a transcript's cwd, a model name and a git commit
 * subject, through every command that prints them: no byte of them may reach the terminal as a
 * control; each must show as text. CSV and Markdown keep them inert too.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CW_RUN, createSandbox, fakeScript, installFakeClaude, runCw, runProcess, type Sandbox } from '../support/sandbox.js';

const OSC_TITLE = '\x1b]0;owned\x07';
const OSC_CLIPBOARD = '\x1b]52;c;ZWNobyBvd25lZA==\x07';
const CLEAR_SCREEN = '\x1b[2J\x1b[3J\x1b[H';
const BELL = '\x07';
/** CSI, OSC and ST as single 8-bit C1 characters. */
const C1 = '\u009b6n\u009d0;t\u009c';
const HOSTILE = `${OSC_TITLE}${OSC_CLIPBOARD}${CLEAR_SCREEN}${BELL}${C1}`;
/** What each of them looks like once shown, not sent. */
const SHOWN = '\\e]0;owned\\a\\e]52;c;ZWNobyBvd25lZA==\\a\\e[2J\\e[3J\\e[H\\a\\x9b6n\\x9d0;t\\x9c';

const MODEL = `claude-sonnet-4-5${HOSTILE}`;
const SUBJECT = `fix the parser${HOSTILE}`;
const CLAUDE_SESSION = '7b0c1f3e-5d1a-4c8e-9f00-aa11bb22cc33';
const IMPORTED_SESSION = '2f9d7e61-0b4c-4a55-8e3b-123456789abc';
const FORMULA_SESSION = '5a4e3d2c-1b0a-4f9e-8d7c-6b5a49382716';
/** A cwd a spreadsheet would run as a command. */
const FORMULA = "=cmd|' /C calc'!A0";

let sandbox: Sandbox;
let project: string;

/** No ESC, BEL or C1 control anywhere, and with colour forced, ESC only as our own SGR colour. */
function expectNoControlsFromData(output: Buffer, what: string): void {
  const text = output.toString('utf8');
  expect(text, what).not.toMatch(/[\x07\u0080-\u009f]/);
  const escapes = text.match(/\x1b(\[[0-9;]*m)?/g) ?? [];
  expect(escapes.filter((escape) => escape === '\x1b'), `${what}: an ESC that starts no colour`).toEqual([]);
}

function git(args: string[], env: Record<string, string> = {}): void {
  execFileSync('git', args, {
    cwd: project,
    env: { PATH: process.env.PATH, HOME: sandbox.home, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'A', GIT_AUTHOR_EMAIL: 'a@example.com', GIT_COMMITTER_NAME: 'A', GIT_COMMITTER_EMAIL: 'a@example.com', ...env },
  });
}

/** A print-mode run whose init, message and result name the hostile model. */
function streamJson(): string {
  const usage = { input_tokens: 1200, output_tokens: 300, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  return [
    { type: 'system', subtype: 'init', session_id: CLAUDE_SESSION, model: MODEL, cwd: project },
    { type: 'assistant', session_id: CLAUDE_SESSION, message: { id: 'msg_hostile_1', model: MODEL, role: 'assistant', content: [{ type: 'text', text: 'ok' }], usage } },
    { type: 'result', subtype: 'success', is_error: false, num_turns: 1, total_cost_usd: 0.0081, session_id: CLAUDE_SESSION, usage },
  ]
    .map((event) => `${JSON.stringify(event)}\n`)
    .join('');
}

/** A transcript of our own lines, in Claude's structure, with this cwd and model. */
function writeTranscript(sessionId: string, cwd: string, model: string): void {
  const folder = join(sandbox.home, '.claude', 'projects', `-work-${sessionId.slice(0, 8)}`);
  mkdirSync(folder, { recursive: true });
  const at = Date.now() - 60 * 60_000;
  const lines = [0, 1].map((index) =>
    JSON.stringify({
      type: 'assistant',
      sessionId,
      cwd,
      requestId: `req_${sessionId.slice(0, 8)}_${index}`,
      timestamp: new Date(at + index * 60_000).toISOString(),
      message: { id: `msg_${sessionId.slice(0, 8)}_${index}`, model, role: 'assistant', content: [{ type: 'text', text: 'ok' }], usage: { input_tokens: 500, output_tokens: 50 } },
    }),
  );
  writeFileSync(join(folder, `${sessionId}.jsonl`), `${lines.join('\n')}\n`);
}

beforeAll(async () => {
  sandbox = createSandbox();
  installFakeClaude(sandbox);
  project = join(sandbox.root, `project-${HOSTILE}`);
  mkdirSync(project);
  git(['init', '-q', '-b', 'main']);
  // Dated an hour ahead, so the run finds it as made while it ran, however fast it runs.
  const later = `@${Math.floor(Date.now() / 1000) + 3600} +0000`;
  git(['commit', '-q', '--allow-empty', '-m', SUBJECT], { GIT_AUTHOR_DATE: later, GIT_COMMITTER_DATE: later });
  writeTranscript(IMPORTED_SESSION, `/work/${HOSTILE}`, MODEL);
  writeTranscript(FORMULA_SESSION, FORMULA, '@SUM(1+1)*cmd');
  const run = await runProcess(process.execPath, [CW_RUN, '--project-path', project, '--verbose', '--', '-p', 'hi', '--output-format', 'stream-json'], {
    env: { ...sandbox.env, FAKE_CLAUDE_SCRIPT: fakeScript([{ out: streamJson() }]) },
  });
  expect(run.code, run.stderr.toString()).toBe(0);
  // The runner's own lines after Claude exits name the model: shown, not sent.
  expectNoControlsFromData(run.stderr, 'cw-run --verbose');
  expect(run.stderr.toString()).toContain(`model=claude-sonnet-4-5${SHOWN}`);
  const imported = await runCw(sandbox, ['import', '--quiet']);
  expect(imported.code, imported.stderr.toString()).toBe(0);
});
afterAll(() => sandbox?.cleanup());

const PRINTING_COMMANDS: string[][] = [
  ['sessions'],
  ['status'],
  ['events'],
  ['events', '--session', IMPORTED_SESSION],
  ['report', '--skip-import'],
  ['report', 'session', '--skip-import'],
  ['report', 'project', '--skip-import'],
  ['report', 'model', '--breakdown', '--skip-import'],
  ['report', '--format', 'markdown', '--skip-import'],
  ['report', '--format', 'csv', '--skip-import'],
  ['report', '--format', 'html', '--skip-import'],
  ['blocks', '--skip-import'],
  ['watch', '--once', '--skip-import'],
  ['analyze', '--dry-run', '--skip-import'],
];

describe('hostile names through every printing command', () => {
  for (const args of PRINTING_COMMANDS) {
    it(`cw ${args.join(' ')} shows them as text`, async () => {
      for (const colour of [{}, { FORCE_COLOR: '1' }] as Array<Record<string, string>>) {
        const result = await runCw(sandbox, args, { COLUMNS: '400', ...colour });
        expect(result.code, result.stderr.toString()).toBe(0);
        expectNoControlsFromData(result.stdout, `cw ${args.join(' ')} ${JSON.stringify(colour)}`);
        expectNoControlsFromData(result.stderr, `cw ${args.join(' ')} (stderr)`);
      }
    });
  }

  it('shows each hostile name in full where a table has room for it', async () => {
    const out = async (args: string[]): Promise<string> => (await runCw(sandbox, args, { COLUMNS: '400' })).stdout.toString();
    expect(await out(['sessions'])).toContain(`project-${SHOWN}`);
    expect(await out(['events'])).toContain(`fix the parser${SHOWN}`);
    expect(await out(['report', 'project', '--skip-import'])).toContain(`/work/${SHOWN}`);
    expect(await out(['report', 'model', '--skip-import'])).toContain(`sonnet-4-5${SHOWN}`);
  });

  it('cw status and cw watch show a live session in a hostile folder as text', async () => {
    // Claude waits on its stdin: the session stays live until the test closes it.
    const child: ChildProcess = spawn(process.execPath, [CW_RUN, '--project-path', project, '--', '-p', 'hi'], {
      env: { ...sandbox.env, FAKE_CLAUDE_SCRIPT: fakeScript([{ echoStdin: true }]) },
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    try {
      await expect
        .poll(async () => (await runCw(sandbox, ['status', '--json'])).stdout.toString(), { timeout: 15_000 })
        .toMatch(/"live": \[\s*\{/);
      for (const args of [['status'], ['watch', '--once', '--skip-import']]) {
        const result = await runCw(sandbox, args, { COLUMNS: '400', FORCE_COLOR: '1' });
        expect(result.code, result.stderr.toString()).toBe(0);
        expectNoControlsFromData(result.stdout, `cw ${args.join(' ')}`);
      }
      expect((await runCw(sandbox, ['status'], { COLUMNS: '400' })).stdout.toString()).toContain(`project-${SHOWN}`);
    } finally {
      child.stdin!.end();
      await new Promise((resolve) => child.once('close', resolve));
    }
  });

  it('cw export --format csv writes a hostile cwd as inert text', async () => {
    const file = join(sandbox.root, 'sessions.csv');
    const result = await runCw(sandbox, ['export', '--output', file, '--format', 'csv', '--skip-import']);
    expect(result.code, result.stderr.toString()).toBe(0);
    const csv = readFileSync(file);
    expectNoControlsFromData(csv, 'export csv');
    expect(csv.toString()).toContain(`/work/${SHOWN}`);
  });
});

describe('CSV cells a spreadsheet would evaluate', () => {
  /** Every cell of an RFC 4180 text, quotes undone. */
  function cells(csv: string): string[] {
    return [...csv.matchAll(/(?:^|,)(?:"((?:[^"]|"")*)"|([^,\r\n]*))/gm)].map((match) => (match[1] !== undefined ? match[1].replace(/""/g, '"') : match[2]!));
  }

  it('start with a quote in cw report --format csv and cw export --format csv', async () => {
    const report = await runCw(sandbox, ['report', 'project', '--format', 'csv', '--skip-import']);
    expect(report.code, report.stderr.toString()).toBe(0);
    const file = join(sandbox.root, 'formula.csv');
    const exported = await runCw(sandbox, ['export', '--output', file, '--format', 'csv', '--skip-import']);
    expect(exported.code, exported.stderr.toString()).toBe(0);
    for (const csv of [report.stdout.toString(), readFileSync(file, 'utf8')]) {
      const texts = cells(csv).filter((cell) => cell !== '' && Number.isNaN(Number(cell)));
      expect(texts).toContain(`'${FORMULA}`);
      expect(texts.filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);
    }
    // In the report's models column and in the export's models column alike.
    expect(report.stdout.toString()).toContain("'@SUM(1+1)*cmd");
  });
});
