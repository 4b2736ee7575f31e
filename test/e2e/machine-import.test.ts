/**
 * One history across machines: `cw export` on one, `cw import --from FILE.sessions.json` on
 * another. The second history then holds both machines' usage, each message once however often
 * the file is imported, and `cw report machine` splits it by machine. The transcripts are our own
 * lines in Claude Code's structure; the wrapped run reports a cost for messages nobody saw.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createSandbox, fakeScript, installFakeClaude, runCw, runProcess, SHIM, type Sandbox } from '../support/sandbox.js';

interface Totals {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  costUsd: number;
  messages: number;
}
interface Report {
  rows: Array<{ key: string } & Totals>;
  totals: Totals;
}

let laptop: Sandbox;
let desktop: Sandbox;
beforeEach(() => {
  laptop = createSandbox();
  desktop = createSandbox();
});
afterEach(() => {
  laptop.cleanup();
  desktop.cleanup();
});

/** A transcript of `answers` assistant messages, `hoursAgo` back, in project `project`. */
function writeTranscript(sandbox: Sandbox, sessionId: string, project: string, answers: number, hoursAgo: number): void {
  const folder = join(sandbox.home, '.claude', 'projects', `-work-${project}`);
  mkdirSync(folder, { recursive: true });
  const at = Date.now() - hoursAgo * 3_600_000;
  const lines = [
    { type: 'user', sessionId, cwd: `/work/${project}`, timestamp: new Date(at).toISOString(), message: { role: 'user', content: 'hello' } },
    ...Array.from({ length: answers }, (_, index) => ({
      type: 'assistant',
      sessionId,
      cwd: `/work/${project}`,
      version: '2.1.330',
      requestId: `req_${sessionId}_${index}`,
      timestamp: new Date(at + (index + 1) * 60_000).toISOString(),
      message: { id: `msg_${sessionId}_${index}`, model: 'claude-sonnet-4-5', role: 'assistant', content: [{ type: 'text', text: 'ok' }], usage: { input_tokens: 1000 + index, output_tokens: 200, cache_read_input_tokens: 3000 } },
    })),
  ];
  writeFileSync(join(folder, `${sessionId}.jsonl`), `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
}

async function cw(sandbox: Sandbox, args: string[]): Promise<string> {
  const result = await runCw(sandbox, args);
  expect(result.code, `cw ${args.join(' ')}: ${result.stderr.toString()}`).toBe(0);
  return result.stdout.toString();
}

const report = async (sandbox: Sandbox, kind = 'daily'): Promise<Report> => JSON.parse(await cw(sandbox, ['report', kind, '--json'])) as Report;

function expectTotals(actual: Totals, expected: Totals): void {
  expect({ ...actual, costUsd: 0 }).toMatchObject({ ...expected, costUsd: 0 });
  expect(actual.costUsd).toBeCloseTo(expected.costUsd, 9);
}

function sum(a: Totals, b: Totals): Totals {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    costUsd: a.costUsd + b.costUsd,
    messages: a.messages + b.messages,
  };
}

const pick = ({ inputTokens, outputTokens, cacheReadTokens, costUsd, messages }: Totals): Totals => ({ inputTokens, outputTokens, cacheReadTokens, costUsd, messages });

it('adds another machine’s export to this history once, labelled by machine', async () => {
  writeTranscript(laptop, 'laptop-a', 'app', 3, 30);
  writeTranscript(laptop, 'laptop-b', 'site', 2, 5);
  // A wrapped run Claude says cost $0.40, whose messages nobody saw: its figure travels too.
  installFakeClaude(laptop);
  const result = `{"type":"result","subtype":"success","is_error":false,"num_turns":1,"total_cost_usd":0.4,"session_id":"laptop-run","usage":{"input_tokens":10,"output_tokens":4}}\n`;
  const run = await runProcess(SHIM, ['-p', 'go', '--output-format', 'json'], { env: { ...laptop.env, FAKE_CLAUDE_SCRIPT: fakeScript([{ out: result }]) } });
  expect(run.code).toBe(0);
  writeTranscript(desktop, 'desktop-a', 'app', 4, 2);

  const fromLaptop = pick((await report(laptop)).totals);
  const ownDesktop = pick((await report(desktop)).totals);
  expect(fromLaptop.messages).toBeGreaterThanOrEqual(6);
  expect(fromLaptop.costUsd).toBeGreaterThan(0.4);

  const file = join(laptop.root, 'out', 'laptop.json');
  await cw(laptop, ['export', '--output', file]);
  const exported = JSON.parse(readFileSync(join(laptop.root, 'out', 'laptop.sessions.json'), 'utf8')) as { schemaVersion: number; format: string; messages: unknown[] };
  expect(exported).toMatchObject({ schemaVersion: 1, format: 'claudewatch-sessions' });
  expect(exported.messages).toHaveLength(fromLaptop.messages);

  const sessionsFile = join(laptop.root, 'out', 'laptop.sessions.json');
  const first = JSON.parse(await cw(desktop, ['import', '--from', sessionsFile, '--machine', 'laptop', '--json'])) as Record<string, unknown>;
  expect(first).toMatchObject({ schemaVersion: 1, machine: 'laptop', messages: fromLaptop.messages, added: fromLaptop.messages, alreadyKnown: 0 });
  const merged = pick((await report(desktop)).totals);
  expectTotals(merged, sum(ownDesktop, fromLaptop));

  // The same file again, and the desktop's own export coming back: nothing doubles.
  expect(await cw(desktop, ['import', '--from', sessionsFile, '--machine', 'laptop'])).toContain(`Imported 0 of ${fromLaptop.messages} messages from laptop`);
  const own = join(desktop.root, 'out', 'desktop.json');
  await cw(desktop, ['export', '--output', own]);
  await cw(desktop, ['import', '--from', join(desktop.root, 'out', 'desktop.sessions.json')]);
  expectTotals(pick((await report(desktop)).totals), merged);

  const byMachine = await report(desktop, 'machine');
  const laptopRow = byMachine.rows.find((row) => row.key === 'laptop');
  expect(laptopRow, JSON.stringify(byMachine.rows)).toBeDefined();
  expectTotals(pick(laptopRow!), fromLaptop);
  expect(byMachine.rows).toHaveLength(2);
  expectTotals(pick(byMachine.rows.find((row) => row.key !== 'laptop')!), ownDesktop);
});

it('refuses a file it cannot merge, says why, and changes nothing', async () => {
  writeTranscript(desktop, 'desktop-a', 'app', 2, 2);
  const before = (await report(desktop)).totals;
  const old = join(desktop.root, 'old.sessions.json');
  writeFileSync(old, '[]\n');
  const refused = await runCw(desktop, ['import', '--from', old]);
  expect(refused.code).toBe(1);
  expect(refused.stderr.toString()).toContain('older cw export');

  const broken = join(desktop.root, 'broken.sessions.json');
  const message = { messageId: 'm1', requestId: 'r1', claudeSessionId: 's', machine: 'x', cwd: null, model: 'claude-sonnet-4-5', at: new Date().toISOString(), inputTokens: 1, outputTokens: 1, cacheCreationTokens: 0, cacheReadTokens: 0, costUsd: 0.1, computedCostUsd: 0.1, priced: true, sidechain: false, answersPrompt: true };
  writeFileSync(broken, JSON.stringify({ schemaVersion: 1, format: 'claudewatch-sessions', machine: 'x', sessions: [], messages: [message, { ...message, messageId: 'm2', outputTokens: -5 }] }));
  const half = await runCw(desktop, ['import', '--from', broken]);
  expect(half.code).toBe(1);
  expect(half.stderr.toString()).toContain('message 2: "outputTokens"');
  expect((await report(desktop)).totals).toEqual(before);

  const missing = await runCw(desktop, ['import', '--from', join(desktop.root, 'nope.json')]);
  expect(missing.code).toBe(1);
  expect(missing.stderr.toString()).toContain('no such file');
});
