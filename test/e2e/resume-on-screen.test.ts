/**
 * The opt-in continue after a limit, in an interactive session through the shim, with the real
 * CLI against the mock: a 5-hour limit resetting a few seconds ahead.
 * - 1.0.60 does not continue by itself: with the opt-in, the prompt is typed after the reset and
 *   answered; without it, nothing is typed.
 * - 2.1.330 continues by itself for subscribers ("Continuing automatically at …"): the opt-in
 *   stands aside rather than send a second prompt.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { claudeExecutable, makeClaudeHome, realClaudeBinaries, spawnClaudeScreen, type ClaudeBinary, type ClaudeScreen } from '../support/claude-env.js';
import { startMockAnthropic, type MockAnthropic } from '../support/mock-anthropic.js';
import { CW, CW_STATUSLINE, runProcess, SHIM, SHIM_DIR } from '../support/sandbox.js';
import { readStateData } from '../support/state-file.js';
import { until } from '../support/until.js';

const PROMPT = 'please go on';
const ANSWER = 'Picked up where we left off.';
/** The spread after the reset is at most 10 s; the state file is written within a second. */
const LATEST_AFTER_RESET_MS = 12_000;

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'cw-resume-screen-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Data {
  id: string;
  claudeSessionId: string | null;
  status: string;
  resumeAt: string | null;
  rateLimit: { resetsAt: string | null } | null;
}

interface World {
  mock: MockAnthropic;
  screen: ClaudeScreen;
  env: Record<string, string>;
  stateFile: string;
  resetAt: number;
}

async function withLimitedSession(binary: ClaudeBinary, optIn: boolean, body: (world: World) => Promise<void>): Promise<void> {
  const claude = await claudeExecutable(binary, mkdtempSync(join(scratch, 'bin-')));
  const mock = await startMockAnthropic();
  const home = await makeClaudeHome({ apiUrl: mock.url, auth: 'oauth' });
  const cwHome = join(home.home, 'claudewatch');
  mkdirSync(cwHome, { recursive: true });
  writeFileSync(join(cwHome, 'config.json'), JSON.stringify({ resumeAfterLimit: { enabled: optIn, prompt: PROMPT } }));
  const env = { ...home.env, CLAUDEWATCH_HOME: cwHome, CLAUDEWATCH_REAL_CLAUDE: claude, NO_COLOR: '1', PATH: [SHIM_DIR, dirname(process.execPath), '/usr/bin', '/bin'].join(':') };
  const resetAt = (Math.ceil(Date.now() / 1000) + 8) * 1000;
  mock.enqueue({ type: 'rate_limit', claim: 'five_hour', resetAt: resetAt / 1000 });
  mock.enqueue({ type: 'text', text: ANSWER, usage: { input_tokens: 500, output_tokens: 12 } });
  const screen = spawnClaudeScreen({ command: SHIM, args: [], cwd: home.cwd, env });
  try {
    await screen.waitFor(/for shortcuts|shift\+tab/, 30_000);
    await screen.submit('say hi');
    await screen.waitFor(/hit your 5-hour limit|usage limit reached/, 30_000);
    await body({ mock, screen, env, stateFile: join(cwHome, 'state', 'current_session.json'), resetAt });
    // Ended as a person ends it: Claude killed instead would write its config into the removed home.
    expect((await screen.exit(30_000)).exitCode).toBe(0);
  } finally {
    screen.dispose();
    await home.cleanup();
    await mock.close();
  }
}

async function events(env: Record<string, string>): Promise<Array<{ type: string; detail: string; at: string }>> {
  const run = await runProcess(process.execPath, [CW, 'events', '--json'], { env });
  return (JSON.parse(run.stdout.toString()) as { events: Array<{ type: string; detail: string; at: string }> }).events;
}

const conversationTexts = (mock: MockAnthropic): string[] => mock.requestsOf('conversation').map((request) => JSON.stringify(request.body));

