/**
 * Smoke test of the offline harness: the real Claude Code CLI (2.1.330 native and 1.0.60
 * cli.js), run directly, against the mock Messages API. The expected texts and quirks below
 * were observed with these exact versions; a version bump may change them.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  makeClaudeHome,
  parseJsonLines,
  realClaudeBinaries,
  runClaude,
  spawnClaudeScreen,
  type ClaudeAuth,
  type ClaudeBinary,
  type ClaudeHome,
} from '../support/claude-env.js';
import { startMockAnthropic, type MockAnthropic, type MockUsage } from '../support/mock-anthropic.js';

// Guards against a hang, not limits on speed: a -p run of 1.0.60 that takes 3 s on an idle
// machine took over 30 s on one with two cores and fifteen runnable processes. The run's own
// limit stays under the test's 60 s, so a hang is reported with what the CLI printed.
const RUN_TIMEOUT_MS = 50_000;
const SCREEN_TIMEOUT_MS = 30_000;

interface VersionCase {
  name: 'current' | 'legacy';
  binary: ClaudeBinary;
  /** 1.0.60 adds message_start's output_tokens (1 from the mock) to message_delta's. */
  outputOvercountPerRequest: number;
  /** Default model with an API key, and its list price in USD per million tokens. */
  apiKeyModel: string;
  price: { input: number; output: number };
  rateLimitText: (resetAt: number) => string;
  /** Events of a subscriber 429 in stream-json, in order, besides init. */
  rateLimitEvents: string[];
  screenReady: RegExp;
}

const binaries = realClaudeBinaries();

/** "8am", "8:17am", "12:30pm": the reset clock as 2.1.330 prints it (TZ=UTC). */
function clock(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const h = d.getUTCHours();
  const m = d.getUTCMinutes();
  return `${h % 12 || 12}${m ? `:${String(m).padStart(2, '0')}` : ''}${h < 12 ? 'am' : 'pm'}`;
}

const VERSIONS: VersionCase[] = [
  {
    name: 'current',
    binary: binaries.current,
    outputOvercountPerRequest: 0,
    apiKeyModel: 'claude-opus-5-5',
    price: { input: 4, output: 20 },
    rateLimitText: (resetAt) => `You've hit your 5-hour limit · resets ${clock(resetAt)} (UTC)`,
    rateLimitEvents: ['rate_limit_event', 'assistant', 'result'],
    screenReady: /shift\+tab to cycle|\? for shortcuts/,
  },
  {
    name: 'legacy',
    binary: binaries.legacy,
    outputOvercountPerRequest: 1,
    apiKeyModel: 'claude-sonnet-4-20250514',
    price: { input: 3, output: 15 },
    rateLimitText: (resetAt) => `Claude AI usage limit reached|${resetAt}`,
    rateLimitEvents: ['assistant', 'result'],
    screenReady: /\? for shortcuts/,
  },
];

interface Offline {
  mock: MockAnthropic;
  home: ClaudeHome;
}

async function offline<T>(auth: ClaudeAuth, fn: (ctx: Offline) => Promise<T>): Promise<T> {
  const mock = await startMockAnthropic();
  let home: ClaudeHome | undefined;
  try {
    home = await makeClaudeHome({ apiUrl: mock.url, auth });
    return await fn({ mock, home });
  } finally {
    await home?.cleanup();
    await mock.close();
  }
}

function printRun(v: VersionCase, { home }: Offline, args: string[]) {
  return runClaude(v.binary, ['-p', 'say hi', ...args], { env: home.env, cwd: home.cwd, timeoutMs: RUN_TIMEOUT_MS });
}

/** The CLI's usage object against what the mock sent, allowing for 1.0.60's output overcount. */
function expectUsageMatches(v: VersionCase, mock: MockAnthropic, usage: unknown): void {
  const sent = mock.totals((r) => r.kind === 'conversation');
  const requests = mock.requestsOf('conversation').length;
  expect(usage).toMatchObject({
    input_tokens: sent.input_tokens,
    cache_creation_input_tokens: sent.cache_creation_input_tokens,
    cache_read_input_tokens: sent.cache_read_input_tokens,
    output_tokens: sent.output_tokens + v.outputOvercountPerRequest * requests,
  });
}

const ANSWER = 'Hi! This answer came from the mock.';
const PLAIN_USAGE: MockUsage = { input_tokens: 1200, output_tokens: 15 };
const CACHED_USAGE: MockUsage = {
  input_tokens: 900,
  output_tokens: 42,
  cache_creation_input_tokens: 300,
  cache_read_input_tokens: 5000,
};

