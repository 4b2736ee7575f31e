/**
 * Print mode through the shim ends as Claude run directly does: when Claude exits, whoever else
 * holds its output; with stdout and stderr one file, in Claude's own order; by the signal that
 * killed Claude. And Claude does not outlive a shim killed with SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../src/shared/identity.js';
import { createSandbox, CW_RUN, fakeScript, installFakeClaude, recordedSessions, runProcess, SHIM, type FakeStep, type Sandbox } from '../support/sandbox.js';

let sandbox: Sandbox;
const leftovers: number[] = [];
beforeEach(() => {
  sandbox = createSandbox();
});
afterEach(() => {
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  sandbox.cleanup();
});

async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs `command` with stdout and stderr on files (both on one file when `oneFile`), until it exits: not until every holder of the files lets go. */
async function runToFiles(command: string, args: string[], env: Record<string, string>, name: string, oneFile = false): Promise<{ out: string; err: string; code: number | null; signal: NodeJS.Signals | null }> {
  const out = join(sandbox.root, `${name}.out`);
  const err = join(sandbox.root, `${name}.err`);
  const outFd = openSync(out, 'w');
  const errFd = oneFile ? outFd : openSync(err, 'w');
  let child: ChildProcess;
  try {
    child = spawn(command, args, { env, cwd: sandbox.home, stdio: ['ignore', outFd, errFd] });
  } finally {
    closeSync(outFd);
    if (!oneFile) closeSync(errFd);
  }
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
  return { out: readFileSync(out, 'utf8'), err: oneFile ? '' : readFileSync(err, 'utf8'), code, signal };
}

describe('print mode ends as a direct run does', () => {
  beforeEach(() => installFakeClaude(sandbox));

  it('when Claude exits, though a process it left behind still holds its output', async () => {
    const results = [];
    for (const [name, command] of [['direct', join(sandbox.bin, 'claude')], ['shim', SHIM]] as const) {
      const holderPid = join(sandbox.root, `${name}.holder`);
      const steps: FakeStep[] = [{ out: '{"type":"result","subtype":"success","is_error":false,"session_id":"held"}\n' }, { err: 'note\n' }, { holdOutput: holderPid }, { exit: 0 }];
      const result = await runToFiles(command, ['-p', 'go', '--output-format', 'json'], { ...sandbox.env, FAKE_CLAUDE_SCRIPT: fakeScript(steps) }, name);
      const holder = Number(readFileSync(holderPid, 'utf8'));
      leftovers.push(holder);
      // The holder sleeps for ten minutes: a run that waited for it would not be over while it lives.
      expect(isProcessAlive(holder), `${name}: the holder outlived the run`).toBe(true);
      results.push(result);
    }
    const [direct, shim] = results;
    expect(shim).toEqual(direct);
    expect((await recordedSessions(sandbox))[0]).toMatchObject({ claudeSessionId: 'held', status: 'COMPLETED' });
  });

  it('with stdout and stderr one file (2>&1), in the order Claude wrote them, and with the environment it gets apart', async () => {
    const steps: FakeStep[] = [];
    for (let index = 0; index < 40; index++) steps.push({ out: `out ${index}\n` }, { err: `err ${index}\n` });
    steps.push({ exit: 2 });
    const env = { ...sandbox.env, FAKE_CLAUDE_SCRIPT: fakeScript(steps) };
    const direct = await runToFiles(join(sandbox.bin, 'claude'), ['-p', 'go'], env, 'direct', true);
    const shim = await runToFiles(SHIM, ['-p', 'go'], env, 'shim', true);
    expect(direct.out).toContain('out 0\nerr 0\nout 1\nerr 1\n');
    expect(shim).toEqual(direct);
    // Apart, each stream keeps its own bytes.
    const apart = await runToFiles(SHIM, ['-p', 'go'], env, 'apart');
    expect(apart.out.split('\n').filter(Boolean).every((line) => line.startsWith('out '))).toBe(true);
    expect(apart.err.split('\n').filter(Boolean)).toHaveLength(40);

    // Claude's environment is the one it gets apart: PWD as the caller had it (cw-run runs Claude elsewhere), or none.
    const project = join(sandbox.root, 'project');
    mkdirSync(project);
    const pwdEnv = { ...sandbox.env, FAKE_CLAUDE_SCRIPT: fakeScript([{ env: 'PWD' }, { env: 'CLAUDEWATCH_KEPT_PWD' }]), PWD: sandbox.home };
    const args = [CW_RUN, '--project-path', project, '--', '-p', 'go'];
    const oneFile = await runToFiles(process.execPath, args, pwdEnv, 'one-file', true);
    expect(oneFile.out).toBe(`${sandbox.home}\n\n`);
    expect((await runToFiles(process.execPath, args, pwdEnv, 'pwd-apart')).out).toBe(oneFile.out);
    const { PWD: _pwd, ...noPwd } = pwdEnv;
    expect((await runToFiles(process.execPath, args, noPwd, 'one-file-no-pwd', true)).out).toBe('\n\n');
  });
});

describe('a Claude killed by a signal', () => {
  // sh, not the Node fake: Node ignores SIGPIPE and takes SIGUSR1 for its inspector.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGPIPE', 'SIGUSR1', 'SIGKILL'] as const) {
    it(`${signal}: the shim dies by ${signal} too, after passing on every byte`, async () => {
      const claude = join(sandbox.bin, 'claude');
      writeFileSync(claude, `#!/bin/sh\n[ "$1" = --version ] && { echo '0.0.0 (sh)'; exit 0; }\nprintf 'partial'\nprintf 'why' >&2\nkill -${signal.slice(3)} $$\nsleep 5\n`);
      chmodSync(claude, 0o755);
      const direct = await runProcess(claude, ['-p', 'go'], { env: sandbox.env });
      const shim = await runProcess(SHIM, ['-p', 'go'], { env: sandbox.env });
      expect(direct).toMatchObject({ code: null, signal });
      expect(shim.signal).toBe(direct.signal);
      expect(shim.code).toBeNull();
      expect(shim.stdout.toString()).toBe('partial');
      expect(shim.stderr.toString()).toBe('why');
    });
  }
});

describe('the shim killed with SIGKILL in print mode', () => {
  beforeEach(() => installFakeClaude(sandbox));

  it('takes Claude with it; the next command settles the run', async () => {
    const record = join(sandbox.root, 'calls.jsonl');
    const env = { ...sandbox.env, FAKE_CLAUDE_RECORD: record, FAKE_CLAUDE_SCRIPT: fakeScript([{ out: 'started\n' }, { sleep: 120_000 }, { out: 'never\n' }]) };
    const shim = spawn(SHIM, ['-p', 'go'], { env, cwd: sandbox.home, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise((resolve) => shim.once('exit', resolve));
    let output = '';
    shim.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await until(() => output.includes('started') && existsSync(record), 'Claude to start');
    const claudePid = (JSON.parse(readFileSync(record, 'utf8').trim()) as { pid: number }).pid;
    leftovers.push(claudePid);
    await until(() => existsSync(join(sandbox.cwHome, 'state', 'current_session.json')), 'the run to be recorded');
    shim.kill('SIGKILL');
    await exited;
    await until(() => !isProcessAlive(claudePid), 'Claude to end with the shim');
    const [run] = await recordedSessions(sandbox);
    expect(run).toMatchObject({ status: 'INTERRUPTED', mode: 'print', pid: claudePid });
    rmSync(record);
  });
});
