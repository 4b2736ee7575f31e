/**
 * Crashes of ours never reach Claude: a fault inside an observer, an exception nobody catches,
 * node-pty failing to load, and our process told to stop (SIGTERM) or losing its terminal
 * (SIGHUP) while Claude runs in a pty.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as pty from '@lydell/node-pty';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../src/shared/identity.js';
import { claudeExecutable, makeClaudeHome, realClaudeBinaries, spawnClaudeScreen } from '../support/claude-env.js';
import { expectUntouched, resultLine, runDirectAndShim } from '../support/hardening.js';
import { promptInput } from '../support/claude-pty.js';
import { TerminalScreen } from '../support/terminal-screen.js';
import { until } from '../support/until.js';
import { startTmux, type TmuxWindow } from '../support/tmux.js';
import { startMockAnthropic, type MockUsage } from '../support/mock-anthropic.js';
import { createSandbox, CW, fakeScript, installFakeClaude, recordedSessions, REPO_ROOT, runCw, runProcess, SHIM, SHIM_DIR, type Sandbox } from '../support/sandbox.js';

const INJECT = join(REPO_ROOT, 'test', 'support', 'inject-fault.mjs');
const faultEnv = (fault: string): Record<string, string> => ({ NODE_OPTIONS: `--import=${INJECT}`, CW_TEST_FAULT: fault });
const PRINT = ['-p', 'go', '--output-format', 'stream-json'];


describe('faults inside our process, with the fake claude', () => {
  let sandbox: Sandbox;
  beforeEach(() => {
    sandbox = createSandbox();
    installFakeClaude(sandbox);
  });
  afterEach(() => sandbox.cleanup());

  it('an exception inside the output observer: Claude untouched, one line, what was seen before it is recorded', async () => {
    const result = await runDirectAndShim(
      sandbox,
      PRINT,
      [{ out: resultLine('observer-fault', 0.31) }, { out: '{"type":"assistant","note":"CW-INJECTED-OBSERVER-FAULT"}\n' }, { sleep: 200 }, { out: 'tail\n' }, { exit: 4 }],
      { env: faultEnv('observer') },
    );
    expectUntouched(result);
    expect(result.ours).toEqual([expect.stringMatching(/^claudewatch: 1 internal error\(s\); see .*claudewatch\.log$/)]);
    expect(readFileSync(join(sandbox.cwHome, 'logs', 'claudewatch.log'), 'utf8')).toContain('output observer failed; observing stopped for this session');
    const [session] = await recordedSessions(sandbox);
    expect(session).toMatchObject({ claudeSessionId: 'observer-fault', costUsd: 0.31, status: 'FAILED', exitCode: 4 });
  });

  it('a time no date can hold in Claude\'s output ("resetsAt": 1e300) is rejected, not written into every later read', async () => {
    const absurd = '{"type":"rate_limit_event","rate_limit_info":{"status":"rejected","rateLimitType":"five_hour","resetsAt":1e300}}\n';
    const result = await runDirectAndShim(sandbox, PRINT, [{ out: absurd }, { sleep: 300 }, { out: resultLine('absurd-time', 0.12) }]);
    expectUntouched(result);
    expect(result.ours).toEqual([]);
    const current = JSON.parse(readFileSync(join(sandbox.cwHome, 'state', 'current_session.json'), 'utf8')) as { status: string };
    expect(current.status).toBe('COMPLETED');
    // The database stays readable by every command.
    const [session] = await recordedSessions(sandbox);
    expect(session).toMatchObject({ claudeSessionId: 'absurd-time', status: 'COMPLETED', costUsd: 0.12, rejectedLines: 1 });
    expect((await runCw(sandbox, ['status', '--json'])).code).toBe(0);
    const events = await runCw(sandbox, ['events', '--json']);
    expect(events.code, events.stderr.toString()).toBe(0);
  });

  it('an uncaught exception in our process while Claude runs: Claude untouched, one line, the session recorded', async () => {
    const result = await runDirectAndShim(sandbox, PRINT, [{ out: 'before\n' }, { sleep: 1500 }, { out: resultLine('uncaught', 0.05) }, { err: 'bye\n' }, { exit: 2 }], {
      env: faultEnv('async-throw'),
    });
    expectUntouched(result);
    expect(result.ours).toEqual([expect.stringMatching(/^claudewatch: 1 internal error\(s\); see /)]);
    expect(readFileSync(join(sandbox.cwHome, 'logs', 'claudewatch.log'), 'utf8')).toContain('injected uncaught exception');
    const [session] = await recordedSessions(sandbox);
    expect(session).toMatchObject({ claudeSessionId: 'uncaught', status: 'FAILED', exitCode: 2, costUsd: 0.05 });
  });

  it('what records the session fails to load once Claude runs: Claude untouched, one line, nothing recorded', async () => {
    const result = await runDirectAndShim(sandbox, PRINT, [{ out: resultLine('no-recorder', 0.2) }, { err: 'bye\n' }, { exit: 5 }], { env: faultEnv('no-session') });
    expectUntouched(result);
    expect(result.ours).toEqual([expect.stringMatching(/^claudewatch: 1 internal error\(s\); see .*claudewatch\.log$/)]);
    expect(readFileSync(join(sandbox.cwHome, 'logs', 'claudewatch.log'), 'utf8')).toContain('the session recorder could not load; claude runs unwatched');
    expect(await recordedSessions(sandbox)).toEqual([]);
  });

  it('node-pty fails to load: Claude runs on the terminal itself, its bytes and exit code reach the user, the terminal is restored', async () => {
    const before = join(sandbox.root, 'stty-before');
    const after = join(sandbox.root, 'stty-after');
    const script = `stty -g > '${before}'; '${SHIM}'; code=$?; stty -g > '${after}'; exit $code`;
    const screen = spawnClaudeScreen({
      command: '/bin/sh',
      args: ['-c', script],
      cwd: sandbox.home,
      env: { ...sandbox.env, ...faultEnv('no-node-pty'), FAKE_CLAUDE_SCRIPT: fakeScript([{ out: 'hello from claude\r\n' }, { sleep: 300 }, { exit: 5 }]) },
    });
    let exit;
    try {
      await screen.waitFor('hello from claude', 15_000);
      exit = await screen.exited;
    } finally {
      screen.dispose();
    }
    expect(exit.exitCode).toBe(5);
    expect(readFileSync(after, 'utf8')).toBe(readFileSync(before, 'utf8'));
    expect(screen.stripped()).toMatch(/claudewatch: 1 internal error\(s\); see /);
    expect(readFileSync(join(sandbox.cwHome, 'logs', 'claudewatch.log'), 'utf8')).toContain('pseudo-terminal unavailable; running claude directly');
    const [session] = await recordedSessions(sandbox);
    expect(session).toMatchObject({ mode: 'interactive', status: 'FAILED', exitCode: 5 });
  });
});

const USAGE: MockUsage = { input_tokens: 1800, output_tokens: 41, cache_creation_input_tokens: 300, cache_read_input_tokens: 7000 };

/** Children of a process, from /proc. */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

