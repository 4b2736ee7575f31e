/**
 * docs/json-output.md against what the commands really print: every field of every `--json`
 * output and of the state files is documented with its type, and every documented shape and field
 * turns up in real output. The history is made to hold every kind of thing the shapes describe: a
 * finished run, a live rate-limited run, an imported session, Claude running unwrapped, an alert.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CW, CW_RUN, REPO_ROOT, createSandbox, fakeScript, installFakeClaude, runCw, runProcess, type FakeStep, type Sandbox } from '../support/sandbox.js';
import { parseJsonDoc, checkAgainstDoc, type JsonDoc } from '../support/json-doc.js';

const DOC = join(REPO_ROOT, 'docs', 'json-output.md');
const FINISHED = '11111111-2222-4333-8444-555555555555';
const IMPORTED = 'bbbbbbbb-cccc-4ddd-8eee-ffffffffffff';
const EARLIER = 'cccccccc-dddd-4eee-8fff-000000000000';

let sandbox: Sandbox;
let project: string;
const held: ChildProcess[] = [];

function event(value: Record<string, unknown>): FakeStep {
  return { out: `${JSON.stringify(value)}\n` };
}

/** A print run's events: its start, one answer, a limit reading, then `end`. */
function printRun(sessionId: string, limit: Record<string, unknown>, end: FakeStep[]): FakeStep[] {
  const usage = { input_tokens: 1200, output_tokens: 345, cache_creation_input_tokens: 2048, cache_read_input_tokens: 8192 };
  return [
    event({ type: 'system', subtype: 'init', session_id: sessionId, model: 'claude-sonnet-4-5', cwd: project, claude_code_version: '2.1.330' }),
    event({ type: 'assistant', session_id: sessionId, message: { id: `msg_${sessionId.slice(0, 8)}`, model: 'claude-sonnet-4-5', role: 'assistant', content: [{ type: 'text', text: 'ok' }], usage } }),
    event({ type: 'rate_limit_event', rate_limit_info: limit }),
    ...end,
  ];
}

function git(args: string[], env: Record<string, string> = {}): void {
  execFileSync('git', args, {
    cwd: project,
    env: { PATH: process.env.PATH, HOME: sandbox.home, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'A', GIT_AUTHOR_EMAIL: 'a@example.com', GIT_COMMITTER_NAME: 'A', GIT_COMMITTER_EMAIL: 'a@example.com', ...env },
  });
}

