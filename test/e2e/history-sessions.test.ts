/** The history's sessions: a wrapped run and its transcript are one session, counted once. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { analyticsOf, listHistorySessions, sessionsCsv } from '../../src/store/history-sessions.js';
import { createSandbox, fakeScript, installFakeClaude, runCw, runProcess, SHIM, type Sandbox } from '../support/sandbox.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = createSandbox();
  installFakeClaude(sandbox);
});
afterEach(() => sandbox.cleanup());

const line = (id: string, at: string, output: number, cacheRead = 0) =>
  JSON.stringify({
    type: 'assistant',
    sessionId: 'claude-wrapped',
    cwd: '/work/app',
    requestId: `r-${id}`,
    timestamp: at,
    message: { id, model: 'claude-sonnet-4-5', usage: { input_tokens: 100, output_tokens: output, cache_read_input_tokens: cacheRead } },
  });

describe('history sessions', () => {
  it('joins a wrapped run with its imported transcript and counts its tokens once', async () => {
    // The run Claude made through the shim (print mode reports the same messages) ...
    const run = await runProcess(SHIM, ['-p', 'go', '--output-format', 'stream-json', '--verbose'], {
      env: {
        ...sandbox.env,
        FAKE_CLAUDE_SCRIPT: fakeScript([
          { out: '{"type":"system","subtype":"init","session_id":"claude-wrapped","model":"claude-sonnet-4-5"}\n' },
          { out: '{"type":"assistant","message":{"id":"m1","model":"claude-sonnet-4-5","usage":{"input_tokens":100,"output_tokens":40}},"session_id":"claude-wrapped"}\n' },
          { out: '{"type":"result","subtype":"success","is_error":false,"num_turns":1,"total_cost_usd":0.5,"session_id":"claude-wrapped"}\n' },
        ]),
      },
    });
    expect(run.code).toBe(0);
    // ... and the transcript it wrote, plus another session that was never wrapped.
    const folder = join(sandbox.home, '.claude', 'projects', '-work-app');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'claude-wrapped.jsonl'), `${line('m1', '2026-11-20T10:00:00.000Z', 40, 900)}\n${line('m2', '2026-11-20T10:10:00.000Z', 20)}\n`);
    writeFileSync(join(folder, 'other.jsonl'), `${line('m3', '2026-11-19T10:00:00.000Z', 7).replace(/claude-wrapped/g, 'claude-other')}\n`);
    expect((await runCw(sandbox, ['import', '--quiet'])).code).toBe(0);

    const db = openDatabase(join(sandbox.cwHome, 'claudewatch.db'));
    let sessions;
    try {
      sessions = listHistorySessions(db);
    } finally {
      db.close();
    }
    expect(sessions.map((session) => [session.claudeSessionId, session.source])).toEqual([
      ['claude-wrapped', 'both'],
      ['claude-other', 'transcript'],
    ]);
    const wrapped = sessions[0]!;
    expect(wrapped).toMatchObject({ messages: 2, inputTokens: 200, outputTokens: 60, cacheReadTokens: 900, project: sandbox.home, wrappedSessionIds: [expect.any(String)] });
    expect(wrapped.startedAt).toBe('2026-11-20T10:00:00.000Z');
    expect(analyticsOf(wrapped)).toMatchObject({ cacheHitRate: 900 / 1100, outputShare: 60 / 1160 });
    const csv = sessionsCsv(sessions).split('\r\n');
    expect(csv[0]).toBe(
      'claudeSessionId,wrappedSessionIds,source,project,sessionType,status,isolationKey,placeKind,gitBranch,claudeVersion,startedAt,endedAt,models,messages,inputTokens,outputTokens,cacheCreationTokens,cacheReadTokens,costUsd,computedCostUsd,reportedCostUsd,turns,prompts',
    );
    expect(csv).toHaveLength(4);
  });
});
