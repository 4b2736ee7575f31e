/** cw prune deletes old history for good: a later import does not bring it back. */
import Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAge } from '../../src/core/age.js';
import { createSandbox, fakeScript, installFakeClaude, runCw, runProcess, SHIM, type Sandbox } from '../support/sandbox.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = createSandbox();
  installFakeClaude(sandbox);
});
afterEach(() => sandbox.cleanup());

const DAY = 86_400_000;
const assistant = (id: string, at: number) =>
  JSON.stringify({ type: 'assistant', sessionId: 'p1', requestId: `r-${id}`, timestamp: new Date(at).toISOString(), message: { id, model: 'claude-sonnet-4-5', usage: { input_tokens: 10, output_tokens: 5 } } });

const count = (table: string): number => {
  const db = new Database(join(sandbox.cwHome, 'claudewatch.db'), { readonly: true });
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe('cw prune', () => {
  it('deletes sessions and messages older than the age, and an import does not bring them back', async () => {
    const folder = join(sandbox.home, '.claude', 'projects', '-work-old');
    mkdirSync(folder, { recursive: true });
    const now = Date.now();
    writeFileSync(join(folder, 'p1.jsonl'), `${assistant('old', now - 400 * DAY)}\n${assistant('new', now - 2 * DAY)}\n`);
    expect((await runCw(sandbox, ['import', '--quiet'])).code).toBe(0);
    expect((await runProcess(SHIM, ['-p', 'x'], { env: { ...sandbox.env, FAKE_CLAUDE_SCRIPT: fakeScript([{ out: 'ok\n' }]) } })).code).toBe(0);
    // Age the wrapped session as if it ran 400 days ago.
    const db = new Database(join(sandbox.cwHome, 'claudewatch.db'));
    db.prepare('UPDATE sessions SET started_at = ?').run(now - 400 * DAY);
    db.close();

    const result = await runCw(sandbox, ['prune', '--older-than', '365d', '--json']);
    expect(result.code, result.stderr.toString()).toBe(0);
    expect(JSON.parse(result.stdout.toString())).toMatchObject({ sessions: 1, messages: 1 });
    expect(count('messages')).toBe(1);
    expect(count('sessions')).toBe(0);
    expect((await runCw(sandbox, ['import', '--quiet'])).code).toBe(0);
    expect(count('messages')).toBe(1);
  });

  it('takes its default age from config.json and refuses a bad one', async () => {
    mkdirSync(sandbox.cwHome, { recursive: true });
    writeFileSync(join(sandbox.cwHome, 'config.json'), JSON.stringify({ retention: '30d' }));
    const result = await runCw(sandbox, ['prune', '--json']);
    expect(Date.parse((JSON.parse(result.stdout.toString()) as { cutoff: string }).cutoff)).toBeCloseTo(Date.now() - 30 * DAY, -4);
    const bad = await runCw(sandbox, ['prune', '--older-than', 'forever']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.toString()).toContain('"forever" is not an age');
    expect([parseAge('2w'), parseAge('1y'), parseAge('0d'), parseAge('5')]).toEqual([14 * DAY, 365 * DAY, null, null]);
  });
});