describe('our process stopped while the real claude runs in a pty', () => {
  let scratch: string;
  let executable: string;
  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'cw-signal-'));
    executable = await claudeExecutable(realClaudeBinaries().current, scratch);
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  async function world() {
    const mock = await startMockAnthropic();
    const home = await makeClaudeHome({ apiUrl: mock.url, auth: 'api-key' });
    const env = {
      ...home.env,
      CLAUDEWATCH_HOME: join(home.home, 'claudewatch'),
      CLAUDEWATCH_REAL_CLAUDE: executable,
      PATH: [SHIM_DIR, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    };
    mock.enqueue({ type: 'text', text: 'Answered before the signal.', usage: USAGE });
    const sessions = async (): Promise<Array<Record<string, unknown>>> => {
      const result = await runProcess(process.execPath, [CW, 'sessions', '--json'], { env });
      expect(result.code, result.stderr.toString()).toBe(0);
      return (JSON.parse(result.stdout.toString()) as { sessions: Array<Record<string, unknown>> }).sessions;
    };
    return { mock, home, env, sessions, dispose: async () => (await home.cleanup(), await mock.close()) };
  }

  function expectTranscriptUsage(session: Record<string, unknown> | undefined): void {
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
  }

  it('SIGTERM to our process: Claude is ended as a terminal would end it, the terminal is restored, INTERRUPTED with the transcript usage', async () => {
    const w = await world();
    const before = join(w.home.home, 'stty-before');
    const after = join(w.home.home, 'stty-after');
    const script = `stty -g > '${before}'; '${SHIM}'; code=$?; stty -g > '${after}'; exit $code`;
    const screen = spawnClaudeScreen({ command: '/bin/sh', args: ['-c', script], cwd: w.home.cwd, env: w.env });
    try {
      await screen.waitFor(/for shortcuts|shift\+tab/, 30_000);
      await screen.submit('one prompt');
      await screen.waitFor('Answered before the signal.', 30_000);
      const [runner] = childrenOf(screen.pid);
      expect(runner).toBeDefined();
      const [claude] = childrenOf(runner!);
      expect(claude).toBeDefined();
      process.kill(runner!, 'SIGTERM');
      const exit = await screen.exited;
      expect(exit.exitCode).toBe(143);
      expect(isProcessAlive(claude!)).toBe(false);
      expect(readFileSync(after, 'utf8')).toBe(readFileSync(before, 'utf8'));
      await runProcess(process.execPath, [CW, 'status'], { env: w.env });
      const [session] = await w.sessions();
      expectTranscriptUsage(session);
      expect(session).toMatchObject({ signal: 'SIGTERM' });
    } finally {
      screen.dispose();
      await w.dispose();
    }
  }, 120_000);

  it('the terminal closed (SIGHUP): Claude ends with it, nothing is left running, INTERRUPTED with the transcript usage', async () => {
    const w = await world();
    const term = pty.spawn(SHIM, [], { name: 'xterm-256color', cols: 100, rows: 30, cwd: w.home.cwd, env: { ...w.env, TERM: 'xterm-256color' } });
    const screen = new TerminalScreen(100, 30);
    term.onData((data) => screen.write(data));
    const seen = (): string => `${screen.history()}\n${screen.text()}`;
    const runner = term.pid;
    let claude: number | undefined;
    try {
      await until(() => /for shortcuts|shift\+tab/.test(seen()), 'the prompt', { timeoutMs: 30_000, seen });
      // Enter in a write of its own, once Claude has drawn the text (see claude-pty.ts).
      term.write('one prompt');
      await until(() => promptInput(screen.text()) === 'one prompt', 'the typed prompt', { seen });
      term.write('\r');
      await until(() => seen().includes('Answered before the signal.'), 'the answer', { timeoutMs: 30_000, seen });
      [claude] = childrenOf(runner);
      expect(claude).toBeDefined();
      // What a terminal emulator does when its window closes: hang up the line. node-pty's
      // Unix terminal closes its side of the pty and sends SIGHUP; the type does not declare it.
      (term as unknown as { destroy(): void }).destroy();
      await until(() => !isProcessAlive(runner) && !isProcessAlive(claude!), 'the runner and claude to end');
      await runProcess(process.execPath, [CW, 'status'], { env: w.env });
      const [session] = await w.sessions();
      expectTranscriptUsage(session);
    } finally {
      for (const pid of [claude, runner]) if (pid !== undefined && isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
      await w.dispose();
    }
  }, 120_000);
});

