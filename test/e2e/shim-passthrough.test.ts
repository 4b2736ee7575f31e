import { copyFileSync, readFileSync, writeFileSync, chmodSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createSandbox,
  fakeScript,
  installFakeClaude,
  recordedSessions,
  runProcess,
  SHIM,
  type FakeStep,
  type Sandbox,
} from '../support/sandbox.js';

let sandbox: Sandbox;

beforeEach(() => {
  sandbox = createSandbox();
  installFakeClaude(sandbox);
});

afterEach(() => sandbox.cleanup());

function runShim(args: string[], steps: FakeStep[], extraEnv: Record<string, string> = {}, stdin?: string) {
  return runProcess(SHIM, args, { env: { ...sandbox.env, FAKE_CLAUDE_SCRIPT: fakeScript(steps), ...extraEnv }, stdin: stdin ?? '' });
}

// Bytes that a careless relay would damage: invalid UTF-8, a multi-byte character cut between
// writes, CR LF, NUL, and a JSON line delivered in pieces.
const tricky: FakeStep[] = [
  { out: Buffer.from([0xff, 0xfe, 0x41, 0xc3]) },
  { sleep: 20 },
  { out: Buffer.from([0xa9, 0x0d, 0x0a, 0x00, 0x42]) },
  { out: '{"type":"system","subt' },
  { sleep: 20 },
  { out: 'ype":"init","session_id":"abc"}\n' },
  { err: Buffer.from([0xe2, 0x82]) },
  { err: Buffer.from([0xac, 0x0a]) },
];
const trickyStdout = Buffer.concat([
  Buffer.from([0xff, 0xfe, 0x41, 0xc3, 0xa9, 0x0d, 0x0a, 0x00, 0x42]),
  Buffer.from('{"type":"system","subtype":"init","session_id":"abc"}\n'),
]);

describe('the shim passes Claude through untouched', () => {
  for (const [label, args] of [
    ['print mode', ['-p', 'hello', '--output-format', 'stream-json']],
    ['pipe mode', ['hello']],
  ] as const) {
    it(`${label}: stdout and stderr are byte for byte the fake claude's`, async () => {
      const result = await runShim([...args], tricky);
      expect(result.code).toBe(0);
      expect(result.stdout.equals(trickyStdout)).toBe(true);
      expect(result.stderr.equals(Buffer.from([0xe2, 0x82, 0xac, 0x0a]))).toBe(true);
    });
  }

  it('relays a 5 MB line without changing a byte', async () => {
    const line = Buffer.concat([Buffer.from('{"type":"assistant","message":{"content":"'), Buffer.alloc(5 * 1024 * 1024, 0x61), Buffer.from('"}}\n')]);
    const file = join(sandbox.root, 'line.bin');
    writeFileSync(file, line);
    const result = await runShim(['-p', 'x', '--output-format', 'stream-json'], [{ outFile: file }, { out: 'tail\n' }]);
    expect(result.code).toBe(0);
    expect(result.stdout.length).toBe(line.length + 5);
    expect(result.stdout.equals(Buffer.concat([line, Buffer.from('tail\n')]))).toBe(true);
  });

  it('passes stdin through in print mode', async () => {
    const result = await runShim(['-p'], [{ echoStdin: true }], {}, 'from stdin\n');
    expect(result.stdout.toString()).toBe('from stdin\n');
  });

  for (const code of [0, 1, 3]) {
    it(`returns exit code ${code}`, async () => {
      const result = await runShim(['-p', 'x'], [{ out: 'bye\n' }, { exit: code }]);
      expect(result.code).toBe(code);
      expect(result.stdout.toString()).toBe('bye\n');
    });
  }

  it('dies by SIGTERM for a child killed by SIGTERM, and records it as interrupted with the shell code 128+15', async () => {
    const result = await runShim(['-p', 'x'], [{ out: 'partial' }, { signal: 'SIGTERM' }]);
    expect(result.code).toBeNull();
    expect(result.signal).toBe('SIGTERM');
    expect(result.stdout.toString()).toBe('partial');
    const [session] = await recordedSessions(sandbox);
    expect(session).toMatchObject({ status: 'INTERRUPTED', exitCode: 143, signal: 'SIGTERM' });
  });
});

