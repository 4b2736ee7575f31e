/**
 * cw blocks and cw export on the built CLI: an open block measured against the real clock, and
 * exports of transcript fixtures (test/fixtures/transcripts; their figures are worked out in
 * report.test.ts).
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { cwJson, HAND_CHECKED, placeFixtures } from '../support/history-fixtures.js';
import { createSandbox, runCw, type Sandbox } from '../support/sandbox.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = createSandbox();
});
afterEach(() => sandbox.cleanup());

it('refuses bad options with a clear message and exit code 2', async () => {
  for (const [args, message] of [
    [['blocks', '--token-limit', 'lots'], /--token-limit takes a positive number/],
    [['blocks', '--weeks', '0'], /--weeks must be a positive whole number/],
    [['export'], /--output FILE is required/],
    [['export', '-o', 'x.json', '--format', 'xml'], /--format is json or csv/],
  ] as const) {
    const result = await runCw(sandbox, [...args]);
    expect(result.code, args.join(' ')).toBe(2);
    expect(result.stderr.toString()).toMatch(message);
  }
});

describe('cw blocks', () => {
  it('shows the open block with its burn rate, projection and limit, and the weeks', async () => {
    const now = Date.now();
    const folder = join(sandbox.home, '.claude', 'projects', '-work-app');
    mkdirSync(folder, { recursive: true });
    const line = (id: string, minutesAgo: number, output: number) =>
      JSON.stringify({
        type: 'assistant',
        sessionId: 'live',
        cwd: '/work/app',
        requestId: `r-${id}`,
        timestamp: new Date(now - minutesAgo * 60_000).toISOString(),
        message: { id, model: 'claude-opus-4-5', usage: { input_tokens: 0, output_tokens: output } },
      });
    // Two days ago a finished block of 5000 tokens; now an open one of 3000 so far, over 20 minutes (enough for a rate).
    writeFileSync(join(folder, 'old.jsonl'), `${line('a', 48 * 60, 5000)}\n`);
    writeFileSync(join(folder, 'live.jsonl'), `${line('b', 20, 1000)}\n${line('c', 1, 2000)}\n`);
    const blocks = await cwJson(sandbox, ['blocks', '--json', '--token-limit', 'max']);
    expect(blocks.blocks.map((entry: any) => entry.kind)).toEqual(['block', 'gap', 'block']);
    expect(blocks.active).toMatchObject({ limit: { tokens: 5000, source: 'highest-block' }, totals: { totalTokens: 3000, messages: 2 } });
    expect(blocks.active.tokensPerHour).toBeGreaterThan(0);
    expect(blocks.active.projectedTokens).toBeGreaterThan(3000);
    expect(blocks.weeks.reduce((sum: number, week: any) => sum + week.totalTokens, 0)).toBe(8000);
    expect(blocks.weeks.at(-1).families.opus.tokens).toBeGreaterThan(0);

    const text = await runCw(sandbox, ['blocks', '--token-limit', '4000', '--skip-import'], { COLUMNS: '100' });
    expect(text.stdout.toString()).toMatch(/Active block since .*: \d+s? in|Active block since .*in, .* left/);
    expect(text.stdout.toString()).toContain('limit      4000 tokens (given): 75% used');
  });

  it('uses a limit learned from history when none is given, labelled, and shows Claude’s own reading', async () => {
    const now = Date.now();
    const folder = join(sandbox.home, '.claude', 'projects', '-work-app');
    mkdirSync(folder, { recursive: true });
    const line = (id: string, hoursAgo: number, output: number) =>
      JSON.stringify({
        type: 'assistant',
        sessionId: 'history',
        cwd: '/work/app',
        requestId: `r-${id}`,
        timestamp: new Date(now - hoursAgo * 3_600_000).toISOString(),
        message: { id, model: 'claude-sonnet-4-5', usage: { input_tokens: 0, output_tokens: output } },
      });
    // Six finished blocks a day apart (1000 to 6000 tokens), and an open one.
    const lines = [1, 2, 3, 4, 5, 6].map((day) => line(`d${day}`, day * 24, day * 1000));
    writeFileSync(join(folder, 'history.jsonl'), `${[...lines, line('now', 0.1, 500)].join('\n')}\n`);
    // A live session whose state file holds Claude's statusline reading of the window.
    const sessions = join(sandbox.cwHome, 'state', 'sessions');
    mkdirSync(sessions, { recursive: true });
    const resetsAt = new Date(now + 2 * 3_600_000).toISOString();
    writeFileSync(
      join(sessions, 'live.json'),
      JSON.stringify({ status: 'ACTIVE', updatedAt: new Date(now).toISOString(), data: { id: 'live', pid: process.pid, heartbeatAt: new Date(now).toISOString(), limitWindows: { five_hour: { utilization: 0.47, resetsAt } } } }),
    );
    const blocks = await cwJson(sandbox, ['blocks', '--json']);
    // The 90th percentile of 1000..6000 is 5500: a floor, and said to be one.
    expect(blocks.active.limit).toEqual({ tokens: 5500, source: 'learned', basis: 'low confidence: 90th percentile of 6 finished blocks; none met a limit, so the real limit is higher' });
    expect(blocks.claudeReading).toEqual({ utilization: 0.47, resetsAt });
    const text = (await runCw(sandbox, ['blocks', '--skip-import'], { COLUMNS: '100' })).stdout.toString();
    expect(text).toContain('limit      5500 tokens (low confidence: 90th percentile of 6 finished blocks');
    expect(text).toMatch(/Claude's limit windows:\n {2}5-hour {3}47% {2}ok {2}resets \d\d:\d\d \((?:1h59m|2h00m) left\)\n/);
    // Claude's figure fills the gauge; ours is beside it, labelled; too little use for a projection, and it says so.
    expect(text).toMatch(/Claude's 5-hour window \d\d:\d\d–\d\d:\d\d: 47% used \(Claude\), 60% of the time gone\n {2}ours ≈ 9% of 5\.5k tok \(learned limit\)\n {2}no projection yet: it needs 15m00s of use \(6m\d\ds so far\)/);
  });

  it('marks a block that ended in a limit Claude wrote into its transcript, imported once', async () => {
    const now = Date.now();
    const folder = join(sandbox.home, '.claude', 'projects', '-work-app');
    mkdirSync(folder, { recursive: true });
    const iso = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
    const answer = JSON.stringify({
      type: 'assistant',
      sessionId: 'limited',
      cwd: '/work/app',
      requestId: 'r-1',
      timestamp: iso(30 * 60),
      message: { id: 'm-1', model: 'claude-opus-4-5', usage: { input_tokens: 10, output_tokens: 900 } },
    });
    // The legacy wording with its epoch, as 1.0.60 writes it (test/fixtures/transcripts/v1.0.60-five-hour-limit.jsonl).
    const limit = JSON.stringify({
      type: 'assistant',
      sessionId: 'limited',
      timestamp: iso(30 * 60 - 20),
      message: { id: 'm-2', model: '<synthetic>', role: 'assistant', content: [{ type: 'text', text: 'Claude AI usage limit reached|1750708800' }], usage: { input_tokens: 0, output_tokens: 0 } },
      isApiErrorMessage: true,
    });
    const file = join(folder, 'limited.jsonl');
    writeFileSync(file, `${answer}\n${limit}\n`);
    const first = await cwJson(sandbox, ['blocks', '--json']);
    expect(first.blocks).toHaveLength(1);
    expect(first.blocks[0].limitHit).toEqual({ at: iso(30 * 60 - 20), kind: expect.any(String) });
    expect((await runCw(sandbox, ['blocks'])).stdout.toString()).toMatch(/limit \d\d:\d\d/);

    // The file rewritten shorter and whole again (as after an edit): read again, nothing doubles.
    writeFileSync(file, `${limit}\n`);
    writeFileSync(file, `${answer}\n${limit}\n`);
    await cwJson(sandbox, ['import', '--json']);
    const db = new Database(join(sandbox.cwHome, 'claudewatch.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT COUNT(*) AS n FROM limits').get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  });
});

describe('cw export', () => {
  it('writes the report, the sessions and their analytics, owner-only', async () => {
    placeFixtures(sandbox, HAND_CHECKED);
    const out = join(sandbox.root, 'exports', 'history.json');
    const result = await runCw(sandbox, ['export', '--output', out, '--report', 'model']);
    expect(result.code, result.stderr.toString()).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.report).toBe('model');
    expect(report.totals.messages).toBe(9);
    const exported = JSON.parse(readFileSync(join(sandbox.root, 'exports', 'history.sessions.json'), 'utf8'));
    expect(exported).toMatchObject({ schemaVersion: 1, format: 'claudewatch-sessions', machine: expect.any(String) });
    expect(exported.messages).toHaveLength(9);
    const sessions = exported.sessions;
    const analytics = JSON.parse(readFileSync(join(sandbox.root, 'exports', 'history.analytics.json'), 'utf8'));
    expect(sessions).toHaveLength(3);
    expect(analytics.map((entry: any) => entry.claudeSessionId)).toEqual(sessions.map((session: any) => session.claudeSessionId));
    for (const file of ['history.json', 'history.sessions.json', 'history.analytics.json']) {
      expect(statSync(join(sandbox.root, 'exports', file)).mode & 0o777).toBe(0o600);
    }

    const one = sessions.find((session: any) => session.models.includes('claude-opus-4-8'));
    const single = join(sandbox.root, 'one.json');
    expect((await runCw(sandbox, ['export', '-o', single, '--session', one.claudeSessionId.slice(0, 8), '--skip-import'])).code).toBe(0);
    const onlyOne = JSON.parse(readFileSync(join(sandbox.root, 'one.sessions.json'), 'utf8'));
    expect(onlyOne.sessions).toHaveLength(1);
    expect(onlyOne.messages).toHaveLength(2);
    expect(JSON.parse(readFileSync(single, 'utf8')).totals.messages).toBe(2);

    const csv = join(sandbox.root, 'sessions.csv');
    expect((await runCw(sandbox, ['export', '-o', csv, '--format', 'csv', '--skip-import'])).code).toBe(0);
    expect(readFileSync(csv, 'utf8').split('\r\n').filter(Boolean)).toHaveLength(4);
  });
});
