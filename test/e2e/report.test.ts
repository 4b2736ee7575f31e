/**
 * cw report, cw blocks and cw export on transcript fixtures (test/fixtures/transcripts) and on runs
 * through the shim. The expected figures were worked out by hand from the fixture lines, each
 * repeated message (same message id + request id) counted once with its last counts:
 *
 * v1.0.17-interrupted-tool-use (claude-sonnet-4-20250514, 2025-06-10, 4 messages)
 *   input 4+72+4+8 = 88, output 3+1+273+1 = 278, cache write 14363+409+637+591 = 16000,
 *   cache read 0+14363+14772+15409 = 44544; at $3 / $15 / $3.75 / $0.30 per million:
 *   0.000264 + 0.00417 + 0.06 + 0.0133632 = $0.0777972
 * v2.1.143-three-turns (claude-opus-4-7, 2026-05-17 22:31 UTC, 3 messages)
 *   input 18, output 18, cache write 13495 (all 1-hour), cache read 17797+31244+31268 = 80309;
 *   at $5 / $25 / $10 (1 h) / $0.50: 0.00009 + 0.00045 + 0.13495 + 0.0401545 = $0.1756445
 * v2.1.156-model-switch (2026-05-29, 2 messages)
 *   claude-opus-4-8: 6105 in, 6 out, 5554 1-hour writes, 16737 reads = $0.0945835
 *   claude-sonnet-4-6: 3 in, 6 out, 11770 1-hour writes, 17728 reads = $0.0760374
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cwJson, HAND_CHECKED, placeFixtures } from '../support/history-fixtures.js';
import { createSandbox, fakeScript, installFakeClaude, runCw, runProcess, SHIM, type Sandbox } from '../support/sandbox.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = createSandbox();
});
afterEach(() => sandbox.cleanup());

describe('cw report', () => {
  it('gives the hand-checked totals of real transcripts per day, month and model', async () => {
    placeFixtures(sandbox, HAND_CHECKED);
    const daily = await cwJson(sandbox, ['report', 'daily', '--json']);
    const pick = (row: any) => [row.key, row.inputTokens, row.outputTokens, row.cacheCreationTokens, row.cacheReadTokens, row.messages];
    expect(daily.rows.map(pick)).toEqual([
      ['2025-06-10', 88, 278, 16000, 44544, 4],
      ['2026-05-17', 18, 18, 13495, 80309, 3],
      ['2026-05-29', 6108, 12, 17324, 34465, 2],
    ]);
    expect(daily.rows.map((row: any) => row.costUsd)).toEqual([expect.closeTo(0.0777972, 9), expect.closeTo(0.1756445, 9), expect.closeTo(0.1706209, 9)]);
    expect(daily.totals.costUsd).toBeCloseTo(0.0777972 + 0.1756445 + 0.1706209, 9);
    expect(daily.totals).toMatchObject({ inputTokens: 6214, outputTokens: 308, messages: 9, sessions: 3, unpricedModels: [] });

    // 22:31 UTC is the next morning at UTC+14.
    const kiritimati = await cwJson(sandbox, ['report', '--json', '--timezone', 'Pacific/Kiritimati', '--skip-import']);
    expect(kiritimati.rows.map((row: any) => row.key)).toEqual(['2025-06-11', '2026-05-18', '2026-05-30']);

    const monthly = await cwJson(sandbox, ['report', 'monthly', '--json', '--since', '2026-05-01', '--until', '20260520']);
    expect(monthly.rows.map((row: any) => [row.key, row.messages])).toEqual([['2026-05', 3]]);

    const models = await cwJson(sandbox, ['report', 'model', '--json']);
    expect(models.rows.map((row: any) => [row.key, row.messages])).toEqual([
      ['claude-opus-4-7', 3],
      ['claude-opus-4-8', 1],
      ['claude-sonnet-4-20250514', 4],
      ['claude-sonnet-4-6', 1],
    ]);
    expect(models.rows[1].costUsd).toBeCloseTo(0.0945835, 9);
  });

  it('counts a wrapped run and its transcript once, at the cost Claude reported', async () => {
    installFakeClaude(sandbox);
    const run = await runProcess(SHIM, ['-p', 'go', '--output-format', 'stream-json', '--verbose'], {
      env: {
        ...sandbox.env,
        FAKE_CLAUDE_SCRIPT: fakeScript([
          { out: '{"type":"system","subtype":"init","session_id":"claude-wrapped","model":"claude-sonnet-4-5"}\n' },
          { out: '{"type":"assistant","message":{"id":"m1","model":"claude-sonnet-4-5","usage":{"input_tokens":1000,"output_tokens":400}},"session_id":"claude-wrapped"}\n' },
          { out: '{"type":"result","subtype":"success","is_error":false,"num_turns":1,"total_cost_usd":0.5,"session_id":"claude-wrapped"}\n' },
        ]),
      },
    });
    expect(run.code).toBe(0);
    const folder = join(sandbox.home, '.claude', 'projects', '-work-app');
    mkdirSync(folder, { recursive: true });
    const line = JSON.stringify({
      type: 'assistant',
      sessionId: 'claude-wrapped',
      cwd: '/work/app',
      requestId: 'r1',
      timestamp: '2026-11-20T10:00:00.000Z',
      message: { id: 'm1', model: 'claude-sonnet-4-5', usage: { input_tokens: 1000, output_tokens: 400 } },
    });
    writeFileSync(join(folder, 'claude-wrapped.jsonl'), `${line}\n`);

    const daily = await cwJson(sandbox, ['report', '--json']);
    // $0.009 by our prices; Claude said $0.50, and Claude's figure wins.
    expect(daily.rows).toHaveLength(1);
    expect(daily.rows[0]).toMatchObject({ key: '2026-11-20', inputTokens: 1000, outputTokens: 400, messages: 1, sessions: 1 });
    expect(daily.rows[0].costUsd).toBeCloseTo(0.5, 9);
    const sessions = await cwJson(sandbox, ['report', 'session', '--json', '--skip-import']);
    expect(sessions.rows.map((row: any) => [row.key, row.project, row.costUsd])).toEqual([['claude-wrapped', '/work/app', expect.closeTo(0.5, 9)]]);
  });

  it('reports a wrapped run whose transcript is not on this machine from its own record', async () => {
    installFakeClaude(sandbox);
    const run = await runProcess(SHIM, ['-p', 'go', '--output-format', 'json'], {
      env: {
        ...sandbox.env,
        FAKE_CLAUDE_SCRIPT: fakeScript([
          { out: '{"type":"result","subtype":"success","is_error":false,"num_turns":2,"total_cost_usd":0.25,"session_id":"elsewhere","usage":{"input_tokens":300,"output_tokens":70}}\n' },
        ]),
      },
    });
    expect(run.code).toBe(0);
    const project = await cwJson(sandbox, ['report', 'project', '--json']);
    expect(project.rows).toHaveLength(1);
    expect(project.rows[0]).toMatchObject({ key: sandbox.home, inputTokens: 300, outputTokens: 70, sessions: 1 });
    expect(project.rows[0].costUsd).toBeCloseTo(0.25, 9);
  });

  it('prints a table that fits the width, plain without colour, and documents for other tools', async () => {
    placeFixtures(sandbox, HAND_CHECKED);
    const narrow = await runCw(sandbox, ['report', '--breakdown'], { COLUMNS: '64' });
    expect(narrow.code, narrow.stderr.toString()).toBe(0);
    const text = narrow.stdout.toString();
    expect(text).not.toMatch(/\x1b\[/);
    const tableLines = text.split('\n\n')[0]!.split('\n');
    for (const line of tableLines) expect(line.length, line).toBeLessThanOrEqual(64);
    expect(text).toContain('  └ opus-4-8');
    expect(text).toMatch(/Total .*\$0\.42\n/);
    expect(text).toContain('Hidden to fit the terminal');

    const markdown = await runCw(sandbox, ['report', 'monthly', '--format', 'markdown', '--skip-import']);
    expect(markdown.stdout.toString()).toContain('| 2026-05 | opus-4-7, opus-4-8, sonnet-4-6 | 6,126 | 30 | 30,819 | 114,774 | 151,749 | $0.35 |');
    const html = await runCw(sandbox, ['report', '--format', 'html', '--skip-import']);
    const page = html.stdout.toString();
    expect(page).toContain('<td>2026-05-29</td>');
    // Self-contained: charts drawn inline, nothing fetched, nothing run.
    expect(page.match(/<svg /g)).toHaveLength(2);
    expect(page).toContain('<title>2026-05-29 · opus-4-8: $0.09</title>');
    expect(page).not.toMatch(/<script|<link|src=|url\(/);
    expect(page.replaceAll('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:/);
    const csv = await runCw(sandbox, ['report', '--format', 'csv', '--skip-import']);
    // A repeated message is dated by its first line (a resumed transcript's copy comes later still), its counts by the fullest.
    expect(csv.stdout.toString().split('\r\n')[1]).toMatch(/^2025-06-10,,,2025-06-10T12:36:26.585Z,/);
  });

  it('refuses bad options with a clear message and exit code 2', async () => {
    for (const [args, message] of [
      [['report', 'yearly'], /unknown report "yearly"/],
      [['report', '--since', 'last tuesday'], /--since takes a date/],
      [['report', '--since', '2026-12-01', '--until', '2026-11-01'], /is after --until/],
      [['report', '--timezone', 'Mars/Olympus'], /unknown time zone "Mars\/Olympus"/],
      [['report', '--format', 'pdf'], /unknown format "pdf"/],
    ] as const) {
      const result = await runCw(sandbox, [...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.toString()).toMatch(message);
    }
  });
});
