/**
 * The real Claude Code CLI (2.1.330) in a real pseudo-terminal through our shim, offline against
 * the mock Messages API with subscriber auth. The interactive screen prints no JSON: cost, tokens,
 * turns and limits come from the transcript, our hooks and the screen, and must be true while the
 * session runs, not only at its end.
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeExecutable, makeClaudeHome, realClaudeBinaries, spawnClaudeScreen, type ClaudeScreen } from '../support/claude-env.js';
import { startMockAnthropic, type MockUsage } from '../support/mock-anthropic.js';
import { CW, runProcess, SHIM, SHIM_DIR } from '../support/sandbox.js';
import { readStateData } from '../support/state-file.js';
import { until } from '../support/until.js';

const FIRST: MockUsage = { input_tokens: 1200, output_tokens: 30, cache_creation_input_tokens: 300, cache_read_input_tokens: 5000 };
const SECOND: MockUsage = { input_tokens: 1300, output_tokens: 40, cache_creation_input_tokens: 200, cache_read_input_tokens: 6000 };
const FOURTH: MockUsage = { input_tokens: 1400, output_tokens: 25, cache_creation_input_tokens: 100, cache_read_input_tokens: 7000 };
const READY = /for shortcuts|shift\+tab/;

let scratch: string;
let executable: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'cw-live-'));
  executable = await claudeExecutable(realClaudeBinaries().current, scratch);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface StateView {
  id: string;
  status: string;
  costUsd: number | null;
  inputTokens: number;
  outputTokens: number;
  numTurns: number;
  identifyMethod: string | null;
  rateLimit: { kind: string; severity: string; resetsAt: string | null; source: string } | null;
  accountLimits: Array<{ kind: string; resetsAt: string | null; sessionId: string }>;
}

/** Waits until the state file holds a state `accept` takes; the last one read is in the failure message. */
function waitForState(file: string, accept: (state: StateView) => boolean, what: string, timeoutMs = 15_000): Promise<StateView> {
  return until(
    () => {
      const state = readStateData<StateView>(file);
      return state && accept(state) ? state : null;
    },
    `the state file to show ${what}`,
    { timeoutMs, intervalMs: 100, seen: () => readStateData<StateView>(file) },
  );
}

const sum = (...usages: MockUsage[]) => (field: keyof MockUsage): number => usages.reduce((total, usage) => total + Number(usage[field] ?? 0), 0);

