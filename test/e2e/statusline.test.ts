/**
 * `cw statusline` as Claude runs it: the built entry, Claude's statusline JSON on stdin, and state
 * files written by real wrapped runs (the fake claude through the shim).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFixture } from '../support/fixtures.js';
import { createSandbox, CW, CW_STATUSLINE, fakeScript, installFakeClaude, runCw, runProcess, SHIM, SHIM_DIR, type Sandbox } from '../support/sandbox.js';
import { until } from '../support/until.js';

const HOUR_S = 3600;
/**
 * The fixture's windows reset long ago, and a reading of a window that has reset is not shown:
 * they are moved to reset 3 and 100 hours from now, plus half a minute (the countdown reads 3h 01m,
 * or 3h 00m on a slow run).
 */
const FIXTURE_LINES = readFixture('statusline', 'v2.1.283-stdin.jsonl')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => {
    const input = JSON.parse(line) as { rate_limits: Record<string, { resets_at: number }> };
    const now = Math.floor(Date.now() / 1000) + 30;
    input.rate_limits.five_hour!.resets_at = now + 3 * HOUR_S;
    input.rate_limits.seven_day!.resets_at = now + 100 * HOUR_S;
    return JSON.stringify(input);
  });
/** What the windows of the fixture lines read as: 47% of the 5-hour window, 81% of the week, each with its countdown. */
const WINDOWS = String.raw`5h 47% \((?:3h 01m|3h 00m)\) · 7d 81% \(4d 4h\)`;
/** The Claude session the 2.1.283 statusline fixture names. */
const FIXTURE_SESSION = '8c4aa734-6a96-530d-ad2b-fb120752d4b3';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = createSandbox();
  installFakeClaude(sandbox);
});
afterEach(() => sandbox.cleanup());

async function statusline(stdin: string, env: Record<string, string> = {}, args: string[] = []): Promise<string> {
  const result = await runProcess(process.execPath, [CW_STATUSLINE, ...args], { env: { ...sandbox.env, ...env }, stdin });
  expect(result).toMatchObject({ code: 0, signal: null });
  expect(result.stderr.toString()).toBe('');
  const out = result.stdout.toString();
  expect(out.endsWith('\n') && !out.slice(0, -1).includes('\n')).toBe(true);
  return out.slice(0, -1);
}

interface StateData {
  id: string;
  status: string;
  claudeSessionId: string | null;
  rateLimit: { kind: string; severity: string; resetsAt: string | null; source: string } | null;
  limitWindows: Record<string, { utilization: number; resetsAt: string | null }>;
}

function sessionStates(): StateData[] {
  const dir = join(sandbox.cwHome, 'state', 'sessions');
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.json') && !name.startsWith('.'));
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    try {
      return [(JSON.parse(readFileSync(join(dir, name), 'utf8')) as { data: StateData }).data];
    } catch {
      return [];
    }
  });
}

/** Waits on the state files, showing them all if time runs out. */
const SESSIONS = { intervalMs: 100, seen: sessionStates };

