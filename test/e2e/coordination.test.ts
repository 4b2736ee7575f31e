/**
 * What sessions of one account share, by isolation level: limits reach every shared session, an
 * isolated one neither publishes nor reads them, a unified one lists its peers.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSandbox, CW_RUN, fakeScript, installFakeClaude, runProcess, SHIM, type FakeStep, type Sandbox } from '../support/sandbox.js';
import { until } from '../support/until.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = createSandbox();
  installFakeClaude(sandbox);
});
afterEach(() => sandbox.cleanup());

const PRINT = ['-p', 'go', '--output-format', 'stream-json', '--verbose'];
const init = (id: string): FakeStep => ({ out: `{"type":"system","subtype":"init","session_id":"${id}","model":"claude-sonnet-4-5"}\n` });
const result = (id: string): FakeStep => ({ out: `{"type":"result","subtype":"success","is_error":false,"num_turns":1,"total_cost_usd":0.01,"session_id":"${id}"}\n` });
const limit = (resetsAt: number, window = 'five_hour'): FakeStep => ({
  out: `{"type":"rate_limit_event","rate_limit_info":{"status":"rejected","rateLimitType":"${window}","resetsAt":${resetsAt}}}\n`,
});

interface View {
  claudeSessionId: string | null;
  isolation: string;
  accountLimits: Array<{ kind: string; resetsAt: string }>;
  accountPeers: Array<{ id: string }>;
  id: string;
}

function stateOf(claudeSessionId: string): View | null {
  const dir = join(sandbox.cwHome, 'state', 'sessions');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return null;
  }
  for (const name of names.filter((entry) => entry.endsWith('.json'))) {
    try {
      const view = (JSON.parse(readFileSync(join(dir, name), 'utf8')) as { data: View }).data;
      if (view.claudeSessionId === claudeSessionId) return view;
    } catch {
      // Being replaced right now; the next poll reads it.
    }
  }
  return null;
}

const run = (command: string, args: string[], steps: FakeStep[]) => {
  // dist/ files are not executable until npm links them; the shim is a script of its own.
  const [file, argv] = command === CW_RUN ? [process.execPath, [CW_RUN, ...args]] : [command, args];
  return runProcess(file, argv, { env: { ...sandbox.env, FAKE_CLAUDE_SCRIPT: fakeScript(steps) }, timeoutMs: 60_000 });
};

describe('coordination between sessions of one account', () => {
  it('shares limits with shared sessions only, and lists peers for a unified one', async () => {
    const resetsAt = Math.floor(Date.now() / 1000) + 7200;
    // A long shared session that only watches.
    const watcher = run(SHIM, PRINT, [init('watcher'), { sleep: 9000 }, result('watcher')]);
    await until(() => stateOf('watcher'), 'the watching session');

    // An isolated session meets a weekly limit: nobody else hears of it.
    const isolated = await run(CW_RUN, ['--no-coordination', '--', ...PRINT], [init('isolated'), limit(resetsAt - 600, 'seven_day'), result('isolated')]);
    expect(isolated.code).toBe(0);
    expect(stateOf('isolated')).toMatchObject({ isolation: 'complete', accountLimits: [] });

    // A shared session meets the 5-hour one after it: the watcher shows that, with its reset, and
    // never the weekly one, which it would list beside it had it been published.
    const shared = await run(SHIM, PRINT, [init('shared'), limit(resetsAt), result('shared')]);
    expect(shared.code).toBe(0);
    const seen = await until(() => {
      const limits = stateOf('watcher')?.accountLimits ?? [];
      return limits.length > 0 ? limits : null;
    }, "the shared session's limit");
    expect(seen).toEqual([expect.objectContaining({ kind: 'five_hour', resetsAt: new Date(resetsAt * 1000).toISOString() })]);

    // A unified session lists the account's other live sessions.
    const unified = run(CW_RUN, ['--isolation', 'unified', '--', ...PRINT], [init('unified'), { sleep: 2500 }, result('unified')]);
    const watcherId = stateOf('watcher')!.id;
    const peers = await until(() => {
      const listed = stateOf('unified')?.accountPeers ?? [];
      return listed.length > 0 ? listed : null;
    }, 'the unified session’s peers');
    expect(peers.map((peer) => peer.id)).toContain(watcherId);
    expect(stateOf('watcher')!.accountPeers).toEqual([]);
    expect((await unified).code).toBe(0);
    expect((await watcher).code).toBe(0);
  }, 60_000);

  it('refuses an unknown isolation level before running Claude', async () => {
    const refused = await run(CW_RUN, ['--isolation', 'partial', '--', ...PRINT], [init('x'), result('x')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.toString()).toContain('--isolation must be one of complete, shared-learning, unified; got "partial".');
  });
});
