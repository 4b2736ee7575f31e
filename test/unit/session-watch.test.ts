/**
 * Following transcripts and our hooks' inbox on real files: torn writes, replaced files, the
 * three ways of finding the transcript, and resumed sessions.
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, existsSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Fact } from '../../src/core/facts.js';
import { capabilitiesOf } from '../../src/core/claude-capabilities.js';
import { inspectClaudeArgs } from '../../src/core/claude-args.js';
import { planWatch, type WatchPlan } from '../../src/core/watch-plan.js';
import { parseHookLine } from '../../src/ingest/hook-event.js';
import { FileFollower } from '../../src/runner/file-follower.js';
import { SessionWatch } from '../../src/runner/session-watch.js';
import { projectFolderName } from '../../src/shared/claude-paths.js';
import { silentLogger } from '../../src/shared/log.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cw-watch-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);
const line = (value: unknown): string => `${JSON.stringify(value)}\n`;

function assistant(id: string, requestId: string, output: number, extra: Record<string, unknown> = {}): string {
  return line({
    type: 'assistant',
    sessionId: 'claude-1',
    requestId,
    timestamp: new Date(T0 + 1000).toISOString(),
    message: { id, model: 'claude-sonnet-4-5', usage: { input_tokens: 100, output_tokens: output, cache_read_input_tokens: 50 }, stop_reason: null },
    ...extra,
  });
}
const prompt = (text: string): string => line({ type: 'user', sessionId: 'claude-1', timestamp: new Date(T0).toISOString(), message: { role: 'user', content: text } });
const turnEnd = (): string => line({ type: 'system', subtype: 'turn_duration', sessionId: 'claude-1', timestamp: new Date(T0 + 2000).toISOString() });

describe('FileFollower', () => {
  it('hands over complete lines only: a torn last line waits for its end', () => {
    const file = join(dir, 't.jsonl');
    const lines: string[] = [];
    const follower = new FileFollower({ file, onLine: (l) => lines.push(l) });
    follower.poll(); // not there yet: nothing, no error
    writeFileSync(file, '{"a":1}\n{"b":');
    follower.poll();
    expect(lines).toEqual(['{"a":1}']);
    appendFileSync(file, '2}\n{"c":"é');
    follower.poll();
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
    appendFileSync(file, '"}\n');
    follower.poll();
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"c":"é"}']);
    expect(follower.position).toBe(statSync(file).size);
  });

  it('keeps UTF-8 split across reads intact', () => {
    const file = join(dir, 't.jsonl');
    const lines: string[] = [];
    const follower = new FileFollower({ file, onLine: (l) => lines.push(l) });
    const bytes = Buffer.from('{"text":"日本"}\n');
    writeFileSync(file, bytes.subarray(0, 11)); // ends inside 本
    follower.poll();
    appendFileSync(file, bytes.subarray(11));
    follower.poll();
    expect(lines).toEqual(['{"text":"日本"}']);
  });

  it('gives a last line without a newline at finish', () => {
    const file = join(dir, 't.jsonl');
    writeFileSync(file, '{"a":1}\n{"b":2}');
    const lines: string[] = [];
    const follower = new FileFollower({ file, onLine: (l) => lines.push(l) });
    follower.poll();
    expect(lines).toEqual(['{"a":1}']);
    follower.finish();
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('starts again from the top when the file is truncated or replaced', () => {
    const file = join(dir, 't.jsonl');
    writeFileSync(file, '{"a":1}\n{"b":2}\n');
    const lines: string[] = [];
    let restarts = 0;
    const follower = new FileFollower({ file, onLine: (l) => lines.push(l), onRestart: () => restarts++ });
    follower.poll();
    writeFileSync(file, '{"c":3}\n');
    follower.poll();
    const other = join(dir, 'other');
    writeFileSync(other, '{"d":4}\n{"e":5}\n{"f":6}\n');
    renameSync(other, file);
    follower.poll();
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}', '{"d":4}', '{"e":5}', '{"f":6}']);
    expect(restarts).toBe(2);
  });

  it('skips a line over the size limit and reports it, keeping the lines around it', () => {
    const file = join(dir, 't.jsonl');
    writeFileSync(file, `{"a":1}\n${'x'.repeat(5000)}\n{"b":2}\n`);
    const lines: string[] = [];
    const oversized: number[] = [];
    const follower = new FileFollower({ file, maxLineBytes: 1000, onLine: (l) => lines.push(l), onOversizedLine: (n) => oversized.push(n) });
    follower.poll();
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
    expect(oversized).toEqual([5000]);
  });
});

describe('parseHookLine', () => {
  const ctx = { now: T0, timeZone: 'UTC' };
  it('names the session and transcript from SessionStart', () => {
    const { hook, facts } = parseHookLine(
      JSON.stringify({ at: T0, hook_event_name: 'SessionStart', session_id: 's1', transcript_path: '/p/s1.jsonl', cwd: '/w', model: 'claude-sonnet-5-5', source: 'startup' }),
      ctx,
    );
    expect(hook).toEqual({ event: 'SessionStart', at: T0, claudeSessionId: 's1', transcriptPath: '/p/s1.jsonl' });
    expect(facts).toEqual([
      { kind: 'hook', source: 'hook', event: 'SessionStart', at: T0 },
      { kind: 'session-identified', source: 'hook', claudeSessionId: 's1', transcriptPath: '/p/s1.jsonl', cwd: '/w', model: 'claude-sonnet-5-5' },
    ]);
  });

  it('turns StopFailure for a rate limit into a limit, with the window when its message names it', () => {
    const bare = parseHookLine(JSON.stringify({ at: T0, hook_event_name: 'StopFailure', session_id: 's1', error: 'rate_limit' }), ctx).facts;
    expect(bare[1]).toEqual({ kind: 'rate-limit', source: 'hook', severity: 'limit', limitKind: 'subscription', resetsAt: null, at: T0 });
    const named = parseHookLine(
      JSON.stringify({ at: T0, hook_event_name: 'StopFailure', error: 'rate_limit', error_details: "You've hit your weekly limit · resets Nov 27, 4am (UTC)" }),
      ctx,
    ).facts;
    expect(named[1]).toMatchObject({ kind: 'rate-limit', limitKind: 'seven_day', resetsAt: Date.UTC(2026, 10, 27, 4, 0, 0) });
    const other = parseHookLine(JSON.stringify({ at: T0, hook_event_name: 'StopFailure', error: 'server_error' }), ctx).facts;
    expect(other.map((fact) => fact.kind)).toEqual(['hook']);
  });

  it('keeps the tool and a notification’s type and words: what Claude waits for', () => {
    const asked = parseHookLine(JSON.stringify({ at: T0, hook_event_name: 'PermissionRequest', session_id: 's1', tool_name: 'Bash' }), ctx).facts;
    expect(asked).toEqual([{ kind: 'hook', source: 'hook', event: 'PermissionRequest', at: T0, toolName: 'Bash' }]);
    const notice = parseHookLine(JSON.stringify({ at: T0, hook_event_name: 'Notification', notification_type: 'permission_prompt', message: 'Claude needs your permission to use Bash' }), ctx).facts;
    expect(notice).toEqual([{ kind: 'hook', source: 'hook', event: 'Notification', at: T0, notificationType: 'permission_prompt', message: 'Claude needs your permission to use Bash' }]);
    // A message outside a Notification is not Claude's notice.
    expect(parseHookLine(JSON.stringify({ at: T0, hook_event_name: 'Stop', message: 'x' }), ctx).facts[0]).not.toHaveProperty('message');
  });

  it('rejects what is not a hook line, without throwing', () => {
    expect(parseHookLine('{"hook_event_name":', ctx).facts).toEqual([{ kind: 'line-rejected', source: 'hook', reason: 'hook inbox line is not JSON' }]);
    expect(parseHookLine('[1]', ctx).facts[0]).toMatchObject({ kind: 'line-rejected' });
    expect(parseHookLine('', ctx).facts).toEqual([]);
  });
});

describe('SessionWatch', () => {
  const cwd = (): string => {
    const work = join(dir, 'work');
    mkdirSync(work, { recursive: true });
    return work;
  };
  const folderOf = (work: string): string => {
    const folder = join(dir, 'claude', 'projects', projectFolderName(work));
    mkdirSync(folder, { recursive: true });
    return folder;
  };

  // The scan compares file times with the start, so the start is the real clock's.
  function watchWith(plan: WatchPlan, work: string, options: { now?: (startedAt: number) => number; claimed?: Set<string> } = {}) {
    const facts: Fact[] = [];
    const startedAt = Date.now();
    const watch = new SessionWatch({
      plan,
      inboxFile: join(dir, 'state', 'inbox', 'ours.jsonl'),
      cwd: work,
      env: { CLAUDE_CONFIG_DIR: join(dir, 'claude') },
      startedAt,
      now: () => (options.now ? options.now(startedAt) : startedAt + 10_000),
      timeZone: 'UTC',
      emit: (batch) => facts.push(...batch),
      logger: silentLogger,
      ...(options.claimed ? { claimedElsewhere: () => options.claimed! } : {}),
    });
    return { watch, facts };
  }

  const hooksPlan = planWatch({
    args: [],
    info: inspectClaudeArgs([]),
    capabilities: capabilitiesOf('2.1.330'),
    argsLocked: null,
    hooksBlocked: null,
    userSettings: { kind: 'none' },
    hookCommand: 'true',
    newSessionId: () => 'unused',
  });
  const scanPlan: WatchPlan = { method: 'transcript-scan', args: [], reason: 'test', claudeSessionId: null, hookEvents: [] };

  it('follows the transcript our SessionStart hook names, and counts usage once per message', () => {
    const work = cwd();
    const folder = folderOf(work);
    const transcript = join(folder, 'claude-1.jsonl');
    // Another session's transcript in the same folder, newer: the hook, not the scan, decides.
    const { watch, facts } = watchWith(hooksPlan, work);
    watch.start();
    const inbox = join(dir, 'state', 'inbox', 'ours.jsonl');
    expect(existsSync(inbox)).toBe(true);
    expect(statSync(inbox).mode & 0o777).toBe(0o600);
    appendFileSync(inbox, line({ at: T0, hook_event_name: 'SessionStart', session_id: 'claude-1', transcript_path: transcript }));
    writeFileSync(join(folder, 'someone-else.jsonl'), assistant('m9', 'r9', 999, { sessionId: 'claude-2' }));
    writeFileSync(transcript, prompt('hi') + assistant('m1', 'r1', 1) + assistant('m1', 'r1', 42));
    watch.tick();
    appendFileSync(transcript, turnEnd());
    watch.tick();
    watch.stop();
    expect(watch.transcriptPath).toBe(transcript);
    const usage = facts.filter((fact) => fact.kind === 'usage');
    expect(usage.map((fact) => fact.kind === 'usage' && [fact.messageKey, fact.usage.outputTokens])).toEqual([
      ['m1:r1', 1],
      ['m1:r1', 42],
    ]);
    expect(facts.filter((fact) => fact.kind === 'turn-completed')).toHaveLength(1);
    expect(existsSync(inbox)).toBe(false);
  });

  it('follows the file of the session id it chose before Claude creates it', () => {
    const work = cwd();
    const folder = folderOf(work);
    const plan: WatchPlan = { method: 'session-id', args: [], reason: 'test', claudeSessionId: 'chosen-id', hookEvents: [] };
    const { watch, facts } = watchWith(plan, work);
    watch.start();
    watch.tick();
    writeFileSync(join(folder, 'chosen-id.jsonl'), prompt('hi') + assistant('m1', 'r1', 5));
    watch.tick();
    watch.stop();
    expect(facts[0]).toEqual({
      kind: 'session-identified',
      source: 'transcript',
      claudeSessionId: 'chosen-id',
      transcriptPath: join(folder, 'chosen-id.jsonl'),
      transcriptOffset: 0,
      costBaselineUsd: 0,
    });
    expect(facts.some((fact) => fact.kind === 'usage')).toBe(true);
    // The end of the file ends the last answered turn.
    expect(facts.filter((fact) => fact.kind === 'turn-completed')).toHaveLength(1);
  });

  it('scans for a transcript created after the start, skipping old ones and those other sessions follow', () => {
    const work = cwd();
    const folder = folderOf(work);
    writeFileSync(join(folder, 'old.jsonl'), assistant('m0', 'r0', 7));
    const claimed = new Set([join(folder, 'theirs.jsonl')]);
    const { watch, facts } = watchWith(scanPlan, work, { claimed });
    watch.start();
    writeFileSync(join(folder, 'theirs.jsonl'), assistant('m8', 'r8', 8));
    watch.tick();
    expect(watch.transcriptPath).toBeNull();
    writeFileSync(join(folder, 'mine.jsonl'), assistant('m1', 'r1', 3));
    watch.tick();
    watch.stop();
    expect(watch.transcriptPath).toBe(join(folder, 'mine.jsonl'));
    expect(facts.filter((fact) => fact.kind === 'usage').map((fact) => fact.kind === 'usage' && fact.messageKey)).toEqual(['m1:r1']);
  });

  it('waits before scanning when hooks should name the transcript', () => {
    const work = cwd();
    const folder = folderOf(work);
    let elapsed = 1000;
    const { watch } = watchWith(hooksPlan, work, { now: (startedAt) => startedAt + elapsed });
    watch.start();
    writeFileSync(join(folder, 'new.jsonl'), assistant('m1', 'r1', 3));
    watch.tick();
    expect(watch.transcriptPath).toBeNull();
    elapsed = 6000;
    watch.tick();
    watch.stop();
    expect(watch.transcriptPath).toBe(join(folder, 'new.jsonl'));
  });

  it('reads a resumed transcript from where it stood, with the cost figure it held then', () => {
    const work = cwd();
    const folder = folderOf(work);
    const transcript = join(folder, 'claude-1.jsonl');
    const costLine = (total: number): string => line({ type: 'cost-state', sessionId: 'claude-1', totalCostUSD: total });
    writeFileSync(transcript, prompt('before') + assistant('m0', 'r0', 100) + costLine(0.5));
    const { watch, facts } = watchWith(hooksPlan, work);
    watch.start();
    appendFileSync(join(dir, 'state', 'inbox', 'ours.jsonl'), line({ at: T0, hook_event_name: 'SessionStart', session_id: 'claude-1', transcript_path: transcript, source: 'resume' }));
    appendFileSync(transcript, prompt('after') + assistant('m1', 'r1', 10) + costLine(0.75));
    watch.tick();
    watch.stop();
    expect(facts.filter((fact) => fact.kind === 'usage').map((fact) => fact.kind === 'usage' && fact.messageKey)).toEqual(['m1:r1']);
    expect(facts.filter((fact) => fact.kind === 'cost-reported')).toEqual([{ kind: 'cost-reported', source: 'transcript', costUsd: 0.75, scope: transcript }]);
    expect(facts.find((fact) => fact.kind === 'session-identified' && fact.source === 'transcript')).toMatchObject({ transcriptPath: transcript, costBaselineUsd: 0.5 });
  });

  it('moves to the new transcript after /clear, finishing the old one', () => {
    const work = cwd();
    const folder = folderOf(work);
    const first = join(folder, 'a.jsonl');
    const second = join(folder, 'b.jsonl');
    const inbox = join(dir, 'state', 'inbox', 'ours.jsonl');
    const { watch, facts } = watchWith(hooksPlan, work);
    watch.start();
    appendFileSync(inbox, line({ at: T0, hook_event_name: 'SessionStart', session_id: 'a', transcript_path: first }));
    writeFileSync(first, prompt('one') + assistant('m1', 'r1', 5));
    watch.tick();
    appendFileSync(inbox, line({ at: T0, hook_event_name: 'SessionStart', session_id: 'b', transcript_path: second, source: 'clear' }));
    writeFileSync(second, prompt('two') + assistant('m2', 'r2', 6));
    watch.tick();
    watch.stop();
    expect(watch.transcriptPath).toBe(second);
    expect(facts.filter((fact) => fact.kind === 'usage')).toHaveLength(2);
    expect(facts.filter((fact) => fact.kind === 'turn-completed')).toHaveLength(2);
  });

  it('reads a print run’s transcript once it ends, and what the run wrote of its session elsewhere', () => {
    const work = cwd();
    const folder = folderOf(work);
    const named = join(folder, 'claude-1.jsonl');
    writeFileSync(named, prompt('one') + assistant('m0', 'r0', 7));
    const streamPlan: WatchPlan = { method: 'stream', args: [], reason: 'test', claudeSessionId: null, hookEvents: [] };
    const { watch, facts } = watchWith(streamPlan, work);
    watch.start();
    watch.tick();
    expect(facts).toEqual([]);
    // A continued session written to a new file under the old session's id, beside another session's.
    writeFileSync(join(folder, 'continued.jsonl'), prompt('two') + assistant('m1', 'r1', 9));
    writeFileSync(join(folder, 'other.jsonl'), assistant('m9', 'r9', 99, { sessionId: 'claude-2' }));
    watch.identify('claude-1');
    watch.stop();
    expect(facts.filter((fact) => fact.kind === 'usage').map((fact) => fact.kind === 'usage' && [fact.messageKey, fact.answersPrompt])).toEqual([['m1:r1', true]]);
  });
});
