/**
 * One ledger, with the real Claude Code CLI (2.1.330 and 1.0.60) through the shim against the
 * mock API: a session continued in print mode, and an interactive session resumed after /exit.
 * Each run's row holds what that run added; the rows, `cw report` and (2.1.x) Claude's own
 * cumulative cost line agree, each message counted once.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeExecutable, makeClaudeHome, realClaudeBinaries, spawnClaudeScreen, type ClaudeAuth, type ClaudeBinary, type ClaudeHome } from '../support/claude-env.js';
import { startMockAnthropic, type MockAnthropic, type MockUsage } from '../support/mock-anthropic.js';
import { CW, runProcess, SHIM, SHIM_DIR } from '../support/sandbox.js';
import { readStateData } from '../support/state-file.js';
import { until } from '../support/until.js';

const binaries = realClaudeBinaries();
const VERSIONS: Array<{ name: string; binary: ClaudeBinary }> = [
  { name: 'current', binary: binaries.current },
  { name: 'legacy', binary: binaries.legacy },
];

/** Distinct counts per answer, so a message counted twice, or not at all, shows in every total. */
const usageOf = (n: number): MockUsage => ({ input_tokens: 1000 + 111 * n, output_tokens: 20 + 7 * n, cache_creation_input_tokens: 100 * n, cache_read_input_tokens: 4000 + 13 * n });

let scratch: string;
const executables = new Map<string, string>();

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'cw-ledger-real-'));
  for (const version of VERSIONS) {
    mkdirSync(join(scratch, version.name));
    executables.set(version.name, await claudeExecutable(version.binary, join(scratch, version.name)));
  }
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface World {
  mock: MockAnthropic;
  home: ClaudeHome;
  env: Record<string, string>;
}

