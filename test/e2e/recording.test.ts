import Database from 'better-sqlite3';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixturePath } from '../support/fixtures.js';
import {
  createSandbox,
  CW_RUN,
  fakeScript,
  installFakeClaude,
  recordedSessions,
  runProcess,
  SHIM,
  type Sandbox,
} from '../support/sandbox.js';
import { until } from '../support/until.js';

let sandbox: Sandbox;

beforeEach(() => {
  sandbox = createSandbox();
  installFakeClaude(sandbox);
});

afterEach(() => sandbox.cleanup());

// `claude -p --output-format stream-json` output in the layout of Claude Code 2.1.4 (see
// test/fixtures/SOURCES.md): three models in modelUsage, total_cost_usd 0.0745213, num_turns 3.
const threeModels = readFileSync(fixturePath('headless', 'v2.1.4-stream-json-three-models.jsonl'));

describe('print mode is recorded from the stream it passes through', () => {
  it('records Claude’s own cost, turns, tokens by model and session id', async () => {
    const result = await runProcess(SHIM, ['-p', 'check the tests', '--output-format', 'stream-json', '--verbose'], {
      env: { ...sandbox.env, FAKE_CLAUDE_SCRIPT: fakeScript([{ out: threeModels }]) },
    });
    expect(result.code).toBe(0);
    expect(result.stdout.equals(threeModels)).toBe(true);
    const [session] = await recordedSessions(sandbox);
    // Tokens are its two messages' (the result's own usage says the same); the cost is Claude's, which
    // also covers the helper models its modelUsage lists. One prompt answered: one turn; Claude counts 3.
    expect(session).toMatchObject({
      status: 'COMPLETED',
      mode: 'print',
      claudeSessionId: 'd49d1efb-0239-4aa2-a2b0-f6c86b2320a6',
      costUsd: 0.0745213,
      costSource: 'claude',
      numTurns: 1,
      claudeNumTurns: 3,
      messages: 2,
      exitCode: 0,
      inputTokens: 1 + 5,
      outputTokens: 158 + 425,
      cacheReadTokens: 18003 + 24850,
      cacheCreationTokens: 6847 + 2135,
      claudeVersion: '2.1.4',
      model: 'claude-sonnet-4-5-20250929',
      rateLimit: null,
    });
    expect(session!.models).toEqual(
      expect.arrayContaining(['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001', 'claude-opus-4-5-20251101']),
    );
    // Prompt text is never stored.
    expect(JSON.stringify(session)).not.toContain('check the tests');
    expect(session!.argv).toEqual(['-p', '<prompt:15 chars>', '--output-format', 'stream-json', '--verbose']);
  });

  it('counts malformed JSON lines without failing', async () => {
    const lines = ['{"type":"system","subtype":"init","session_id":"s1","model":"claude-sonnet-4-5"}', '{not json', '{"type":"result","subtype":"success","is_error":false,"num_turns":1,"total_cost_usd":0.5,"session_id":"s1"}', ''].join('\n');
    const result = await runProcess(SHIM, ['-p', 'x', '--output-format', 'stream-json'], {
      env: { ...sandbox.env, FAKE_CLAUDE_SCRIPT: fakeScript([{ out: lines }]) },
    });
    expect(result.code).toBe(0);
    expect(result.stderr.toString()).toBe('');
    const [session] = await recordedSessions(sandbox);
    expect(session).toMatchObject({ rejectedLines: 1, costUsd: 0.5, claudeNumTurns: 1, claudeSessionId: 's1', model: 'claude-sonnet-4-5' });
  });

  it('cw-run records the session type and project path and runs Claude there', async () => {
    const project = join(sandbox.root, 'project');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(project);
    const record = join(sandbox.root, 'calls.jsonl');
    const result = await runProcess(process.execPath, [CW_RUN, '--session-type', 'debugging', '--project-path', project, '--', 'ask', 'what changed?'], {
      env: { ...sandbox.env, FAKE_CLAUDE_SCRIPT: fakeScript([{ out: 'ok\n' }]), FAKE_CLAUDE_RECORD: record },
    });
    expect(result.code).toBe(0);
    const call = JSON.parse(readFileSync(record, 'utf8').trim()) as { argv: string[]; cwd: string };
    expect(call.argv).toEqual(['ask', 'what changed?']);
    expect(call.cwd).toBe(project);
    const [session] = await recordedSessions(sandbox);
    expect(session).toMatchObject({ sessionType: 'debugging', projectPath: project, cwd: project, mode: 'pipe', status: 'COMPLETED' });
  });
});

