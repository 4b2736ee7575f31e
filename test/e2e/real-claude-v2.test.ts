/**
 * Claude Code 2.0.0 (cli.js) through the shim, offline against the mock, with subscriber auth.
 * Its limit texts are its own, with a reset to the minute and no zone: "Session limit reached ∙
 * resets 6:09am", and, when the subscriber has no extra usage left, "Spending cap reached
 * resets 6:09am". A 5-hour 429 must make the session RATE_LIMITED, with its reset, either way.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { claudeExecutable, makeClaudeHome, realClaudeBinaries } from '../support/claude-env.js';
import { startMockAnthropic } from '../support/mock-anthropic.js';
import { CW, runProcess, SHIM, SHIM_DIR } from '../support/sandbox.js';

let scratch: string;
let claude: string;
beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'cw-v2-'));
  claude = await claudeExecutable(realClaudeBinaries().v2, scratch);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// The spending cap's words do not say which window ran out: only that the plan's use is spent.
const CASES = [
  { format: 'text', overage: undefined, words: 'Session limit reached ∙ resets', kind: 'five_hour' },
  { format: 'stream-json', overage: undefined, words: 'Session limit reached ∙ resets', kind: 'five_hour' },
  { format: 'text', overage: 'rejected', words: 'Spending cap reached resets', kind: 'subscription' },
  { format: 'stream-json', overage: 'rejected', words: 'Spending cap reached resets', kind: 'subscription' },
] as const;

for (const { format, overage, words, kind } of CASES) {
  it(`2.0.0, subscriber, a 5-hour 429 in print mode (${format}), "${words}": RATE_LIMITED with its reset, then FAILED`, async () => {
    const mock = await startMockAnthropic();
    const home = await makeClaudeHome({ apiUrl: mock.url, auth: 'oauth' });
    try {
      // 2.0.0 names the reset to the minute, in the local zone (TZ=UTC here).
      const resetAt = Math.floor(Date.now() / 60_000) * 60 + 2 * 3600 + 23 * 60;
      mock.enqueue({ type: 'rate_limit', claim: 'five_hour', resetAt, ...(overage ? { overageStatus: overage } : {}) });
      const cwHome = join(home.home, 'claudewatch');
      const heard = join(home.home, 'statuses.txt');
      mkdirSync(cwHome, { recursive: true });
      writeFileSync(join(cwHome, 'config.json'), JSON.stringify({ callbacks: { commands: [`printf '%s\\n' "$CLAUDEWATCH_STATUS" >> '${heard}'`] } }));
      const env = { ...home.env, CLAUDEWATCH_HOME: cwHome, CLAUDEWATCH_REAL_CLAUDE: claude, PATH: [SHIM_DIR, dirname(process.execPath), '/usr/bin', '/bin'].join(':') };
      const args = ['-p', 'say hi', ...(format === 'stream-json' ? ['--output-format', 'stream-json', '--verbose'] : [])];
      const run = await runProcess(SHIM, args, { env, cwd: home.cwd, timeoutMs: 60_000 });
      expect(run.code).toBe(1);
      expect(run.stdout.toString()).toContain(words);

      expect(readFileSync(heard, 'utf8').trim().split('\n')).toEqual(['ACTIVE', 'RATE_LIMITED', 'FAILED']);
      const listed = JSON.parse((await runProcess(process.execPath, [CW, 'sessions', '--json', '--limit', '1'], { env })).stdout.toString()) as unknown;
      const [session] = (Array.isArray(listed) ? listed : (listed as { sessions: unknown[] }).sessions) as Array<{ rateLimit: { kind: string; severity: string; resetsAt: string } }>;
      expect(session!.rateLimit).toMatchObject({ kind, severity: 'limit', resetsAt: new Date(resetAt * 1000).toISOString() });
    } finally {
      await home.cleanup();
      await mock.close();
    }
  });
}