/** Our own transcript lines, in Claude's structure: a prompt and two answers, `hoursAgo` back. */
function writeTranscript(sessionId: string, hoursAgo: number): void {
  const folder = join(sandbox.home, '.claude', 'projects', '-work-imported');
  mkdirSync(folder, { recursive: true });
  const at = Date.now() - hoursAgo * 60 * 60_000;
  const lines = [
    { type: 'user', sessionId, cwd: '/work/imported', timestamp: new Date(at).toISOString(), message: { role: 'user', content: 'hello' } },
    ...[0, 1].map((index) => ({
      type: 'assistant',
      sessionId,
      cwd: '/work/imported',
      version: '2.1.330',
      requestId: `req_${sessionId.slice(0, 8)}_${index}`,
      timestamp: new Date(at + (index + 1) * 60_000).toISOString(),
      message: { id: `msg_${sessionId.slice(0, 8)}_${index}`, model: 'claude-opus-4-5', role: 'assistant', content: [{ type: 'text', text: 'ok' }], usage: { input_tokens: 900, output_tokens: 120, cache_read_input_tokens: 4000 } },
    })),
  ];
  writeFileSync(join(folder, `${sessionId}.jsonl`), `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
}

/** A process that holds its stdin until the test ends. */
function hold(command: string, args: string[], env: Record<string, string>): void {
  const child = spawn(command, args, { env, cwd: project, stdio: ['pipe', 'ignore', 'ignore'] });
  held.push(child);
}

async function json(args: string[]): Promise<unknown> {
  const result = await runCw(sandbox, args);
  expect(result.code, `cw ${args.join(' ')}: ${result.stderr.toString()}`).toBe(0);
  return JSON.parse(result.stdout.toString()) as unknown;
}

/** Polls `check` until it gives something; what it waits for is said if it never does. */
async function until<T>(check: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function sessionStates(): Array<{ id: string; status: string }> {
  const dir = join(sandbox.cwHome, 'state', 'sessions');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((name) => name.endsWith('.json')).flatMap((name) => {
    try {
      return [(JSON.parse(readFileSync(join(dir, name), 'utf8')) as { data: { id: string; status: string } }).data];
    } catch {
      return [];
    }
  });
}

const outputs = new Map<string, unknown>();

beforeAll(async () => {
  sandbox = createSandbox();
  const claude = installFakeClaude(sandbox);
  project = join(sandbox.root, 'project');
  mkdirSync(project);
  git(['init', '-q', '-b', 'main']);
  const later = `@${Math.floor(Date.now() / 1000) + 3600} +0000`;
  git(['commit', '-q', '--allow-empty', '-m', 'a commit made while the run ran'], { GIT_AUTHOR_DATE: later, GIT_COMMITTER_DATE: later });
  mkdirSync(sandbox.cwHome, { recursive: true });
  const config = { plan: 'custom', planLimits: { tokensPerBlock: 100_000 }, alerts: { dailyCostUsd: 0.01, bell: false, desktop: false }, analysis: { onStart: false } };
  writeFileSync(join(sandbox.cwHome, 'config.json'), JSON.stringify(config));
  writeTranscript(IMPORTED, 2);
  // A day earlier: a block of its own, and a gap before today's.
  writeTranscript(EARLIER, 30);

  const resetsAt = Math.floor(Date.now() / 1000) + 2 * 3600;
  const finished = await runProcess(process.execPath, [CW_RUN, '--project-path', project, '--session-type', 'review', '--', '-p', 'hi', '--output-format', 'stream-json', '--verbose'], {
    env: {
      ...sandbox.env,
      FAKE_CLAUDE_SCRIPT: fakeScript(
        printRun(FINISHED, { status: 'allowed_warning', rateLimitType: 'seven_day', utilization: 0.81, resetsAt: resetsAt + 86_400 }, [
          event({ type: 'result', subtype: 'success', is_error: false, num_turns: 2, duration_ms: 1500, duration_api_ms: 1200, total_cost_usd: 0.035286, session_id: FINISHED }),
        ]),
      ),
    },
  });
  expect(finished.code, finished.stderr.toString()).toBe(0);

  // Two runs that stay live in one project until the test ends, one of them listing its account's
  // peers; Claude's statusline reports the first at its limit. And Claude running without us.
  const live = (isolation: string): void =>
    hold(process.execPath, [CW_RUN, '--project-path', project, '--isolation', isolation, '--', '-p', 'hi'], {
      ...sandbox.env,
      FAKE_CLAUDE_VERSION: '2.1.330',
      FAKE_CLAUDE_SCRIPT: fakeScript([{ echoStdin: true }]),
    });
  live('shared-learning');
  const first = await until(async () => sessionStates().find((state) => state.status === 'ACTIVE'), 'the first live run');
  live('unified');
  const second = await until(async () => sessionStates().find((state) => state.status === 'ACTIVE' && state.id !== first.id), 'the second live run');
  hold(process.execPath, [claude], { ...sandbox.env, FAKE_CLAUDE_SCRIPT: fakeScript([{ echoStdin: true }]) });
  const reading = async (run: string, claudeSession: string, window: string): Promise<void> => {
    const input = { session_id: claudeSession, model: { id: 'claude-sonnet-4-5', display_name: 'Sonnet 4.5' }, cost: { total_cost_usd: 0.1 }, rate_limits: { [window]: { used_percentage: 100, resets_at: resetsAt } } };
    const result = await runProcess(process.execPath, [CW, 'statusline'], { env: { ...sandbox.env, CLAUDEWATCH_PARENT_SESSION: run }, stdin: JSON.stringify(input) });
    expect(result.code, result.stderr.toString()).toBe(0);
  };
  await reading(first.id, 'claude-live-first', 'seven_day');
  await reading(second.id, 'claude-live-second', 'five_hour');
  await until(async () => {
    const status = (await json(['status', '--json'])) as { current: { data: Record<string, unknown> } | null; limits: unknown[]; unwrapped: unknown[]; sharedProjects: unknown[] };
    const current = status.current?.data as { id: string; accountPeers: unknown[]; accountLimits: unknown[]; limitWindows: Record<string, unknown> } | undefined;
    return (
      current?.id === second.id &&
      current.accountPeers.length > 0 &&
      current.accountLimits.length > 0 &&
      'five_hour' in current.limitWindows &&
      status.limits.length > 1 &&
      status.unwrapped.length > 0 &&
      status.sharedProjects.length > 0
    );
  }, 'two live runs at their limits, the current one listing its peer, and an unwrapped claude in cw status');

  const commands: string[][] = [
    ['alerts', 'check', '--json'],
    ['status', '--json'],
    ['sessions', '--json'],
    ['events', '--json', '--session', FINISHED],
    ['import', '--json'],
    ['report', '--json'],
    ['report', 'session', '--json', '--breakdown'],
    ['blocks', '--json'],
    ['alerts', 'list', '--json'],
    ['analyze', '--json'],
    ['prices', '--json'],
    ['config', 'show', '--json'],
    ['doctor', '--json'],
    ['otlp', 'push', '--json'],
    ['otlp', 'status', '--json'],
    ['prune', '--older-than', '3650d', '--json'],
  ];
  for (const args of commands) {
    const name = `cw ${args.filter((arg) => !arg.startsWith('-') || arg === '--json').filter((arg) => arg !== FINISHED && arg !== '3650d').join(' ')}`;
    if (args[0] === 'otlp') {
      // Pushed to a port nothing listens on: the failure is part of what the shapes describe.
      const result = await runCw(sandbox, args, { CLAUDEWATCH_OTLP: '1', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
      outputs.set(name, JSON.parse(result.stdout.toString()));
      continue;
    }
    if (args[0] === 'doctor') {
      // A warning is fine here: only the shape matters.
      const result = await runCw(sandbox, args);
      outputs.set(name, JSON.parse(result.stdout.toString()));
      continue;
    }
    outputs.set(name, await json(args));
  }
  outputs.set('current_session.json', JSON.parse(readFileSync(join(sandbox.cwHome, 'state', 'current_session.json'), 'utf8')));
}, 120_000);

afterAll(async () => {
  for (const child of held) {
    child.stdin?.end();
    await new Promise((resolve) => (child.exitCode === null ? child.once('close', resolve) : resolve(null)));
  }
  sandbox?.cleanup();
});

describe('docs/json-output.md', () => {
  let doc: JsonDoc;
  beforeAll(() => {
    doc = parseJsonDoc(readFileSync(DOC, 'utf8'));
  });

  it('documents every output it was checked against, and no other', () => {
    expect([...doc.outputs.keys()].sort()).toEqual([...outputs.keys()].map((name) => name.replace(/^cw report session/, 'cw report')).filter((name, index, all) => all.indexOf(name) === index).sort());
  });

  it('documents every field of every output with its type, and every documented field occurs', () => {
    const problems = checkAgainstDoc(doc, [...outputs].map(([name, value]) => ({ output: name.replace(/^cw report session/, 'cw report'), value })));
    expect(problems).toEqual([]);
  });

  it('has every output carry the schema version', () => {
    for (const [name, value] of outputs) expect((value as { schemaVersion?: unknown }).schemaVersion, name).toBe(1);
  });
});