describe('the real claude killed by a signal in the terminal', () => {
  let scratch: string;
  let executable: string;
  let tmux: TmuxWindow | null = null;
  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'cw-modes-'));
    executable = await claudeExecutable(realClaudeBinaries().current, scratch);
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  afterEach(() => {
    tmux?.kill();
    tmux = null;
  });

  it('kill -KILL of Claude 2.1.330 through the shim: the cursor shows, and the alternate screen, mouse reporting and bracketed paste are off', async () => {
    const mock = await startMockAnthropic();
    const home = await makeClaudeHome({ apiUrl: mock.url, auth: 'api-key' });
    const cwHome = join(home.home, 'claudewatch');
    const env = {
      ...home.env,
      TERM: 'xterm-256color',
      CLAUDEWATCH_HOME: cwHome,
      CLAUDEWATCH_REAL_CLAUDE: executable,
      PATH: [SHIM_DIR, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    };
    try {
      // After the shim, a program that shows what the terminal sends it: a paste, bracketed or not.
      const window = (tmux = startTmux(['/bin/sh', '-c', `cd '${home.cwd}' && '${SHIM}'; echo "exited $?"; exec cat -v`], env));
      await window.waitForScreen((lines) => lines.some((line) => /for shortcuts|shift\+tab/.test(line)), 'the prompt', 30_000);
      const modes = '#{alternate_on} #{mouse_any_flag} #{mouse_button_flag} #{mouse_standard_flag} #{cursor_flag}';
      // What Claude switches on while it runs: at least the hidden cursor.
      expect(window.display('#{cursor_flag}')).toBe('0');
      let claudePid = 0;
      await until(() => {
        const state = join(cwHome, 'state', 'current_session.json');
        claudePid = existsSync(state) ? Number((JSON.parse(readFileSync(state, 'utf8')) as { data: { pid: number } }).data.pid) : 0;
        return claudePid > 0;
      }, 'the state file to name Claude');
      process.kill(claudePid, 'SIGKILL');
      await window.waitForScreen((lines) => lines.some((line) => line.startsWith('exited ')), 'the shim to end');
      expect(window.display(modes)).toBe('0 0 0 0 1');
      window.sendKeys('typed', 'Enter');
      await window.waitForScreen((lines) => lines.filter((line) => line === 'typed').length === 2, 'cat to echo a typed line');
      window.paste('pasted');
      window.sendKeys('Enter');
      const lines = await window.waitForScreen((screen) => screen.some((line) => line.includes('pasted')), 'the paste');
      // With bracketed paste left on, the paste arrives wrapped in ESC[200~ ... ESC[201~, shown by cat -v as ^[[200~.
      expect(lines.join('\n')).not.toContain('[200~');
    } finally {
      await home.cleanup();
      await mock.close();
    }
  }, 120_000);
});

