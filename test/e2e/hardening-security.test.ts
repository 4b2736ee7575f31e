/**
 * What we keep: no prompt or answer words unless capturePrompts is on, no secret from Claude's
 * arguments or environment, and every file owner-only (0600 in 0700 directories). Each check
 * greps every file we wrote, the database and its WAL included, with debug logging on.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { claudeExecutable, makeClaudeHome, realClaudeBinaries } from '../support/claude-env.js';
import { walk } from '../support/hardening.js';
import { startMockAnthropic } from '../support/mock-anthropic.js';
import { createSandbox, CW, fakeScript, installFakeClaude, runProcess, SHIM, SHIM_DIR, type FakeStep, type Sandbox } from '../support/sandbox.js';

/** Files under `root` that hold any of `needles`, as "file: needle". */
function filesHolding(root: string, needles: string[]): string[] {
  const found: string[] = [];
  for (const entry of walk(root)) {
    if (entry.dir) continue;
    const bytes = readFileSync(entry.path);
    for (const needle of needles) {
      // UTF-16 too: nothing of ours writes it, but a secret must not hide in it either.
      if (bytes.includes(needle) || bytes.includes(Buffer.from(needle, 'utf16le'))) found.push(`${entry.path}: ${needle}`);
    }
  }
  return found;
}

function expectOwnerOnly(root: string): void {
  const wrong = walk(root)
    .filter((entry) => entry.mode !== (entry.dir ? 0o700 : 0o600))
    .map((entry) => `${entry.path} ${entry.mode.toString(8)}`);
  expect(wrong).toEqual([]);
}

describe('prompts and answers, with the real claude', () => {
  const PROMPT = 'PLANTED-PROMPT-tell-me-about-zebras';
  const ANSWER = 'PLANTED-ANSWER-zebras-have-stripes';
  let scratch: string;
  let executable: string;
  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'cw-privacy-'));
    executable = await claudeExecutable(realClaudeBinaries().current, scratch);
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  async function runSessions(config: Record<string, unknown>): Promise<{ cwHome: string; cleanup: () => Promise<void> }> {
    const mock = await startMockAnthropic();
    const home = await makeClaudeHome({ apiUrl: mock.url, auth: 'api-key' });
    const cwHome = join(home.home, 'claudewatch');
    mkdirSync(cwHome, { recursive: true, mode: 0o700 });
    writeFileSync(join(cwHome, 'config.json'), JSON.stringify(config), { mode: 0o600 });
    const env = {
      ...home.env,
      CLAUDEWATCH_HOME: cwHome,
      CLAUDEWATCH_REAL_CLAUDE: executable,
      CLAUDEWATCH_DEBUG: '1',
      PATH: [SHIM_DIR, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    };
    // Text output follows the transcript and the hooks; stream-json carries the words in the stream.
    for (const format of ['text', 'stream-json'] as const) {
      mock.enqueue({ type: 'text', text: ANSWER, usage: { input_tokens: 900, output_tokens: 12 } });
      const args = ['-p', PROMPT, '--output-format', format, ...(format === 'stream-json' ? ['--verbose'] : [])];
      const run = await runProcess(SHIM, args, { env, cwd: home.cwd, timeoutMs: 60_000 });
      expect(run.code, run.stderr.toString()).toBe(0);
      expect(run.stdout.toString()).toContain(ANSWER);
    }
    for (const command of [['sessions'], ['events'], ['status']]) await runProcess(process.execPath, [CW, ...command, '--debug'], { env });
    return { cwHome, cleanup: async () => (await home.cleanup(), await mock.close()) };
  }

  it('capturePrompts off (the default): neither the prompt nor the answer is in any file of ours', async () => {
    const world = await runSessions({});
    try {
      expect(filesHolding(world.cwHome, [PROMPT, ANSWER, 'zebra'])).toEqual([]);
      expectOwnerOnly(world.cwHome);
    } finally {
      await world.cleanup();
    }
  }, 120_000);

  it('capturePrompts on: the prompt is kept (so the search above can find words), the answer still is not', async () => {
    const world = await runSessions({ capturePrompts: true });
    try {
      const found = filesHolding(world.cwHome, [PROMPT, ANSWER]);
      expect(found.some((line) => line.endsWith(PROMPT))).toBe(true);
      expect(found.filter((line) => line.endsWith(ANSWER))).toEqual([]);
      expectOwnerOnly(world.cwHome);
    } finally {
      await world.cleanup();
    }
  }, 120_000);
});

describe('secrets in arguments and environment', () => {
  let sandbox: Sandbox;
  beforeEach(() => {
    sandbox = createSandbox();
    installFakeClaude(sandbox);
  });
  afterEach(() => sandbox.cleanup());

  const SECRETS = {
    ANTHROPIC_API_KEY: 'sk-ant-api03-PLANTEDapikey0123456789abcdefghij',
    CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat01-PLANTEDoauth0123456789abcdefghij',
    // Shaped like nothing: only its variable's name says it is a secret.
    MY_SERVICE_TOKEN: 'opaque-PLANTED-service-42',
  };
  const ARG_SECRET = 'opaque-PLANTED-argument-77';

  it('planted keys and tokens reach Claude unchanged and none of our files, logs included (debug on)', async () => {
    const env = { ...sandbox.env, ...SECRETS, CLAUDEWATCH_DEBUG: '1', FAKE_CLAUDE_VERSION: '2.1.330' };
    const steps: FakeStep[] = [{ env: 'ANTHROPIC_API_KEY' }, { env: 'MY_SERVICE_TOKEN' }, { out: '{"type":"result","subtype":"success","is_error":false,"total_cost_usd":0.01,"session_id":"s"}\n' }];
    const runs: string[][] = [
      ['-p', 'hi', '--output-format', 'json', `--api-key=${ARG_SECRET}`],
      ['-p', 'hi', '--api-key', SECRETS.ANTHROPIC_API_KEY],
      ['--debug', '-p', `use ${SECRETS.CLAUDE_CODE_OAUTH_TOKEN}`, '--settings', JSON.stringify({ env: { ANTHROPIC_API_KEY: SECRETS.ANTHROPIC_API_KEY } })],
      ['-p', 'hi', '--output-format', 'stream-json', '--', `token=${ARG_SECRET}`],
    ];
    for (const args of runs) {
      const run = await runProcess(SHIM, args, { env: { ...env, FAKE_CLAUDE_SCRIPT: fakeScript(steps) } });
      expect(run.code, run.stderr.toString()).toBe(0);
      expect(run.stdout.toString()).toContain(`${SECRETS.ANTHROPIC_API_KEY}\n${SECRETS.MY_SERVICE_TOKEN}\n`);
    }
    // A broken config makes the runner log a warning, so the log exists to be searched.
    writeFileSync(join(sandbox.cwHome, 'config.json'), '{ not json');
    await runProcess(SHIM, ['-p', 'hi', '--api-key', ARG_SECRET], { env: { ...env, FAKE_CLAUDE_SCRIPT: fakeScript(steps) } });
    await runProcess(process.execPath, [CW, 'sessions', '--debug'], { env });
    expect(readFileSync(join(sandbox.cwHome, 'logs', 'claudewatch.log'), 'utf8')).toMatch(/config/);
    expect(filesHolding(sandbox.cwHome, [...Object.values(SECRETS), ARG_SECRET, 'PLANTED'])).toEqual([]);
    rmSync(join(sandbox.cwHome, 'config.json'));
    expectOwnerOnly(sandbox.cwHome);
  });
});