describe('an interactive session through the shim, live', () => {
  it('two prompts answered, a 5-hour limit, a weekly warning: numbers grow while it runs and end true; a second session sees the limit', async () => {
    const mock = await startMockAnthropic();
    const home = await makeClaudeHome({ apiUrl: mock.url, auth: 'oauth' });
    const cwHome = join(home.home, 'claudewatch');
    const env = {
      ...home.env,
      CLAUDEWATCH_HOME: cwHome,
      CLAUDEWATCH_REAL_CLAUDE: executable,
      PATH: [SHIM_DIR, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    };
    const current = join(cwHome, 'state', 'current_session.json');
    const nowSeconds = Math.floor(Date.now() / 1000);
    const fiveHourReset = nowSeconds + 3 * 3600 + 17;
    // The warning is only on the screen, which shows the reset to the minute.
    const weeklyReset = nowSeconds - (nowSeconds % 60) + 3 * 86_400;
    mock.enqueue(
      { type: 'text', text: 'First answer.', usage: FIRST },
      { type: 'text', text: 'Second answer.', usage: SECOND },
      { type: 'rate_limit', claim: 'five_hour', resetAt: fiveHourReset },
      { type: 'warning', claim: 'seven_day', utilization: 0.8, resetAt: weeklyReset, text: 'Fourth answer.', usage: FOURTH },
    );

    // The project is a git repository: the session records its branch and the commits made meanwhile.
    const git = (args: string[], extraEnv: Record<string, string> = {}) =>
      execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { cwd: home.cwd, stdio: 'ignore', env: { ...process.env, ...extraEnv } });
    git(['init', '-q', '-b', 'main']);
    // Git keeps whole seconds: an older commit is plainly before the session.
    const anHourAgo = new Date(Date.now() - 3_600_000).toISOString();
    git(['commit', '-q', '--allow-empty', '-m', 'before the session'], { GIT_AUTHOR_DATE: anHourAgo, GIT_COMMITTER_DATE: anHourAgo });

    const screens: ClaudeScreen[] = [];
    let oursId: string;
    try {
      // A second session of the same account, idle in the same folder, running alongside. It
      // starts first: the newest session takes current_session.json, and that is the one we drive.
      const other = spawnClaudeScreen({ command: SHIM, args: [], cwd: home.cwd, env });
      screens.push(other);
      await other.waitFor(READY, 30_000);
      const otherState = await waitForState(current, (state) => state.identifyMethod === 'hooks', 'the idle session');
      const otherFile = join(cwHome, 'state', 'sessions', `${otherState.id}.json`);

      const main = spawnClaudeScreen({ command: SHIM, args: [], cwd: home.cwd, env });
      screens.push(main);
      await main.waitFor(READY, 30_000);
      const ours = await waitForState(current, (state) => state.id !== otherState.id, 'the driven session');
      oursId = ours.id;

      await main.submit('first prompt');
      await main.waitFor('First answer.', 30_000);
      const afterFirst = await waitForState(current, (state) => state.outputTokens === FIRST.output_tokens && state.numTurns === 1, 'the first answer');
      expect(afterFirst.inputTokens).toBe(FIRST.input_tokens);
      expect(afterFirst.costUsd).toBeGreaterThan(0);

      await main.submit('second prompt');
      await main.waitFor('Second answer.', 30_000);
      const afterSecond = await waitForState(current, (state) => state.numTurns === 2, 'the second answer');
      expect(afterSecond.inputTokens).toBe(FIRST.input_tokens + SECOND.input_tokens);
      expect(afterSecond.costUsd!).toBeGreaterThan(afterFirst.costUsd!);

      await main.submit('third prompt');
      await main.waitFor(/You've hit your 5-hour limit/, 30_000);
      // The hook and the screen may tell first (no window; the reset to the minute); the
      // transcript's exact report follows within a moment and stands for the limit.
      const exactReset = new Date(fiveHourReset * 1000).toISOString();
      const limited = await waitForState(current, (state) => state.status === 'RATE_LIMITED' && state.rateLimit?.resetsAt === exactReset, 'the exact 5-hour limit');
      expect(limited.rateLimit).toMatchObject({ kind: 'five_hour', severity: 'limit', resetsAt: new Date(fiveHourReset * 1000).toISOString() });

      // The other session has not sent a thing, yet shows the limit and its reset.
      // The other session may first see the screen's reading of the limit; wait for the exact one it is replaced by.
      const seen = await waitForState(
        otherFile,
        (state) => state.accountLimits.some((limit: { kind: string; resetsAt: string | null }) => limit.kind === 'five_hour' && limit.resetsAt === exactReset),
        "the first session's exact limit",
        10_000,
      );
      expect(seen.accountLimits).toEqual([expect.objectContaining({ kind: 'five_hour', resetsAt: new Date(fiveHourReset * 1000).toISOString(), sessionId: ours.id })]);
      expect(seen.status).toBe('ACTIVE');
      const status = await runProcess(process.execPath, [CW, 'status', '--json'], { env });
      expect((JSON.parse(status.stdout.toString()) as { limits: unknown[] }).limits).toEqual([
        expect.objectContaining({ kind: 'five_hour', resetsAt: new Date(fiveHourReset * 1000).toISOString(), sessionId: ours.id, account: join(home.home, '.claude') }),
      ]);

      // Git dates a commit to the second: the limit was seen by now, so a commit in the next second
      // is certainly later in the log.
      const limitSecond = Math.floor(Date.now() / 1000);
      await until(() => Math.floor(Date.now() / 1000) > limitSecond, 'the next second', { intervalMs: 10 });
      git(['commit', '-q', '--allow-empty', '-m', 'made during the session']);
      await main.submit('fourth prompt');
      await main.waitFor('Fourth answer.', 30_000);
      await main.waitFor(/You've used 80% of your weekly limit/, 30_000);
      const warned = await waitForState(current, (state) => state.rateLimit?.severity === 'warning', 'the weekly warning');
      expect(warned.status).toBe('ACTIVE');
      expect(warned.rateLimit).toMatchObject({ kind: 'seven_day', severity: 'warning', resetsAt: new Date(weeklyReset * 1000).toISOString(), source: 'screen' });
      // The answer proved the 5-hour limit over: the other session stops showing it.
      await waitForState(otherFile, (state) => state.accountLimits.length === 0, 'the limit lifted', 10_000);

      expect((await main.exit(30_000)).exitCode).toBe(0);
      expect((await other.exit(30_000)).exitCode).toBe(0);
    } finally {
      for (const screen of screens) screen.dispose();
    }

    // The session's event log, in order.
    const log = await runProcess(process.execPath, [CW, 'events', '--session', oursId, '--json'], { env });
    const events = (JSON.parse(log.stdout.toString()) as { events: Array<{ type: string; detail: string }> }).events;
    const story = events.map((event) => event.type).filter((type) => type !== 'error');
    expect(story).toEqual(['start', 'prompt', 'answer', 'prompt', 'answer', 'prompt', 'limit', 'git', 'prompt', 'answer', 'warning', 'end']);
    expect(events[0]!.detail).toContain('on branch main');
    expect(events.find((event) => event.type === 'git')!.detail).toMatch(/^commit [0-9a-f]{10} made during the session$/);

    const listed = await runProcess(process.execPath, [CW, 'sessions', '--json'], { env });
    const session = (JSON.parse(listed.stdout.toString()) as { sessions: Array<Record<string, number | string | null>> }).sessions.find((row) => row.id === oursId)!;
    const db = new Database(join(cwHome, 'claudewatch.db'), { readonly: true });
    try {
      const totals = sum(FIRST, SECOND, FOURTH);
      expect(mock.totals()).toMatchObject({
        input_tokens: totals('input_tokens'),
        output_tokens: totals('output_tokens'),
        cache_creation_input_tokens: totals('cache_creation_input_tokens'),
        cache_read_input_tokens: totals('cache_read_input_tokens'),
      });
      expect(session).toMatchObject({
        source: 'wrapped',
        status: 'COMPLETED',
        mode: 'interactive',
        inputTokens: totals('input_tokens'),
        outputTokens: totals('output_tokens'),
        cacheCreationTokens: totals('cache_creation_input_tokens'),
        cacheReadTokens: totals('cache_read_input_tokens'),
        // Answered prompts: the first, the second and the fourth; the third met the limit.
        numTurns: 3,
        costSource: 'claude',
      });
      // Claude's own figure (the transcript's cost line) is the cost; ours agrees with it.
      const reported = Number(session.reportedCostUsd);
      expect(reported).toBeGreaterThan(0);
      expect(session.costUsd).toBe(reported);
      expect(Math.abs(Number(session.computedCostUsd) - reported) / reported).toBeLessThan(0.005);

      const limits = db.prepare('SELECT kind, severity, resets_at, utilization, sources FROM limits WHERE run_id = ? ORDER BY id').all(oursId) as Array<Record<string, unknown>>;
      expect(limits).toContainEqual(expect.objectContaining({ kind: 'five_hour', severity: 'limit', resets_at: fiveHourReset * 1000 }));
      expect(limits).toContainEqual(expect.objectContaining({ kind: 'seven_day', severity: 'warning', resets_at: weeklyReset * 1000, utilization: 0.8 }));
    } finally {
      db.close();
      await home.cleanup();
      await mock.close();
    }
  }, 180_000);
});