for (const v of VERSIONS) describe(`real claude ${v.binary.version} offline (${v.name})`, () => {
  it('prints the answer with --output-format text', async () => {
    await offline('api-key', async (ctx) => {
      ctx.mock.enqueue({ type: 'text', text: ANSWER, usage: PLAIN_USAGE });
      const run = await printRun(v, ctx, ['--output-format', 'text']);
      expect(run).toMatchObject({ exitCode: 0, stdout: `${ANSWER}\n`, stderr: '', timedOut: false });
      // With the offline variables, one model call and nothing else.
      expect(ctx.mock.requests.map((r) => r.kind)).toEqual(['conversation']);
    });
  });

  it('reports result, cost and the mock usage with --output-format json', async () => {
    await offline('api-key', async (ctx) => {
      ctx.mock.enqueue({ type: 'text', text: ANSWER, usage: PLAIN_USAGE });
      const run = await printRun(v, ctx, ['--output-format', 'json']);
      expect(run).toMatchObject({ exitCode: 0, stderr: '' });
      const result = JSON.parse(run.stdout) as Record<string, unknown>;
      expect(result).toMatchObject({ type: 'result', subtype: 'success', is_error: false, result: ANSWER, num_turns: 1 });
      expect(result['duration_ms']).toEqual(expect.any(Number));
      expectUsageMatches(v, ctx.mock, result['usage']);
      const out = PLAIN_USAGE.output_tokens + v.outputOvercountPerRequest;
      const cost = (PLAIN_USAGE.input_tokens * v.price.input + out * v.price.output) / 1e6;
      expect(result['total_cost_usd']).toBeCloseTo(cost, 9);
      expect(ctx.mock.requestsOf('conversation')[0]?.body).toMatchObject({ model: v.apiKeyModel, stream: true });
    });
  });

  it('streams init, assistant and result events with --output-format stream-json --verbose', async () => {
    await offline('api-key', async (ctx) => {
      ctx.mock.enqueue({ type: 'text', text: ANSWER, usage: CACHED_USAGE });
      const run = await printRun(v, ctx, ['--output-format', 'stream-json', '--verbose']);
      expect(run).toMatchObject({ exitCode: 0, stderr: '' });
      const events = parseJsonLines(run.stdout);
      const init = events[0];
      const result = events.at(-1);
      expect(init).toMatchObject({ type: 'system', subtype: 'init', model: v.apiKeyModel });
      expect(result).toMatchObject({ type: 'result', subtype: 'success', is_error: false, result: ANSWER, num_turns: 1 });
      expect(result?.['session_id']).toBe(init?.['session_id']);
      expect(result?.['total_cost_usd']).toBeGreaterThan(0);
      expect(result?.['duration_ms']).toEqual(expect.any(Number));
      expectUsageMatches(v, ctx.mock, result?.['usage']);
      const assistant = events.find((e) => e['type'] === 'assistant');
      expect(assistant?.['message']).toMatchObject({ id: ctx.mock.requestsOf('conversation')[0]?.response.messageId });
      const transcript = path.join(ctx.home.transcriptDir, `${String(init?.['session_id'])}.jsonl`);
      expect(existsSync(transcript)).toBe(true);
    });
  });

  it('refuses -p stream-json without --verbose', async () => {
    await offline('api-key', async (ctx) => {
      const run = await printRun(v, ctx, ['--output-format', 'stream-json']);
      expect(run).toMatchObject({ exitCode: 1, stdout: '' });
      expect(run.stderr).toBe('Error: When using --print, --output-format=stream-json requires --verbose\n');
      expect(ctx.mock.requests).toHaveLength(0);
    });
  });

  describe('subscriber five-hour limit (HTTP 429)', () => {
    // Whole minutes: the CLI prints the clock without seconds.
    const resetAt = Math.floor(Date.now() / 60_000) * 60 + 3 * 3600 + 17 * 60;

    it('prints the limit text and exits 1 in text mode', async () => {
      await offline('oauth', async (ctx) => {
        ctx.mock.enqueue({ type: 'rate_limit', claim: 'five_hour', resetAt });
        const run = await printRun(v, ctx, ['--output-format', 'text']);
        expect(run).toMatchObject({ exitCode: 1, stdout: `${v.rateLimitText(resetAt)}\n`, stderr: '' });
      });
    });

    it('emits the limit as events in stream-json', async () => {
      await offline('oauth', async (ctx) => {
        ctx.mock.enqueue({ type: 'rate_limit', claim: 'five_hour', resetAt });
        const run = await printRun(v, ctx, ['--output-format', 'stream-json', '--verbose']);
        expect(run).toMatchObject({ exitCode: 1, stderr: '' });
        const events = parseJsonLines(run.stdout);
        expect(events.map((e) => e['type'])).toEqual(['system', ...v.rateLimitEvents]);
        const result = events.at(-1);
        expect(result).toMatchObject({ subtype: 'success', is_error: true, result: v.rateLimitText(resetAt), total_cost_usd: 0 });
        const assistant = events.find((e) => e['type'] === 'assistant');
        expect(assistant?.['message']).toMatchObject({ model: '<synthetic>' });
        if (v.name === 'current') {
          expect(events.find((e) => e['type'] === 'rate_limit_event')).toMatchObject({
            rate_limit_info: { status: 'rejected', rateLimitType: 'five_hour', resetsAt: resetAt },
          });
          expect(assistant).toMatchObject({ error: 'rate_limit', api_error: 'usage_limit_reached', api_error_status: 429 });
          expect(result).toMatchObject({ api_error: 'usage_limit_reached', api_error_status: 429, terminal_reason: 'api_error' });
        } else {
          // 1.0.60: no api_error fields; the text is the only signal.
          expect(result).not.toHaveProperty('api_error');
        }
      });
    });
  });

  it('answers on the interactive screen and exits 0 on /exit', async () => {
    await offline('api-key', async (ctx) => {
      ctx.mock.enqueue({ type: 'text', text: ANSWER, usage: PLAIN_USAGE });
      const screen = spawnClaudeScreen({ command: v.binary.command, args: v.binary.args, cwd: ctx.home.cwd, env: ctx.home.env });
      try {
        await screen.waitFor(v.screenReady, SCREEN_TIMEOUT_MS);
        await screen.submit('say hi');
        await screen.waitFor(ANSWER, SCREEN_TIMEOUT_MS);
        expect(screen.history()).toContain('say hi');
        const exit = await screen.exit(SCREEN_TIMEOUT_MS);
        expect(exit.exitCode).toBe(0);
        expect(ctx.mock.requestsOf('conversation')).toHaveLength(1);
        if (v.name === 'current') {
          expect(screen.screen()).toMatch(/Resume this session with:\nclaude --resume [0-9a-f-]{36}/);
        } else {
          expect(screen.history()).toMatch(/Total cost: +\$\d+\.\d+/);
        }
      } finally {
        screen.dispose();
      }
    });
  });
});