it('1.0.60 with the opt-in: the prompt is typed after the reset, answered, and both are recorded', async () => {
  await withLimitedSession(realClaudeBinaries().legacy, true, async ({ mock, screen, env, stateFile, resetAt }) => {
    // The screen reads the reset to the minute, and the plan waits for that minute's end; the
    // transcript's exact second follows, and the plan moves to it plus the spread.
    const planned = await until(
      () => {
        const data = readStateData<Data>(stateFile);
        const ahead = data?.resumeAt ? Date.parse(data.resumeAt) - resetAt : null;
        return ahead !== null && ahead < 10_000 ? { data, ahead } : null;
      },
      'the continue planned for the exact reset',
      { seen: () => readStateData(stateFile) },
    );
    expect(planned.data?.rateLimit?.resetsAt).toBe(new Date(resetAt).toISOString());
    expect(planned.ahead).toBeGreaterThanOrEqual(1000);
    const status = await runProcess(process.execPath, [CW, 'status'], { env: { ...env, COLUMNS: '200' } });
    expect(status.stdout.toString()).toMatch(/^Continues after its limit: .*work \(\w{8}\) at \d\d:\d\d:\d\d \(in \d+s\)$/m);
    const statusline = await runProcess(process.execPath, [CW_STATUSLINE], { env: { ...env, CLAUDEWATCH_PARENT_SESSION: planned.data!.id }, stdin: JSON.stringify({ session_id: planned.data!.claudeSessionId }) });
    expect(statusline.stdout.toString()).toMatch(/ · continues in (<1m|1m)\n$/);

    await screen.waitFor(ANSWER, 30_000);
    // 1.0.60 tried the first prompt twice (a second time with fewer tokens); the prompt followed once, after the reset.
    const resumed = mock.requestsOf('conversation').filter((request) => JSON.stringify(request.body).includes(PROMPT));
    expect(resumed).toHaveLength(1);
    expect(resumed[0]!.time).toBeGreaterThanOrEqual(resetAt);
    // The answer to the typed prompt is the session's usage; the limit stays on record. Nothing is planned any more.
    const after = await until(
      () => {
        const data = readStateData<Data & { outputTokens: number }>(stateFile);
        return data?.outputTokens === 12 && data.resumeAt === null ? data : null;
      },
      'the answer recorded and the plan cleared',
      { seen: () => readStateData(stateFile) },
    );
    expect(after.rateLimit?.resetsAt).toBe(new Date(resetAt).toISOString());
    const log = (await events(env)).filter((event) => event.type === 'resume').map((event) => event.detail);
    // Planned once per reading of the reset (the screen's minute, the transcript's second), then typed.
    // 1.0.60 does not name the window: the plan's limit.
    expect(log.at(-1)).toBe('continued after the plan limit: the resume prompt typed');
    expect(log.slice(0, -1).length).toBeGreaterThanOrEqual(1);
    for (const line of log.slice(0, -1)) expect(line).toMatch(/^continue after the plan limit planned for \d{4}-\d\d-\d\dT/);
  });
});

it('1.0.60 without the opt-in: nothing is typed', async () => {
  await withLimitedSession(realClaudeBinaries().legacy, false, async ({ mock, stateFile, resetAt }) => {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, resetAt + LATEST_AFTER_RESET_MS - Date.now())));
    expect(mock.requestsOf('conversation').filter((request) => request.time >= resetAt)).toEqual([]);
    expect(conversationTexts(mock).some((text) => text.includes(PROMPT))).toBe(false);
    expect(readStateData<Data>(stateFile)?.resumeAt).toBeNull();
  });
});

it('2.1.330 with the opt-in: Claude continues by itself, so nothing is typed', async () => {
  await withLimitedSession(realClaudeBinaries().current, true, async ({ mock, screen, env }) => {
    await screen.waitFor(/Continuing automatically at/, 10_000);
    const skipped = await until(
      async () => (await events(env)).find((event) => event.type === 'resume' && event.detail.startsWith('not continued')),
      'the continue left to Claude',
      { timeoutMs: 30_000 },
    );
    expect(skipped.detail).toBe('not continued after the 5-hour limit: Claude continues by itself');
    expect(conversationTexts(mock).some((text) => text.includes(PROMPT))).toBe(false);
  });
});
