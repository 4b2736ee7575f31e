/**
 * A new user's first minutes: `npm run demo` says what happened in words and what to try next,
 * a plain `cw sessions` afterwards finds the demo's session, and install-shim and doctor say
 * whether `cw` and `cw-run` are on PATH and how to put them there.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CW, CW_RUN, REPO_ROOT, createSandbox, runCw, runProcess, type Sandbox } from '../support/sandbox.js';

let sandbox: Sandbox;
/** The sandbox's environment with the XDG places under its HOME, as on a fresh machine. */
let fresh: Record<string, string>;
beforeEach(() => {
  sandbox = createSandbox();
  const { CLAUDEWATCH_HOME: _unset, ...env } = sandbox.env;
  fresh = env;
});
afterEach(() => sandbox.cleanup());

/** A `name` on PATH that runs `entry`, as npm's bin links do. */
function putOnPath(name: string, entry: string): void {
  const file = join(sandbox.bin, name);
  writeFileSync(file, `#!/bin/sh\nexec '${process.execPath}' '${entry}' "$@"\n`);
  chmodSync(file, 0o755);
}

describe('npm run demo', () => {
  it('ends with what was recorded and the next command, and a plain cw sessions finds its session', async () => {
    const demo = await runProcess(process.execPath, [join(REPO_ROOT, 'examples', 'demo.mjs'), '--example'], { env: fresh, cwd: REPO_ROOT });
    expect(demo.code, demo.stderr.toString()).toBe(0);
    const output = demo.stdout.toString();
    expect(output).toContain('Claude answered: Hello from the ClaudeWatch example claude.');
    // Claude's JSON events are ClaudeWatch's to read, not the user's.
    expect(output).not.toMatch(/^\{"type"/m);
    expect(output).toMatch(/Recorded run [0-9a-f]{8}: completed in [\d.]+ s, 1 turn, 10,263 tokens, \$0\.0103 \(as Claude reported it\)\./);
    expect(output).toMatch(/Next, try:\n\n {2}node dist\/bin\/cw\.js report {10}usage and cost by day\n/);

    const demoHome = join(sandbox.home, '.local', 'share', 'claudewatch', 'demo');
    const plain = await runCw({ ...sandbox, env: fresh }, ['sessions']);
    expect(plain.stdout.toString()).toContain(`The demo's session is kept apart from your history, in ${demoHome}. To see it:\n\n  CLAUDEWATCH_HOME='${demoHome}' cw sessions\n`);
    const shown = await runCw({ ...sandbox, env: { ...fresh, CLAUDEWATCH_HOME: demoHome } }, ['sessions']);
    expect(shown.stdout.toString()).toMatch(/^[0-9a-f]{8} {2}run {3}.*COMPLETED {2}print {2}demo /m);
  });
});

describe('cw and cw-run on PATH', () => {
  it('install-shim and doctor say they are missing and how to link them', async () => {
    const install = await runCw({ ...sandbox, env: fresh }, ['install-shim', '--dir', join(sandbox.root, 'shim')]);
    expect(install.code, install.stderr.toString()).toBe(0);
    const text = install.stdout.toString();
    expect(text).toContain('`cw` and `cw-run` are not on your PATH.');
    expect(text).toContain(`  cd '${REPO_ROOT}' && npm link\n`);
    expect(text).toContain(`Until then, run them as \`node ${CW}\` and \`node ${CW_RUN}\`.`);
    const { checks } = JSON.parse((await runCw({ ...sandbox, env: fresh }, ['doctor', '--json'])).stdout.toString()) as { checks: Array<{ name: string; level: string; detail: string }> };
    expect(checks.find((check) => check.name === 'cw on PATH')).toMatchObject({ level: 'warn', detail: expect.stringContaining('npm link') });
  });

  it('install-shim and doctor say where they are once they are there', async () => {
    putOnPath('cw', CW);
    putOnPath('cw-run', CW_RUN);
    const install = await runCw({ ...sandbox, env: fresh }, ['install-shim', '--dir', join(sandbox.root, 'shim')]);
    expect(install.stdout.toString()).toContain(`\`cw\` and \`cw-run\` are on your PATH (${join(sandbox.bin, 'cw')}, ${join(sandbox.bin, 'cw-run')}).`);
    const { checks } = JSON.parse((await runCw({ ...sandbox, env: fresh }, ['doctor', '--json'])).stdout.toString()) as { checks: Array<{ name: string; level: string }> };
    expect(checks.find((check) => check.name === 'cw on PATH')).toMatchObject({ level: 'ok' });
  });

  it('says when the cw on PATH is another installation', async () => {
    putOnPath('cw', '/opt/elsewhere/dist/bin/cw.js');
    putOnPath('cw-run', CW_RUN);
    const install = await runCw({ ...sandbox, env: fresh }, ['install-shim', '--dir', join(sandbox.root, 'shim')]);
    expect(install.stdout.toString()).toContain(`\`cw\` on your PATH is ${join(sandbox.bin, 'cw')}, which is not this installation (${REPO_ROOT}).`);
  });
});
