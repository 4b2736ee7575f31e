/**
 * `cw watch` in a real terminal (tmux) while a wrapped session starts, answers, meets a limit and
 * ends: each state shows up on its own, a resize redraws cleanly, and quitting gives the terminal
 * back. The fallback refresh is set to 30 s, so every change seen here came through fs.watch.
 */
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSandbox, CW, fakeScript, installFakeClaude, runProcess, SHIM, type Sandbox } from '../support/sandbox.js';
import { startTmux, type TmuxWindow } from '../support/tmux.js';

let sandbox: Sandbox;
let tmux: TmuxWindow | null = null;
beforeEach(() => {
  sandbox = createSandbox();
  installFakeClaude(sandbox);
});
afterEach(() => {
  tmux?.kill();
  tmux = null;
  sandbox.cleanup();
});

const startWatch = (): TmuxWindow =>
  startTmux([process.execPath, CW, 'watch'], { ...sandbox.env, TERM: 'xterm-256color', DASHBOARD_REFRESH_INTERVAL: '30' });

const has = (text: string | RegExp) => (lines: string[]) => lines.some((line) => (typeof text === 'string' ? line.includes(text) : text.test(line)));

describe('cw watch', () => {
  it('shows a session live, its answer, its limit with a countdown, then idle; resizes; quits cleanly', async () => {
    const window = (tmux = startWatch());
    await window.waitForScreen(has('○ No active session'), 'the idle screen');
    expect(window.display('#{alternate_on} #{cursor_flag}')).toBe('1 0');

    const resetsAt = Math.floor(Date.now() / 1000) + 3600;
    const session = runProcess(SHIM, ['-p', 'go', '--output-format', 'stream-json', '--verbose'], {
      env: {
        ...sandbox.env,
        FAKE_CLAUDE_SCRIPT: fakeScript([
          { out: '{"type":"system","subtype":"init","session_id":"w1","model":"claude-sonnet-4-5"}\n' },
          { sleep: 2500 },
          { out: '{"type":"assistant","message":{"id":"m1","model":"claude-sonnet-4-5","usage":{"input_tokens":1200,"output_tokens":340}},"session_id":"w1"}\n' },
          { sleep: 2500 },
          { out: `{"type":"rate_limit_event","rate_limit_info":{"status":"rejected","rateLimitType":"five_hour","resetsAt":${resetsAt}}}\n` },
          { sleep: 3000 },
          { exit: 1 },
        ]),
      },
      timeoutMs: 30_000,
    });
    const isRow = (line: string, status: string): boolean => line.includes(sandbox.home) && line.includes(` ${status} `);

    let lines = await window.waitForScreen(has('● LIVE SESSION ACTIVE'), 'the live indicator');
    expect(lines.some((line) => isRow(line, 'ACTIVE'))).toBe(true);
    await window.waitForScreen((screen) => screen.some((line) => isRow(line, 'ACTIVE') && line.includes(' 1.5k ')), 'the answer’s tokens');

    lines = await window.waitForScreen((screen) => screen.some((line) => isRow(line, 'RATE_LIMITED')), 'the rate-limited session');
    expect(lines).toEqual(expect.arrayContaining(['● LIVE SESSION ACTIVE  1 session, 1 rate-limited', 'Rate limit in force']));
    const countdown = /5-hour {2}resets \d\d:\d\d in (\d:\d\d:\d\d)/;
    const first = lines.find((line) => countdown.test(line))!.match(countdown)![1];
    expect(first).toMatch(/^(1:00:00|0:59:\d\d)$/);
    // The clock moves without new data.
    await window.waitForScreen((screen) => screen.some((line) => countdown.test(line) && line.match(countdown)![1] !== first), 'the countdown to move');

    lines = await window.waitForScreen(has('○ No active session'), 'the idle screen after the end');
    expect(lines.find((line) => line.startsWith('Last session'))).toContain(sandbox.home);
    expect(lines).toContain('Rate limit in force');
    expect((await session).code).toBe(1);

    window.resize(60, 20);
    lines = await window.waitForScreen((screen) => screen[0]!.length === 60 && screen[0]!.endsWith('q quit'), 'a redraw at 60 columns');
    expect(lines.length).toBeLessThanOrEqual(20);
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(60);
    expect(lines[0]).toMatch(/^ClaudeWatch {2}\d\d:\d\d:\d\d +q quit$/);
    expect(lines[1]).toBe('○ No active session');
    // One frame, nothing left from the wider one.
    expect(lines.filter((line) => line.includes('ClaudeWatch'))).toHaveLength(1);
    expect(lines.filter((line) => line.includes('Rate limit in force'))).toHaveLength(1);
    expect(lines.slice(2).every((line) => !/q quit/.test(line))).toBe(true);

    window.sendKeys('q');
    lines = await window.waitForScreen(has('exited 0'), 'cw watch to quit');
    expect(lines.some((line) => line.includes('ClaudeWatch'))).toBe(false);
    expect(window.display('#{alternate_on} #{cursor_flag}')).toBe('0 1');
  }, 60_000);

  it('gives the terminal back on SIGTERM', async () => {
    const window = (tmux = startWatch());
    await window.waitForScreen(has('○ No active session'), 'the first frame');
    const shell = window.display('#{pane_pid}');
    const pid = execFileSync('pgrep', ['-P', shell], { encoding: 'utf8' }).trim().split('\n')[0]!;
    process.kill(Number(pid), 'SIGTERM');
    const lines = await window.waitForScreen(has('exited 143'), 'cw watch to end');
    expect(lines.some((line) => line.includes('ClaudeWatch'))).toBe(false);
    expect(window.display('#{alternate_on} #{cursor_flag}')).toBe('0 1');
  }, 30_000);
});