describe('cw statusline', () => {
  it('prints one line for each statusline fixture, with our state filling what Claude leaves out', async () => {
    const events = [
      { type: 'system', subtype: 'init', session_id: FIXTURE_SESSION, model: 'claude-opus-5-5' },
      { type: 'result', subtype: 'success', is_error: false, num_turns: 1, total_cost_usd: 0.42, session_id: FIXTURE_SESSION },
    ];
    const run = await runProcess(SHIM, ['-p', 'hi', '--output-format', 'stream-json', '--verbose'], {
      env: { ...sandbox.env, FAKE_CLAUDE_SCRIPT: fakeScript([{ out: `${events.map((event) => JSON.stringify(event)).join('\n')}\n` }]) },
    });
    expect(run.code).toBe(0);
    expect(sessionStates()).toMatchObject([{ status: 'COMPLETED', claudeSessionId: FIXTURE_SESSION }]);

    const lines = [];
    for (const input of FIXTURE_LINES) lines.push(await statusline(input));
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^Opus 5\\.5 \\(1M context\\) · \\$206\\.36 · ${WINDOWS}$`)),
      expect.stringMatching(new RegExp(`^Opus 5\\.5 \\(1M context\\) · \\$206\\.36 · ${WINDOWS}$`)),
      expect.stringMatching(new RegExp(`^Opus 5\\.5 \\(1M context\\) · \\$206\\.45 · ${WINDOWS}$`)),
    ]);
    // Through `cw` too, and in colour unless NO_COLOR says otherwise.
    const viaCw = await runProcess(process.execPath, [CW, 'statusline'], { env: sandbox.env, stdin: FIXTURE_LINES[2]! });
    expect(viaCw.stdout.toString()).toMatch(new RegExp(`^Opus 5\\.5 \\(1M context\\) · \\$206\\.45 · ${WINDOWS}\\n$`));
    const { NO_COLOR: _off, ...colourEnv } = sandbox.env;
    const coloured = await runProcess(process.execPath, [CW_STATUSLINE], { env: colourEnv, stdin: FIXTURE_LINES[2]! });
    expect(coloured.stdout.toString()).toMatch(/^\x1b\[36mOpus 5\.5 \(1M context\)\x1b\[0m · \$206\.45 · 5h \x1b\[32m47%\x1b\[0m \(.+\) · 7d \x1b\[33m81%\x1b\[0m \(4d 4h\)\n$/);

    // Without Claude's model and cost, the recorded session's are shown.
    expect(await statusline(JSON.stringify({ session_id: FIXTURE_SESSION }))).toBe('claude-opus-5-5 · $0.42');
    // Another Claude session's cost is not this one's.
    expect(await statusline(JSON.stringify({ session_id: 'someone-else', model: { id: 'claude-haiku-5' } }))).toBe('claude-haiku-5');
    for (const bad of ['', '{', 'null', '[]', '{"model":{"display_name":7}}']) expect(await statusline(bad)).toBe('claude');
  });

  it('runs the user’s own statusline after ours with the same input, within its time limit', async () => {
    const input = FIXTURE_LINES[0]!;
    expect(await statusline(input, {}, ['--then', `sed -n 's/.*"version":"\\([^"]*\\)".*/v\\1/p'`])).toMatch(new RegExp(`^Opus 5\\.5 \\(1M context\\) · \\$206\\.36 · ${WINDOWS} │ v2\\.1\\.283$`));
    const started = Date.now();
    expect(await statusline(input, {}, ['--then', 'exec sleep 20'])).toMatch(new RegExp(`^Opus 5\\.5 \\(1M context\\) · \\$206\\.36 · ${WINDOWS}$`));
    expect(Date.now() - started).toBeLessThan(6000);
  });

  it('passes Claude’s limit readings to the running wrapped session, which shows the limit', async () => {
    const running = runProcess(SHIM, ['-p', 'hi'], {
      env: { ...sandbox.env, FAKE_CLAUDE_VERSION: '2.1.330', FAKE_CLAUDE_SCRIPT: fakeScript([{ sleep: 10_000 }, { out: 'done\n' }]) },
      timeoutMs: 40_000,
    });
    const inboxDir = join(sandbox.cwHome, 'state', 'inbox');
    const inbox = await until(() => {
      const [name] = readdirSync(inboxDir).filter((entry) => entry.endsWith('.jsonl'));
      return name ? join(inboxDir, name) : null;
    }, 'the session’s inbox', SESSIONS);
    const ours = await until(() => sessionStates().find((state) => state.status === 'ACTIVE'), 'a running session', SESSIONS);
    const reset = Math.floor(Date.now() / 1000) + 2 * 3600;
    const reading = (percent: number, sessionId: string) =>
      JSON.stringify({ session_id: sessionId, model: { id: 'claude-sonnet-5', display_name: 'Sonnet 5' }, cost: { total_cost_usd: 0.1 }, rate_limits: { five_hour: { used_percentage: percent, resets_at: reset } } });

    // Before our hooks have named the Claude session, the session Claude's environment names takes the reading.
    expect(await statusline(reading(47, 'claude-live-1'), { CLAUDEWATCH_PARENT_SESSION: ours.id })).toMatch(/^Sonnet 5 · \$0\.10 · 5h 47% \((?:1h 59m|2h 00m)\)$/);
    await until(() => sessionStates().find((state) => state.limitWindows.five_hour?.utilization === 0.47), 'the 47% reading', SESSIONS);

    // Claude's SessionStart hook names it; from then on the Claude session id finds it.
    const hook = await runProcess('/bin/sh', [join(SHIM_DIR, 'claudewatch-hook'), inbox], {
      env: { PATH: '/usr/bin:/bin' },
      stdin: JSON.stringify({ hook_event_name: 'SessionStart', session_id: 'claude-live-1', transcript_path: join(sandbox.root, 'claude-live-1.jsonl'), source: 'startup' }),
    });
    expect(hook.code).toBe(0);
    await until(() => sessionStates().find((state) => state.claudeSessionId === 'claude-live-1'), 'the Claude session id', SESSIONS);

    const line = await statusline(reading(100, 'claude-live-1'));
    expect(line).toMatch(/^Sonnet 5 · \$0\.10 · 5h 100% · 5-hour limit resets in (1h 59m|2h 00m)$/);
    const limited = await until(() => sessionStates().find((state) => state.status === 'RATE_LIMITED'), 'the limit', SESSIONS);
    expect(limited).toMatchObject({
      id: ours.id,
      rateLimit: { kind: 'five_hour', severity: 'limit', resetsAt: new Date(reset * 1000).toISOString(), source: 'statusline' },
      limitWindows: { five_hour: { utilization: 1, resetsAt: new Date(reset * 1000).toISOString() } },
    });
    // The same reading again is not passed on; a refresh without limits shows the session's.
    expect(await statusline(reading(100, 'claude-live-1'))).toBe(line);
    expect(readFileSync(inbox, 'utf8').split('\n').filter((entry) => entry.includes('"statusline"'))).toHaveLength(2);
    expect(await statusline(JSON.stringify({ session_id: 'claude-live-1' }))).toMatch(/^claude · 5h 100% · 5-hour limit resets in (1h 59m|2h 00m)$/);

    const result = await running;
    expect(result.code).toBe(0);
  });
});

describe('cw statusline without hooks', () => {
  it('still passes a limit reading to the running session when it was identified another way', async () => {
    mkdirSync(sandbox.cwHome, { recursive: true });
    writeFileSync(join(sandbox.cwHome, 'config.json'), JSON.stringify({ hooks: false }));
    const release = join(sandbox.root, 'release');
    const running = runProcess(SHIM, ['-p', 'hi'], {
      env: { ...sandbox.env, FAKE_CLAUDE_VERSION: '2.1.330', FAKE_CLAUDE_SCRIPT: fakeScript([{ waitFor: release }, { out: 'done\n' }]) },
      timeoutMs: 40_000,
    });
    // Without hooks the runner chooses Claude's session id (--session-id): Claude's statusline input names it.
    const ours = await until(() => sessionStates().find((state) => state.status === 'ACTIVE' && state.claudeSessionId !== null), 'a running session with its Claude session id', SESSIONS);
    const reset = Math.floor(Date.now() / 1000) + 3600;
    const reading = JSON.stringify({ session_id: ours.claudeSessionId, model: { id: 'claude-sonnet-5', display_name: 'Sonnet 5' }, rate_limits: { five_hour: { used_percentage: 100, resets_at: reset } } });
    expect(await statusline(reading, { CLAUDEWATCH_PARENT_SESSION: ours.id })).toMatch(/^Sonnet 5 · 5h 100%/);
    const limited = await until(() => sessionStates().find((state) => state.status === 'RATE_LIMITED'), 'the limit', SESSIONS);
    expect(limited).toMatchObject({ id: ours.id, rateLimit: { kind: 'five_hour', source: 'statusline' } });
    writeFileSync(release, '');
    expect((await running).code).toBe(0);
  });
});

describe('cw install-statusline', () => {
  it('installs a command that runs, keeps the user’s statusline, asks first, and restores it', async () => {
    const dir = join(sandbox.home, '.claude');
    const file = join(dir, 'settings.json');
    mkdirSync(dir, { recursive: true });
    const original = `{\n  "model": "opus",\n  "statusLine": {\n    "type": "command",\n    "command": "echo theirs"\n  }\n}\n`;
    writeFileSync(file, original);

    const unasked = await runCw(sandbox, ['install-statusline']);
    expect(unasked.code).toBe(2);
    expect(unasked.stderr.toString()).toContain('run it with --yes');
    const dry = await runCw(sandbox, ['install-statusline', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout.toString()).toContain(`Would change "statusLine" in ${file}:\n  before: {"type":"command","command":"echo theirs"}`);
    expect(readFileSync(file, 'utf8')).toBe(original);

    expect((await runCw(sandbox, ['install-statusline', '--yes'])).code).toBe(0);
    const installed = JSON.parse(readFileSync(file, 'utf8')) as { model: string; statusLine: { command: string } };
    expect(installed.model).toBe('opus');
    // The command as Claude runs it: through a shell, the JSON on stdin.
    const shown = await runProcess('/bin/sh', ['-c', installed.statusLine.command], { env: sandbox.env, stdin: FIXTURE_LINES[2]! });
    expect(shown.stdout.toString()).toMatch(new RegExp(`^Opus 5\\.5 \\(1M context\\) · \\$206\\.45 · ${WINDOWS} │ theirs\\n$`));

    expect((await runCw(sandbox, ['install-statusline', '--remove', '--yes'])).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(original);

    writeFileSync(file, '{"model": "opus",');
    const malformed = await runCw(sandbox, ['install-statusline', '--yes']);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr.toString()).toMatch(/settings\.json is not valid JSON .*left unchanged/);
    expect(readFileSync(file, 'utf8')).toBe('{"model": "opus",');
  });
});
