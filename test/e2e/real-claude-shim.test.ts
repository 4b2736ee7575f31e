/**
 * The real Claude Code CLI (2.1.330 native and 1.0.60 cli.js) run through our shim, offline,
 * against the mock Messages API: what Claude prints must reach the user unchanged, and what we
 * record must equal what Claude itself reported.
 */
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  claudeExecutable,
  makeClaudeHome,
  parseJsonLines,
  realClaudeBinaries,
  spawnClaudeScreen,
  type ClaudeAuth,
  type ClaudeBinary,
  type ClaudeHome,
} from '../support/claude-env.js';
import { startMockAnthropic, type MockAnthropic } from '../support/mock-anthropic.js';
import { CW, runProcess, SHIM, SHIM_DIR } from '../support/sandbox.js';
import { roundUsd } from '../../src/core/json-output.js';
import { readStateData } from '../support/state-file.js';
import { until } from '../support/until.js';

const binaries = realClaudeBinaries();
const VERSIONS: Array<{ name: string; binary: ClaudeBinary }> = [
  { name: 'current', binary: binaries.current },
  { name: 'legacy', binary: binaries.legacy },
];
const USAGE = { input_tokens: 1500, output_tokens: 37, cache_creation_input_tokens: 400, cache_read_input_tokens: 6000 };
const ANSWER = 'Recorded through the shim.';

let scratch: string;
const executables = new Map<string, string>();

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'cw-real-'));
  for (const version of VERSIONS) mkdirSync(join(scratch, version.name));
  for (const version of VERSIONS) executables.set(version.name, await claudeExecutable(version.binary, join(scratch, version.name)));
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface World {
  mock: MockAnthropic;
  home: ClaudeHome;
  env: Record<string, string>;
  cwHome: string;
}

