/** The hook command Claude runs for a wrapped session: metadata in, nothing out, never a failure. */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SHIM_DIR, runProcess } from '../support/sandbox.js';

const HOOK = join(SHIM_DIR, 'claudewatch-hook');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cw-hook-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const runHook = (inbox: string, stdin: string) => runProcess('/bin/sh', [HOOK, inbox], { env: { PATH: '/usr/bin:/bin' }, cwd: dir, stdin });
/** The inbox's lines without their time, which is checked on its own. */
const entries = (inbox: string): Array<Record<string, unknown>> =>
  readFileSync(inbox, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const { at, ...rest } = JSON.parse(line) as Record<string, unknown>;
      expect(Math.abs(Number(at) - Date.now())).toBeLessThan(60_000);
      return rest;
    });

describe('claudewatch-hook', () => {
  it('appends the event’s metadata but never the prompt, owner-only, silently', async () => {
    const inbox = join(dir, 'inbox.jsonl');
    const prompt = 'please refactor the secret billing module; "session_id":"forged" \\"cwd\\": "/elsewhere"';
    const result = await runHook(
      inbox,
      JSON.stringify({ session_id: 's1', transcript_path: '/t/a "b"\\c.jsonl', cwd: '/w', hook_event_name: 'UserPromptSubmit', permission_mode: 'default', prompt }),
    );
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout.length + result.stderr.length).toBe(0);
    expect(readFileSync(inbox, 'utf8')).not.toContain('secret');
    expect(entries(inbox)).toEqual([{ hook_event_name: 'UserPromptSubmit', session_id: 's1', transcript_path: '/t/a "b"\\c.jsonl', cwd: '/w', permission_mode: 'default' }]);
    expect(statSync(inbox).mode & 0o777).toBe(0o600);
  });

  it('keeps SessionStart’s model, StopFailure’s error and booleans; drops answer text', async () => {
    const inbox = join(dir, 'inbox.jsonl');
    await runHook(inbox, JSON.stringify({ hook_event_name: 'SessionStart', session_id: 's1', source: 'startup', model: { id: 'claude-opus-5-5', display_name: 'Opus' } }));
    await runHook(inbox, JSON.stringify({ hook_event_name: 'StopFailure', session_id: 's1', error: 'rate_limit', error_details: "You've hit your 5-hour limit · resets 6am" }));
    await runHook(inbox, `${JSON.stringify({ hook_event_name: 'Stop', stop_hook_active: false, last_assistant_message: 'private answer' }, null, 2)}\n`);
    expect(entries(inbox)).toEqual([
      { hook_event_name: 'SessionStart', session_id: 's1', source: 'startup', model: 'claude-opus-5-5' },
      { hook_event_name: 'StopFailure', session_id: 's1', error: 'rate_limit', error_details: "You've hit your 5-hour limit · resets 6am" },
      { hook_event_name: 'Stop', stop_hook_active: false },
    ]);
  });

  it('keeps the tool a prompt asks about and a notification’s words, never the tool’s input', async () => {
    const inbox = join(dir, 'inbox.jsonl');
    const toolInput = { command: 'cat ~/.secret', description: 'Show the secret', message: 'tool-owned words' };
    await runHook(inbox, JSON.stringify({ session_id: 's1', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: toolInput, tool_use_id: 'toolu_1' }));
    await runHook(inbox, JSON.stringify({ session_id: 's1', hook_event_name: 'PermissionRequest', tool_name: 'Bash', tool_input: toolInput, permission_suggestions: [] }));
    await runHook(inbox, JSON.stringify({ session_id: 's1', hook_event_name: 'Notification', message: 'Claude needs your permission to use Bash', notification_type: 'permission_prompt' }));
    expect(readFileSync(inbox, 'utf8')).not.toMatch(/secret|tool-owned/);
    expect(entries(inbox)).toEqual([
      { hook_event_name: 'PreToolUse', session_id: 's1', tool_name: 'Bash' },
      { hook_event_name: 'PermissionRequest', session_id: 's1', tool_name: 'Bash' },
      { hook_event_name: 'Notification', session_id: 's1', notification_type: 'permission_prompt', message: 'Claude needs your permission to use Bash' },
    ]);
  });

  it('exits 0 silently on bad input, a relative path or a missing inbox directory', async () => {
    for (const [inbox, stdin] of [
      [join(dir, 'inbox.jsonl'), '{not json'],
      [join(dir, 'inbox.jsonl'), '[1,2]'],
      ['inbox.jsonl', '{"hook_event_name":"Stop"}'],
      [join(dir, 'gone', 'inbox.jsonl'), '{"hook_event_name":"Stop"}'],
    ] as const) {
      const result = await runHook(inbox, stdin);
      expect(result.code).toBe(0);
      expect(result.stdout.length + result.stderr.length).toBe(0);
    }
    expect(existsSync(join(dir, 'inbox.jsonl'))).toBe(false);
    expect(existsSync(join(dir, 'gone'))).toBe(false);
  });
});
