/** The hook command Claude runs for a wrapped session: metadata in, nothing out, never a failure. */
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, runProcess } from '../support/sandbox.js';

const HOOK = join(REPO_ROOT, 'dist', 'bin', 'cw-hook.js');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cw-hook-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const runHook = (inbox: string, stdin: string) => runProcess(process.execPath, [HOOK, inbox], { env: { PATH: process.env.PATH ?? '' }, cwd: dir, stdin });

describe('cw-hook', () => {
  it('appends the event’s metadata, the prompt’s length but never its words, owner-only', async () => {
    const inbox = join(dir, 'inbox.jsonl');
    const prompt = 'please refactor the secret billing module';
    const result = await runHook(
      inbox,
      JSON.stringify({ hook_event_name: 'UserPromptSubmit', session_id: 's1', transcript_path: '/t/s1.jsonl', cwd: '/w', permission_mode: 'default', prompt }),
    );
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout.length).toBe(0);
    expect(result.stderr.length).toBe(0);
    const text = readFileSync(inbox, 'utf8');
    expect(text).not.toContain('secret');
    const entry = JSON.parse(text) as Record<string, unknown>;
    expect(entry).toMatchObject({ hook_event_name: 'UserPromptSubmit', session_id: 's1', transcript_path: '/t/s1.jsonl', cwd: '/w', prompt_chars: prompt.length });
    expect(typeof entry.at).toBe('number');
    expect(statSync(inbox).mode & 0o777).toBe(0o600);
  });

  it('keeps error texts, cut short, and the model id of an object', async () => {
    const inbox = join(dir, 'inbox.jsonl');
    await runHook(inbox, JSON.stringify({ hook_event_name: 'StopFailure', error: 'rate_limit', error_details: 'x'.repeat(2000), model: { id: 'claude-opus-5-5' } }));
    const entry = JSON.parse(readFileSync(inbox, 'utf8')) as Record<string, string>;
    expect(entry.error).toBe('rate_limit');
    expect(entry.error_details).toHaveLength(500);
    expect(entry.model).toBe('claude-opus-5-5');
  });

  it('exits 0 silently on bad input or a missing inbox directory', async () => {
    for (const [inbox, stdin] of [
      [join(dir, 'inbox.jsonl'), '{not json'],
      [join(dir, 'inbox.jsonl'), '[1,2]'],
      [join(dir, 'gone', 'inbox.jsonl'), '{"hook_event_name":"Stop"}'],
    ] as const) {
      const result = await runHook(inbox, stdin);
      expect(result.code).toBe(0);
      expect(result.stdout.length + result.stderr.length).toBe(0);
    }
    expect(existsSync(join(dir, 'inbox.jsonl'))).toBe(false);
  });
});
