/**
 * `cw-run --resume-after-limit` with the real 2.1.330 against the mock: a run that meets a
 * 5-hour limit resetting 5 s ahead is continued after the reset, as the same Claude session, and
 * both runs are recorded. Without the option, nothing is continued.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { claudeExecutable, makeClaudeHome, parseJsonLines, realClaudeBinaries, spawnClaudeScreen } from '../support/claude-env.js';
import { startMockAnthropic } from '../support/mock-anthropic.js';
import { CW, CW_RUN, runProcess, SHIM_DIR } from '../support/sandbox.js';

let scratch: string;
let claude: string;
beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'cw-resume-'));
  claude = await claudeExecutable(realClaudeBinaries().current, scratch);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Row {
  id: string;
  status: string;
  claudeSessionId: string | null;
  startedAt: string;
  rateLimit: { severity: string; resetsAt: string | null } | null;
}

async function runs(env: Record<string, string>): Promise<Row[]> {
  const listed = JSON.parse((await runProcess(process.execPath, [CW, 'sessions', '--json'], { env })).stdout.toString()) as unknown;
  return ((Array.isArray(listed) ? listed : (listed as { sessions: Row[] }).sessions) as Row[]).reverse();
}

for (const optIn of [true, false]) {
  it(optIn ? 'continues the same Claude session after the reset, and records both runs' : 'without the opt-in, a limit ends the run', async () => {
    const mock = await startMockAnthropic();
    const home = await makeClaudeHome({ apiUrl: mock.url, auth: 'oauth' });
    try {
      const resetAt = Math.ceil(Date.now() / 1000) + 5;
      mock.enqueue({ type: 'rate_limit', claim: 'five_hour', resetAt });
      mock.enqueue({ type: 'text', text: 'Picked up where we left off.', usage: { input_tokens: 500, output_tokens: 12 } });
      const env = { ...home.env, CLAUDEWATCH_HOME: join(home.home, 'claudewatch'), CLAUDEWATCH_REAL_CLAUDE: claude, PATH: [SHIM_DIR, dirname(process.execPath), '/usr/bin', '/bin'].join(':') };
      const ours = optIn ? ['--resume-after-limit', '--resume-prompt', 'please go on'] : [];
      const run = await runProcess(process.execPath, [CW_RUN, ...ours, '--', '-p', 'say hi', '--output-format', 'stream-json', '--verbose'], { env, cwd: home.cwd, timeoutMs: 90_000 });
      const recorded = await runs(env);
      if (!optIn) {
        expect(run.code).toBe(1);
        expect(recorded.map((row) => row.status)).toEqual(['FAILED']);
        return;
      }
      expect(run.code, run.stderr.toString()).toBe(0);
      expect(run.stderr.toString()).toMatch(/cw-run: 5-hour limit resets at \d\d:\d\d:\d\d \(UTC\); continuing the session in 0:00:\d\d \(Ctrl\+C cancels\)/);
      const results = parseJsonLines(run.stdout.toString()).filter((event) => event.type === 'result');
      expect(results.map((result) => result.is_error)).toEqual([true, false]);

      expect(recorded).toHaveLength(2);
      const [limited, resumed] = recorded as [Row, Row];
      expect(limited).toMatchObject({ status: 'FAILED', rateLimit: { severity: 'limit', resetsAt: new Date(resetAt * 1000).toISOString() } });
      expect(resumed.status).toBe('COMPLETED');
      expect(resumed.claudeSessionId).toBe(limited.claudeSessionId);
      expect(Date.parse(resumed.startedAt)).toBeGreaterThanOrEqual(resetAt * 1000);
      // The resumed request carries the first prompt and the one that continues it.
      expect(JSON.stringify(mock.requestsOf('conversation').at(-1)?.body)).toContain('please go on');
    } finally {
      await home.cleanup();
      await mock.close();
    }
  });
}

it('Ctrl+C during the wait cancels it: nothing more is sent, the limited run is the last, its exit code stands', async () => {
  const mock = await startMockAnthropic();
  const home = await makeClaudeHome({ apiUrl: mock.url, auth: 'oauth' });
  try {
    const resetAt = Math.ceil(Date.now() / 1000) + 600;
    mock.enqueue({ type: 'rate_limit', claim: 'five_hour', resetAt });
    mock.enqueue({ type: 'text', text: 'Never asked for.', usage: { input_tokens: 500, output_tokens: 12 } });
    const env = { ...home.env, CLAUDEWATCH_HOME: join(home.home, 'claudewatch'), CLAUDEWATCH_REAL_CLAUDE: claude, PATH: [SHIM_DIR, dirname(process.execPath), '/usr/bin', '/bin'].join(':') };
    // In a terminal, as a person runs it: Ctrl+C reaches the foreground process group as SIGINT.
    let sentBefore = -1;
    const screen = spawnClaudeScreen({ command: process.execPath, args: [CW_RUN, '--resume-after-limit', '--', '-p', 'say hi'], cwd: home.cwd, env });
    try {
      await screen.waitFor(/continuing the session in 0:\d\d:\d\d \(Ctrl\+C cancels\)/, 60_000);
      sentBefore = mock.requestsOf('conversation').length;
      const pressed = Date.now();
      screen.press('ctrl-c');
      const exit = await screen.exited;
      expect(Date.now() - pressed).toBeLessThan(5000);
      expect(exit.exitCode).toBe(1);
      expect(screen.screen()).toContain('cw-run: waiting for the reset cancelled.');
    } finally {
      screen.dispose();
    }
    const recorded = await runs(env);
    expect(recorded.map((row) => row.status)).toEqual(['FAILED']);
    expect(sentBefore).toBeGreaterThan(0);
    expect(mock.requestsOf('conversation')).toHaveLength(sentBefore);
  } finally {
    await home.cleanup();
    await mock.close();
  }
});