describe('finding the real claude', () => {
  it('says what was searched and exits 127 when there is no claude', async () => {
    const env = { ...sandbox.env, PATH: sandbox.env.PATH!.replace(`${sandbox.bin}:`, '') };
    const result = await runProcess(SHIM, ['-p', 'x'], { env });
    expect(result.code).toBe(127);
    expect(result.stderr.toString()).toMatch(/real claude was not found/);
    expect(result.stderr.toString().trim().split('\n')).toHaveLength(1);
  });

  it('refuses a CLAUDEWATCH_REAL_CLAUDE that is the shim itself, without looping', async () => {
    const result = await runShim(['-p', 'x'], [], { CLAUDEWATCH_REAL_CLAUDE: SHIM });
    expect(result.code).toBe(127);
    expect(result.stderr.toString()).toMatch(/shim/);
  });

  it('skips a copy of the shim in another PATH directory', async () => {
    const copyDir = join(sandbox.root, 'other-shims');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(copyDir);
    copyFileSync(SHIM, join(copyDir, 'claude'));
    chmodSync(join(copyDir, 'claude'), 0o755);
    const env = { ...sandbox.env, PATH: `${sandbox.env.PATH!.split(':')[0]}:${copyDir}:${sandbox.env.PATH!.split(':').slice(1).join(':')}` };
    const result = await runProcess(SHIM, ['-p', 'x'], { env: { ...env, FAKE_CLAUDE_SCRIPT: fakeScript([{ out: 'real\n' }]) } });
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toBe('real\n');
  });

  it('ends a loop through a wrapper that calls claude again with a clear error', async () => {
    const wrapperDir = join(sandbox.root, 'wrapper');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(wrapperDir);
    writeFileSync(join(wrapperDir, 'claude'), '#!/bin/sh\nexec claude "$@"\n');
    chmodSync(join(wrapperDir, 'claude'), 0o755);
    const parts = sandbox.env.PATH!.split(':');
    const env = { ...sandbox.env, PATH: [parts[0], wrapperDir, ...parts.slice(1)].join(':') };
    const result = await runProcess(SHIM, ['-p', 'x'], { env, timeoutMs: 20_000 });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(127);
    expect(result.stderr.toString()).toMatch(/keeps calling itself/);
  });

  it('runs --version straight through without recording a session', async () => {
    const result = await runShim(['--version'], []);
    expect(result.stdout.toString()).toBe('0.0.0 (Fake Claude)\n');
    expect(existsSync(join(sandbox.cwHome, 'claudewatch.db'))).toBe(false);
  });

  it('passes a nested claude straight through: one session, not two', async () => {
    const record = join(sandbox.root, 'calls.jsonl');
    const result = await runShim(['-p', 'x'], [{ env: 'CLAUDEWATCH_PARENT_SESSION' }], { FAKE_CLAUDE_RECORD: record });
    const parentId = result.stdout.toString().trim();
    expect(parentId).toMatch(/^[0-9a-f-]{36}$/);
    const nested = await runProcess(SHIM, ['-p', 'y'], {
      env: { ...sandbox.env, CLAUDEWATCH_PARENT_SESSION: parentId, FAKE_CLAUDE_SCRIPT: fakeScript([{ out: 'nested\n' }]), FAKE_CLAUDE_RECORD: record },
    });
    expect(nested.stdout.toString()).toBe('nested\n');
    const calls = readFileSync(record, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { parent: string | null });
    expect(calls.map((call) => call.parent)).toEqual([parentId, parentId]);
    expect(await recordedSessions(sandbox)).toHaveLength(1);
  });
});