async function withWorld(version: string, auth: ClaudeAuth, body: (world: World) => Promise<void>): Promise<void> {
  const mock = await startMockAnthropic();
  const home = await makeClaudeHome({ apiUrl: mock.url, auth });
  const env = {
    ...home.env,
    CLAUDEWATCH_HOME: join(home.home, 'claudewatch'),
    CLAUDEWATCH_REAL_CLAUDE: executables.get(version)!,
    PATH: [SHIM_DIR, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
  };
  try {
    await body({ mock, home, env });
  } finally {
    await home.cleanup();
    await mock.close();
  }
}

async function cwJson<T>(world: World, args: string[]): Promise<T> {
  const result = await runProcess(process.execPath, [CW, ...args], { env: world.env });
  expect(result.code, result.stderr.toString()).toBe(0);
  return JSON.parse(result.stdout.toString()) as T;
}

async function sessionRows<T>(world: World): Promise<T[]> {
  return (await cwJson<{ sessions: T[] }>(world, ['sessions', '--json'])).sessions;
}

type Row = { source: string; id: string; claudeSessionId: string; inputTokens: number; outputTokens: number; cacheCreationTokens: number; cacheReadTokens: number; costUsd: number; numTurns: number; model: string | null };
const KINDS = ['inputTokens', 'outputTokens', 'cacheCreationTokens', 'cacheReadTokens'] as const;

/** What the mock answered to conversation requests after the first `skip` requests: the truth a run's row must hold. */
function answered(mock: MockAnthropic, skip: number): Record<(typeof KINDS)[number], number> {
  const totals = mock.totals((request) => request.kind === 'conversation' && request.seq > skip);
  return {
    inputTokens: totals.input_tokens,
    outputTokens: totals.output_tokens,
    cacheCreationTokens: totals.cache_creation_input_tokens,
    cacheReadTokens: totals.cache_read_input_tokens,
  };
}

/** The newest cumulative cost line Claude wrote into any of the project's transcripts (2.1.x). */
function lastCostLine(home: ClaudeHome): number | null {
  let cost: number | null = null;
  for (const name of readdirSync(home.transcriptDir).filter((file) => file.endsWith('.jsonl'))) {
    for (const line of readFileSync(join(home.transcriptDir, name), 'utf8').split('\n')) {
      if (line.includes('"cost-state"')) cost = (JSON.parse(line) as { totalCostUSD: number }).totalCostUSD;
    }
  }
  return cost;
}

/** The rows, the report and the mock agree: every token once, the cost added up. */
async function expectOneLedger(world: World, rows: Row[]): Promise<void> {
  const truth = answered(world.mock, 0);
  for (const kind of KINDS) expect(rows.reduce((sum, row) => sum + row[kind], 0), kind).toBe(truth[kind]);
  const report = await cwJson<{ totals: Record<string, number> }>(world, ['report', '--json']);
  for (const kind of KINDS) expect(report.totals[kind], `report ${kind}`).toBe(truth[kind]);
  const rowsCost = rows.reduce((sum, row) => sum + row.costUsd, 0);
  expect(Math.abs(report.totals.costUsd! - rowsCost) / rowsCost).toBeLessThan(0.005);
  const claudeTotal = lastCostLine(world.home);
  if (claudeTotal !== null) expect(Math.abs(rowsCost - claudeTotal) / claudeTotal).toBeLessThan(0.005);
}

for (const version of VERSIONS) {
  describe(`claude ${version.binary.version}: one ledger`, () => {
    it('print mode continued: json, -c json, -c text; each run holds what it added', async () => {
      await withWorld(version.name, 'api-key', async (world) => {
        const steps = [
          ['-p', 'first', '--output-format', 'json'],
          ['-c', '-p', 'second', '--output-format', 'json'],
          ['-c', '-p', 'third'],
        ];
        const added: Array<ReturnType<typeof answered>> = [];
        for (const [index, args] of steps.entries()) {
          const from = world.mock.requests.length;
          world.mock.enqueue({ type: 'text', text: `Answer ${index + 1}.`, usage: usageOf(index + 1) });
          const run = await runProcess(SHIM, args, { env: world.env, cwd: world.home.cwd, timeoutMs: 60_000 });
          expect(run.code, run.stderr.toString()).toBe(0);
          added.push(answered(world.mock, from));
        }
        const rows = (await sessionRows<Row>(world)).reverse();
        expect(rows.map((row) => row.source)).toEqual(['wrapped', 'wrapped', 'wrapped']);
        rows.forEach((row, index) => {
          expect(row, `run ${index + 1}`).toMatchObject({ ...added[index], numTurns: 1 });
          expect(row.model).toBeTruthy();
        });
        await expectOneLedger(world, rows);
      });
    });

    it('interactive: two prompts, /exit, --resume, one prompt, /exit; the resumed run holds only its own', async () => {
      await withWorld(version.name, 'api-key', async (world) => {
        let asked = 0;
        let runInput = 0;
        const stateFile = join(world.env.CLAUDEWATCH_HOME!, 'state', 'current_session.json');
        const ask = async (screen: ReturnType<typeof spawnClaudeScreen>): Promise<void> => {
          asked += 1;
          const usage = usageOf(asked);
          world.mock.enqueue({ type: 'text', text: `Answer number ${asked}.`, usage });
          await screen.submit(`question ${asked}`);
          await screen.waitFor(`Answer number ${asked}.`, 30_000);
          // Claude draws the answer before it writes it to the transcript and /exit does not wait
          // for that write: go on once the answer's usage has reached the run's state file.
          runInput += usage.input_tokens;
          await until(() => readStateData(stateFile)?.inputTokens === runInput, `answer ${asked}'s usage in the state file`, { seen: () => readStateData(stateFile) });
        };
        const first = spawnClaudeScreen({ command: SHIM, args: [], cwd: world.home.cwd, env: world.env });
        try {
          await first.waitFor(/for shortcuts|shift\+tab/, 30_000);
          await ask(first);
          await ask(first);
          expect((await first.exit(30_000)).exitCode).toBe(0);
        } finally {
          first.dispose();
        }
        const before = answered(world.mock, 0);
        const [firstRun] = await sessionRows<Row>(world);
        const fromResume = world.mock.requests.length;
        runInput = 0;
        const resumed = spawnClaudeScreen({ command: SHIM, args: ['--resume', firstRun!.claudeSessionId], cwd: world.home.cwd, env: world.env });
        try {
          await resumed.waitFor(/for shortcuts|shift\+tab/, 30_000);
          await ask(resumed);
          expect((await resumed.exit(30_000)).exitCode).toBe(0);
        } finally {
          resumed.dispose();
        }
        const rows = (await sessionRows<Row>(world)).reverse();
        expect(rows).toHaveLength(2);
        expect(rows[0]).toMatchObject({ ...before, numTurns: 2 });
        expect(rows[1]).toMatchObject({ ...answered(world.mock, fromResume), numTurns: 1 });
        await expectOneLedger(world, rows);
        // The report of Claude's sessions lists the runs of each.
        const bySession = await cwJson<{ rows: Array<{ key: string; runs: string[] }> }>(world, ['report', 'session', '--json', '--skip-import']);
        expect(bySession.rows.flatMap((row) => row.runs).sort()).toEqual(rows.map((row) => row.id).sort());
      });
    });
  });
}

describe('one definition of a turn', () => {
  for (const version of VERSIONS) {
    it(`${version.binary.version}: one prompt with one tool call is one turn in stream-json and in text`, async () => {
      await withWorld(version.name, 'api-key', async (world) => {
        writeFileSync(join(world.home.cwd, 'notes.txt'), 'some notes\n');
        let claudeTurns: unknown = null;
        for (const format of [['--output-format', 'stream-json', '--verbose'], []]) {
          world.mock.enqueue(
            { type: 'tool_use', name: 'Read', input: { file_path: join(world.home.cwd, 'notes.txt') }, usage: usageOf(1) },
            { type: 'text', text: 'Read it.', usage: usageOf(2) },
          );
          const run = await runProcess(SHIM, ['-p', 'read the notes', ...format], { env: world.env, cwd: world.home.cwd, timeoutMs: 60_000 });
          expect(run.code, run.stderr.toString()).toBe(0);
          if (format.length > 0) claudeTurns = (JSON.parse(run.stdout.toString().trim().split('\n').at(-1)!) as { num_turns: unknown }).num_turns;
        }
        expect(world.mock.requestsOf('conversation')).toHaveLength(4);
        const rows = await sessionRows<Row & { claudeNumTurns: number | null }>(world);
        expect(rows.map((row) => row.numTurns)).toEqual([1, 1]);
        // Claude's own count (its round trips, by its own rules) is kept beside ours, as it reported it.
        expect(rows[1]!.claudeNumTurns).toBe(claudeTurns);
        expect(claudeTurns).toBeGreaterThan(1);
      });
    });
  }
});

describe('claude 2.1.330: limits', () => {
  it('records a subscriber limit in stream-json with the exact instant of Claude’s event, not the minute its text names', async () => {
    await withWorld('current', 'oauth', async (world) => {
      // Seconds past the minute: a time read from "resets 1:12am" would be off by them.
      const resetAt = Math.floor(Date.now() / 1000) + 2 * 3600 + 17 * 60 + 41;
      world.mock.enqueue({ type: 'rate_limit', claim: 'five_hour', resetAt });
      const run = await runProcess(SHIM, ['-p', 'go', '--output-format', 'stream-json', '--verbose'], { env: world.env, cwd: world.home.cwd, timeoutMs: 60_000 });
      expect(run.code).toBe(1);
      const [row] = await sessionRows<{ id: string; rateLimit: { resetsAt: string } }>(world);
      expect(Date.parse(row!.rateLimit.resetsAt)).toBe(resetAt * 1000);
      const events = await cwJson<{ events: Array<{ type: string; detail: string }> }>(world, ['events', '--session', row!.id, '--json']);
      const limits = events.events.filter((event) => event.type === 'limit');
      expect(limits).toHaveLength(1);
      expect(limits[0]!.detail).toContain(new Date(resetAt * 1000).toISOString());
    });
  });
});