async function withWorld<T>(version: string, auth: ClaudeAuth, body: (world: World) => Promise<T>): Promise<T> {
  const mock = await startMockAnthropic();
  const home = await makeClaudeHome({ apiUrl: mock.url, auth });
  const cwHome = join(home.home, 'claudewatch');
  const env = {
    ...home.env,
    CLAUDEWATCH_HOME: cwHome,
    CLAUDEWATCH_REAL_CLAUDE: executables.get(version)!,
    PATH: [SHIM_DIR, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
  };
  try {
    return await body({ mock, home, env, cwHome });
  } finally {
    await home.cleanup();
    await mock.close();
  }
}

async function lastSession(world: World): Promise<Record<string, unknown>> {
  const result = await runProcess(process.execPath, [CW, 'sessions', '--json', '--limit', '1'], { env: world.env });
  expect(result.code, result.stderr.toString()).toBe(0);
  const [session] = (JSON.parse(result.stdout.toString()) as { sessions: Array<Record<string, unknown>> }).sessions;
  expect(session).toBeDefined();
  return session!;
}

for (const version of VERSIONS) {
  describe(`real claude ${version.binary.version} through the shim`, () => {
    for (const format of ['json', 'stream-json'] as const) {
      it(`print mode, ${format}: Claude's output untouched, its cost, turns and durations recorded`, async () => {
        await withWorld(version.name, 'api-key', async (world) => {
          world.mock.enqueue({ type: 'text', text: ANSWER, usage: USAGE });
          const args = ['-p', 'say hi', '--output-format', format, ...(format === 'stream-json' ? ['--verbose'] : [])];
          const run = await runProcess(SHIM, args, { env: world.env, cwd: world.home.cwd, timeoutMs: 60_000 });
          expect(run.code, run.stderr.toString()).toBe(0);
          expect(run.stderr.toString()).toBe('');
          const events = parseJsonLines(run.stdout.toString());
          const result = events.at(-1)!;
          expect(result).toMatchObject({ type: 'result', result: ANSWER });
          const session = await lastSession(world);
          expect(session).toMatchObject({
            status: 'COMPLETED',
            mode: 'print',
            exitCode: 0,
            // Claude's own figure, without the float noise it may carry (0.009940000000000001).
            costUsd: roundUsd(Number(result.total_cost_usd)),
            costSource: 'claude',
            numTurns: result.num_turns,
            durationApiMs: result.duration_api_ms,
            claudeSessionId: result.session_id,
            inputTokens: USAGE.input_tokens,
            // Each message's own counts, from the transcript: 1.0.60's result adds one output token per request.
            outputTokens: USAGE.output_tokens,
            cacheCreationTokens: USAGE.cache_creation_input_tokens,
            cacheReadTokens: USAGE.cache_read_input_tokens,
          });
          expect(session.costUsd).toBeGreaterThan(0);
          // Our own price table agrees with Claude's figure (within 1.0.60's one-token overcount), in
          // every format: the model comes from the transcript where the result names none.
          expect(session.model).toBeTruthy();
          const claudeCost = Number(result.total_cost_usd);
          expect(Math.abs(Number(session.computedCostUsd) - claudeCost) / claudeCost).toBeLessThan(0.005);
          // Claude's duration is inside ours.
          expect(Number(session.durationMs)).toBeGreaterThanOrEqual(Number(result.duration_ms));
        });
      });
    }

    it('a subscriber 5-hour limit: exit 1, RATE_LIMITED then FAILED, the exact reset instant', async () => {
      await withWorld(version.name, 'oauth', async (world) => {
        const resetAt = Math.floor(Date.now() / 60_000) * 60 + 2 * 3600 + 23 * 60;
        world.mock.enqueue({ type: 'rate_limit', claim: 'five_hour', resetAt });
        const run = await runProcess(SHIM, ['-p', 'say hi', '--output-format', 'stream-json', '--verbose'], {
          env: world.env,
          cwd: world.home.cwd,
          timeoutMs: 60_000,
        });
        expect(run.code).toBe(1);
        const session = await lastSession(world);
        expect(session.status).toBe('FAILED');
        const limit = session.rateLimit as { kind: string; resetsAt: string; severity: string };
        expect(limit.severity).toBe('limit');
        expect(limit.kind).toBe(version.name === 'current' ? 'five_hour' : 'subscription');
        expect(Date.parse(limit.resetsAt)).toBe(resetAt * 1000);
        const db = new Database(join(world.cwHome, 'claudewatch.db'), { readonly: true });
        try {
          const kinds = (db.prepare('SELECT kind FROM events WHERE session_id = ? ORDER BY id').all(session.id) as { kind: string }[]).map((row) => row.kind);
          expect(kinds.indexOf('rate-limit')).toBeGreaterThanOrEqual(0);
          expect(kinds.indexOf('rate-limit')).toBeLessThan(kinds.indexOf('child-exited'));
        } finally {
          db.close();
        }
      });
    });

    it('text mode: the answer untouched; tokens, turns and cost come from the transcript', async () => {
      await withWorld(version.name, 'api-key', async (world) => {
        world.mock.enqueue({ type: 'text', text: ANSWER, usage: USAGE });
        const run = await runProcess(SHIM, ['-p', 'say hi'], { env: world.env, cwd: world.home.cwd, timeoutMs: 60_000 });
        expect(run.code, run.stderr.toString()).toBe(0);
        expect(run.stdout.toString()).toBe(`${ANSWER}\n`);
        expect(run.stderr.toString()).toBe('');
        const session = await lastSession(world);
        expect(session).toMatchObject({
          status: 'COMPLETED',
          mode: 'print',
          identifyMethod: version.name === 'current' ? 'hooks' : 'session-id',
          numTurns: 1,
          inputTokens: USAGE.input_tokens,
          outputTokens: USAGE.output_tokens,
          cacheCreationTokens: USAGE.cache_creation_input_tokens,
          cacheReadTokens: USAGE.cache_read_input_tokens,
        });
        expect(Number(session.costUsd)).toBeGreaterThan(0);
      });
    });

    it('text mode: the legacy limit text with its epoch is matched when the run fails', async () => {
      await withWorld(version.name, 'oauth', async (world) => {
        const resetAt = Math.floor(Date.now() / 60_000) * 60 + 3600;
        world.mock.enqueue({ type: 'rate_limit', claim: 'five_hour', resetAt });
        const run = await runProcess(SHIM, ['-p', 'say hi'], { env: world.env, cwd: world.home.cwd, timeoutMs: 60_000 });
        expect(run.code).toBe(1);
        const session = await lastSession(world);
        expect(session).toMatchObject({ status: 'FAILED', mode: 'print' });
        expect(Date.parse((session.rateLimit as { resetsAt: string }).resetsAt)).toBe(resetAt * 1000);
      });
    });
  });
}

describe('the interactive screen through the shim (real pty)', () => {
  for (const version of VERSIONS) {
    it(`${version.binary.version}: prompt answered, /exit, exit 0, terminal settings restored, COMPLETED`, async () => {
      await withWorld(version.name, 'api-key', async (world) => {
        world.mock.enqueue({ type: 'text', text: ANSWER, usage: USAGE });
        const before = join(world.home.home, 'stty-before');
        const after = join(world.home.home, 'stty-after');
        const script = `stty -g > '${before}'; '${SHIM}'; code=$?; stty -g > '${after}'; exit $code`;
        const screen = spawnClaudeScreen({ command: '/bin/sh', args: ['-c', script], cwd: world.home.cwd, env: world.env });
        try {
          await screen.waitFor(/for shortcuts|shift\+tab/, 30_000);
          await screen.submit('say hi');
          await screen.waitFor(ANSWER, 30_000);
          // Claude draws the answer before it writes it to the transcript (1.0.60 first asks git
          // for the branch), and /exit does not wait for that write: exit once the transcript's
          // usage has reached our state file, or a busy machine loses it with Claude.
          const stateFile = join(world.cwHome, 'state', 'current_session.json');
          await until(() => readStateData(stateFile)?.inputTokens === USAGE.input_tokens, 'the answer’s usage in the state file', {
            seen: () => readStateData(stateFile),
          });
          const exit = await screen.exit(30_000);
          expect(exit.exitCode).toBe(0);
        } finally {
          screen.dispose();
        }
        expect(readFileSync(after, 'utf8')).toBe(readFileSync(before, 'utf8'));
        const session = await lastSession(world);
        expect(session).toMatchObject({
          status: 'COMPLETED',
          mode: 'interactive',
          exitCode: 0,
          // 2.1.330 takes our hooks; 1.0.60 has no --settings, so we choose its session id.
          identifyMethod: version.name === 'current' ? 'hooks' : 'session-id',
          numTurns: 1,
          inputTokens: USAGE.input_tokens,
          outputTokens: USAGE.output_tokens,
          cacheCreationTokens: USAGE.cache_creation_input_tokens,
          cacheReadTokens: USAGE.cache_read_input_tokens,
        });
        expect(session.transcriptPath).toBe(join(world.home.transcriptDir, `${String(session.claudeSessionId)}.jsonl`));
        expect(Number(session.costUsd)).toBeGreaterThan(0);
      });
    });
  }
});