describe('state files', () => {
  it('writes current_session.json and a per-session file, owner-only', async () => {
    await runProcess(SHIM, ['-p', 'x', '--output-format', 'stream-json'], {
      env: { ...sandbox.env, FAKE_CLAUDE_SCRIPT: fakeScript([{ out: threeModels }]) },
    });
    const current = JSON.parse(readFileSync(join(sandbox.cwHome, 'state', 'current_session.json'), 'utf8')) as {
      status: string;
      data: { id: string; costUsd: number };
      updatedAt: string;
    };
    expect(current.status).toBe('COMPLETED');
    expect(current.data.costUsd).toBe(0.0745213);
    expect(Number.isNaN(Date.parse(current.updatedAt))).toBe(false);
    const perSession = join(sandbox.cwHome, 'state', 'sessions', `${current.data.id}.json`);
    expect(JSON.parse(readFileSync(perSession, 'utf8')).status).toBe('COMPLETED');
    for (const file of [join(sandbox.cwHome, 'state', 'current_session.json'), perSession, join(sandbox.cwHome, 'claudewatch.db')]) {
      expect(statSync(file).mode & 0o777).toBe(0o600);
    }
    for (const dir of [sandbox.cwHome, join(sandbox.cwHome, 'state'), join(sandbox.cwHome, 'state', 'sessions')]) {
      expect(statSync(dir).mode & 0o777).toBe(0o700);
    }
    expect(readdirSync(join(sandbox.cwHome, 'state', 'sessions')).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('honours CLAUDE_SESSION_STATE_FILE and shows ACTIVE while Claude runs', async () => {
    const stateFile = join(sandbox.root, 'custom', 'state.json');
    const running = runProcess(SHIM, ['-p', 'x'], {
      env: { ...sandbox.env, CLAUDE_SESSION_STATE_FILE: stateFile, FAKE_CLAUDE_SCRIPT: fakeScript([{ sleep: 1500 }]) },
    });
    const seen = await until(() => JSON.parse(readFileSync(stateFile, 'utf8')) as { status: string }, 'the state file', { timeoutMs: 5000, intervalMs: 25 });
    expect(seen.status).toBe('ACTIVE');
    await running;
    expect((JSON.parse(readFileSync(stateFile, 'utf8')) as { status: string }).status).toBe('COMPLETED');
  });
});

describe('many sessions at once', () => {
  it('32 concurrent runs through the shim all land in the one database, every message kept', async () => {
    const RUNS = 32;
    // Each run writes a burst of messages while the others write theirs: lock contention on purpose.
    const MESSAGES = 20;
    const runs = Array.from({ length: RUNS }, (_, i) =>
      runProcess(SHIM, ['-p', `run ${i}`, '--output-format', 'stream-json', '--verbose'], {
        env: {
          ...sandbox.env,
          FAKE_CLAUDE_SCRIPT: fakeScript([
            { out: `{"type":"system","subtype":"init","session_id":"s-${i}","model":"claude-sonnet-4-5"}\n` },
            ...Array.from({ length: MESSAGES }, (_, m) => [
              { out: `{"type":"assistant","message":{"id":"m-${i}-${m}","model":"claude-sonnet-4-5","usage":{"input_tokens":10,"output_tokens":${m + 1}}},"session_id":"s-${i}"}\n` },
              { sleep: 5 },
            ]).flat(),
            { out: `{"type":"result","subtype":"success","is_error":false,"num_turns":1,"total_cost_usd":${(i + 1) / 100},"session_id":"s-${i}"}\n` },
          ]),
        },
        timeoutMs: 90_000,
      }),
    );
    const results = await Promise.all(runs);
    for (const result of results) {
      expect(result.code).toBe(0);
      // Nothing to report: no lock error, nothing dropped.
      expect(result.stderr.toString()).toBe('');
    }
    const recorded = await recordedSessions(sandbox);
    expect(recorded).toHaveLength(RUNS);
    expect(new Set(recorded.map((session) => session.claudeSessionId)).size).toBe(RUNS);
    expect(recorded.every((session) => session.status === 'COMPLETED')).toBe(true);
    const total = recorded.reduce((sum, session) => sum + Number(session.costUsd), 0);
    expect(total).toBeCloseTo((RUNS * (RUNS + 1)) / 2 / 100, 10);
    expect(recorded.every((session) => session.outputTokens === (MESSAGES * (MESSAGES + 1)) / 2)).toBe(true);
    const db = new Database(join(sandbox.cwHome, 'claudewatch.db'), { readonly: true });
    try {
      const perSession = db.prepare(`SELECT run_id, COUNT(*) AS n FROM messages GROUP BY run_id`).all() as { n: number }[];
      expect(perSession).toHaveLength(RUNS);
      expect(perSession.every((row) => row.n === MESSAGES)).toBe(true);
    } finally {
      db.close();
    }
  }, 120_000);
});
