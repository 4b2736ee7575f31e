/**
 * cw analyze on a generated 30-day history written as transcripts: the facts it must find (limits
 * at known hours, the model mix), consent asked in a real terminal (tmux), --yes, --dry-run, --undo.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createSandbox, CW, runCw, type Sandbox } from '../support/sandbox.js';
import { startTmux, type TmuxWindow } from '../support/tmux.js';

const HOUR = 3_600_000;
let sandbox: Sandbox;
let tmux: TmuxWindow | null = null;
beforeEach(() => {
  sandbox = createSandbox();
  writeHistory();
});
afterEach(() => {
  tmux?.kill();
  tmux = null;
  sandbox.cleanup();
});

/** A session a day for the 29 days before today at 09:00–11:00 UTC, Opus with short answers; a 5-hour limit at 11:30 UTC every third day. */
function writeHistory(): void {
  const folder = join(sandbox.home, '.claude', 'projects', '-work-app');
  mkdirSync(folder, { recursive: true });
  const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;
  for (let day = 1; day <= 29; day++) {
    const start = today - day * 86_400_000 + 9 * HOUR;
    const session = `00000000-0000-4000-8000-${String(day).padStart(12, '0')}`;
    const lines = [0, 1, 2].map((index) =>
      JSON.stringify({
        type: 'assistant',
        sessionId: session,
        cwd: '/work/app',
        requestId: `r-${day}-${index}`,
        timestamp: new Date(start + index * HOUR).toISOString(),
        message: { id: `m-${day}-${index}`, model: index < 2 ? 'claude-opus-4-5' : 'claude-sonnet-4-5', usage: { input_tokens: 1000, output_tokens: 100, cache_read_input_tokens: 3000 } },
      }),
    );
    if (day % 3 === 0) {
      lines.push(
        JSON.stringify({
          type: 'assistant',
          sessionId: session,
          timestamp: new Date(start + 2.5 * HOUR).toISOString(),
          message: { id: `limit-${day}`, model: '<synthetic>', role: 'assistant', content: [{ type: 'text', text: `Claude AI usage limit reached|${Math.floor((start + 5 * HOUR) / 1000)}` }], usage: { input_tokens: 0, output_tokens: 0 } },
          isApiErrorMessage: true,
        }),
      );
    }
    writeFileSync(join(folder, `${session}.jsonl`), `${lines.join('\n')}\n`);
  }
}

it('reports the known facts of the history', async () => {
  const result = await runCw(sandbox, ['analyze', '--json']);
  expect(result.code, result.stderr.toString()).toBe(0);
  const analysis = JSON.parse(result.stdout.toString());
  const finding = (id: string) => analysis.findings.find((entry: any) => entry.id === id);
  expect(finding('limits').title).toBe('Limits were hit in 9 of 29 blocks');
  expect(finding('limits').evidence[0]).toBe('most often at 11:00 (9×) (UTC)');
  expect(finding('model-mix').evidence[0]).toMatch(/^cost by model family: opus \d+%, sonnet \d+%/);
  expect(finding('model-mix').evidence[1]).toMatch(/^58 Opus message\(s\) averaged under 400 output tokens/);
  expect(finding('cache').evidence[0]).toMatch(/^75% of prompt tokens were read from the cache/);
  // Three messages of 4,100 tokens in each limited block.
  expect(analysis.limit).toMatchObject({ source: 'limit-hits', samples: 9, confidence: 'high', tokens: 12_300 });
});

it('changes nothing on a dry run, applies with --yes, and --undo puts it back', async () => {
  const file = join(sandbox.cwHome, 'config.json');
  const dry = await runCw(sandbox, ['analyze', '--dry-run']);
  expect(dry.stdout.toString()).toContain('→ suggest alerts.blockPercent = 70');
  expect(dry.stdout.toString()).toContain('Dry run: nothing changed.');
  expect(existsSync(file)).toBe(false);

  // Without a terminal nothing is asked, so nothing changes.
  expect((await runCw(sandbox, ['analyze', '--skip-import'])).stdout.toString()).toContain('Not a terminal, so nothing was asked or changed.');
  expect(existsSync(file)).toBe(false);

  mkdirSync(sandbox.cwHome, { recursive: true });
  writeFileSync(file, JSON.stringify({ alerts: { bell: false } }));
  const applied = await runCw(sandbox, ['analyze', '--yes', '--skip-import']);
  expect(applied.stdout.toString()).toContain('alerts.blockPercent: (default) -> 70');
  const config = JSON.parse(readFileSync(file, 'utf8'));
  expect(config.alerts).toMatchObject({ bell: false, blockPercent: 70, dailyCostUsd: expect.any(Number) });

  const undone = await runCw(sandbox, ['analyze', '--undo']);
  expect(undone.stdout.toString()).toContain('Undid the changes of');
  expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ alerts: { bell: false } });
  expect((await runCw(sandbox, ['analyze', '--undo'])).stdout.toString()).toContain('Nothing to undo');
});

it('asks before each change in a terminal, and a no is a no', async () => {
  const file = join(sandbox.cwHome, 'config.json');
  expect((await runCw(sandbox, ['import', '--quiet'])).code).toBe(0);
  tmux = startTmux([process.execPath, CW, 'analyze', '--skip-import'], sandbox.env, { width: 160, height: 50 });
  const question = (key: string) => (lines: string[]) => lines.some((line) => line.includes(`Set ${key} to`));
  await tmux.waitForScreen(question('alerts.blockPercent'), 'the first question');
  tmux.sendKeys('n'); // refuse the earlier block alert
  await tmux.waitForScreen(question('alerts.dailyCostUsd'), 'the second question');
  tmux.sendKeys('y'); // accept the daily cost alert
  await tmux.waitForScreen(question('alerts.weeklyCostUsd'), 'the third question');
  tmux.sendKeys('n');
  const end = await tmux.waitForScreen((lines) => lines.some((line) => line.startsWith('exited ')), 'the end');
  expect(end.join('\n')).toContain('exited 0');
  const config = JSON.parse(readFileSync(file, 'utf8'));
  expect(config.alerts.blockPercent).toBeUndefined();
  expect(config.alerts.dailyCostUsd).toEqual(expect.any(Number));
  expect(config.alerts.weeklyCostUsd).toBeUndefined();
});

it('notes what the last days suggest once a day after a command run in a terminal, unless turned off', async () => {
  const run = async (): Promise<string[]> => {
    tmux?.kill();
    tmux = startTmux([process.execPath, CW, 'sessions'], sandbox.env, { width: 200, height: 20 });
    return tmux.waitForScreen((lines) => lines.some((line) => line.startsWith('exited ')), 'cw sessions to end');
  };
  const first = (await run()).join('\n');
  expect(first).toContain('cw: your last 30 days: limits were hit in 9 of 29 blocks, 3 suggested setting(s). See `cw analyze`.');
  expect(first).toContain('exited 0');
  expect((await run()).join('\n')).not.toContain('cw: your last');
  // A day later, but turned off.
  rmSync(join(sandbox.cwHome, 'state', 'last-analysis'));
  writeFileSync(join(sandbox.cwHome, 'config.json'), JSON.stringify({ analysis: { onStart: false } }));
  expect((await run()).join('\n')).not.toContain('cw: your last');
  // Not in a pipe, whatever the day.
  expect((await runCw(sandbox, ['sessions'])).stderr.toString()).toBe('');
});
