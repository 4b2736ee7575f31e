/**
 * A wrapped session killed with SIGKILL (no clean end, no last write) is shown INTERRUPTED by the
 * next command, with the usage its transcript holds, even the lines written after our last write.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isProcessAlive } from '../../src/shared/identity.js';
import { claudeExecutable, makeClaudeHome, realClaudeBinaries, spawnClaudeScreen } from '../support/claude-env.js';
import { startMockAnthropic, type MockUsage } from '../support/mock-anthropic.js';
import { CW, runProcess, SHIM, SHIM_DIR } from '../support/sandbox.js';
import { until } from '../support/until.js';

const USAGE: MockUsage = { input_tokens: 2100, output_tokens: 44, cache_creation_input_tokens: 500, cache_read_input_tokens: 9000 };

let scratch: string;
let executable: string;
beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'cw-kill-'));
  executable = await claudeExecutable(realClaudeBinaries().current, scratch);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it('SIGKILL of the runner: INTERRUPTED at the next cw status, with the usage the transcript holds', async () => {
  const mock = await startMockAnthropic();
  const home = await makeClaudeHome({ apiUrl: mock.url, auth: 'api-key' });
  const env = {
    ...home.env,
    CLAUDEWATCH_HOME: join(home.home, 'claudewatch'),
    CLAUDEWATCH_REAL_CLAUDE: executable,
    PATH: [SHIM_DIR, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
  };
  mock.enqueue({ type: 'text', text: 'Answered before the kill.', usage: USAGE });
  const screen = spawnClaudeScreen({ command: SHIM, args: [], cwd: home.cwd, env });
  try {
    await screen.waitFor(/for shortcuts|shift\+tab/, 30_000);
    await screen.submit('one prompt');
    await screen.waitFor('Answered before the kill.', 30_000);
    // No grace: the runner dies at once, possibly before it wrote what the transcript now holds.
    process.kill(screen.pid, 'SIGKILL');
    await screen.exited;
  } finally {
    screen.dispose();
  }
  try {
    const list = async (): Promise<Array<Record<string, unknown>>> => {
      const result = await runProcess(process.execPath, [CW, 'sessions', '--json'], { env });
      return (JSON.parse(result.stdout.toString()) as { sessions: Array<Record<string, unknown>> }).sessions;
    };
    const [recorded] = await list();
    // Claude itself goes down with the terminal it lost; until then the session is still live.
    await until(() => !isProcessAlive(Number(recorded!.pid)), 'claude to exit');
    const status = await runProcess(process.execPath, [CW, 'status', '--json'], { env });
    expect(status.code).toBe(0);
    expect((JSON.parse(status.stdout.toString()) as { live: unknown[] }).live).toEqual([]);
    const [session] = await list();
    expect(session).toMatchObject({
      status: 'INTERRUPTED',
      mode: 'interactive',
      numTurns: 1,
      inputTokens: USAGE.input_tokens,
      outputTokens: USAGE.output_tokens,
      cacheCreationTokens: USAGE.cache_creation_input_tokens,
      cacheReadTokens: USAGE.cache_read_input_tokens,
    });
    expect(Number(session!.costUsd)).toBeGreaterThan(0);
  } finally {
    await home.cleanup();
    await mock.close();
  }
}, 120_000);
