/**
 * What people expect of a Node command-line tool: colour that follows NO_COLOR, FORCE_COLOR and
 * --color/--no-color; -v and version; help for one command; our own words for a mistyped option;
 * completion scripts that real bash and fish run.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CW, REPO_ROOT, createSandbox, runCw, type Sandbox } from '../support/sandbox.js';

let sandbox: Sandbox;
beforeAll(() => {
  sandbox = createSandbox();
  // `cw` on PATH, as after a global install: the completion scripts call it by name.
  const cw = join(sandbox.bin, 'cw');
  writeFileSync(cw, `#!/bin/sh\nexec '${process.execPath}' '${CW}' "$@"\n`);
  chmodSync(cw, 0o755);
});
afterAll(() => sandbox.cleanup());

const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const SGR = /\x1b\[[0-9;]*m/;

/** The environment without the suite's NO_COLOR, so each case sets only what it tests. */
async function cwColour(args: string[], env: Record<string, string>): Promise<string> {
  const { NO_COLOR: _unset, ...base } = sandbox.env;
  const result = await runCw({ ...sandbox, env: base }, args, env);
  expect(result.code, result.stderr.toString()).toBe(0);
  return result.stdout.toString();
}

/** `cw ARGS` refused as a usage mistake: exit 2, this one message on stderr, nothing on stdout. */
async function expectRefused(args: string[], message: string): Promise<void> {
  const result = await runCw(sandbox, args);
  expect(result.code, args.join(' ')).toBe(2);
  expect(result.stdout.toString()).toBe('');
  expect(result.stderr.toString()).toBe(message);
  // Not Node's own parseArgs text, with its unbalanced quote.
  expect(result.stderr.toString()).not.toMatch(/Unknown option '|To specify a positional argument/);
}

describe('colour', () => {
  it('is off through a pipe, on with FORCE_COLOR, and the flags outrank the environment', async () => {
    expect(await cwColour(['prices'], {})).not.toMatch(SGR);
    expect(await cwColour(['prices'], { FORCE_COLOR: '1' })).toMatch(SGR);
    expect(await cwColour(['prices'], { FORCE_COLOR: '0' })).not.toMatch(SGR);
    expect(await cwColour(['prices', '--color'], {})).toMatch(SGR);
    expect(await cwColour(['--color=always', 'prices'], { NO_COLOR: '1' })).toMatch(SGR);
    expect(await cwColour(['prices', '--no-color'], { FORCE_COLOR: '1' })).not.toMatch(SGR);
  });

  it('gives FORCE_COLOR precedence over NO_COLOR, as Node and chalk do', async () => {
    expect(await cwColour(['prices'], { NO_COLOR: '1', FORCE_COLOR: '1' })).toMatch(SGR);
    expect(await cwColour(['prices'], { NO_COLOR: '1' })).not.toMatch(SGR);
  });

  it('refuses a --color it does not know', async () => {
    await expectRefused(['--color=sometimes', 'prices'], 'cw: --color takes always, never or auto, got "sometimes".\n');
  });
});

describe('version and help', () => {
  it('prints the version for -v, --version and version', async () => {
    for (const args of [['-v'], ['--version'], ['version']]) {
      const result = await runCw(sandbox, args);
      expect(result.code).toBe(0);
      expect(result.stdout.toString()).toBe(`${VERSION}\n`);
    }
  });

  it('cw help COMMAND prints that command’s help, as COMMAND --help does', async () => {
    const help = await runCw(sandbox, ['help', 'report']);
    const flag = await runCw(sandbox, ['report', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout.toString()).toMatch(/^Usage: cw report /);
    expect(help.stdout.toString()).toBe(flag.stdout.toString());
    const general = await runCw(sandbox, ['help']);
    expect(general.stdout.toString()).toMatch(/^Usage: cw <command>/);
  });

  it('names an unknown command and the one probably meant', async () => {
    await expectRefused(['help', 'repotr'], 'cw: unknown command "repotr". Did you mean `cw report`? Run `cw help` for the list.\n');
  });
});

describe('option mistakes', () => {
  it('name the option as typed, a guess, and where the options are', async () => {
    await expectRefused(['report', '--sinse', '7d'], 'cw report: unknown option --sinse; did you mean --since?\nRun `cw report --help` for its options.\n');
    await expectRefused(['status', '-x'], 'cw status: unknown option -x.\nRun `cw status --help` for its options.\n');
  });

  it('say when an option lacks its value or takes none', async () => {
    await expectRefused(['sessions', '--limit'], 'cw sessions: --limit needs a value (one that starts with a dash goes as --limit=-VALUE).\nRun `cw sessions --help` for its options.\n');
    await expectRefused(['sessions', '--json=yes'], 'cw sessions: --json takes no value; leave out "=yes".\nRun `cw sessions --help` for its options.\n');
  });
});

describe('cw completion', () => {
  it('prints a script for each shell that asks cw complete, and refuses others', async () => {
    const expected = { bash: 'complete -F __cw_complete cw', zsh: 'compdef _cw cw', fish: 'complete -c cw' };
    for (const [shell, registration] of Object.entries(expected)) {
      const result = await runCw(sandbox, ['completion', shell]);
      expect(result.code, shell).toBe(0);
      expect(result.stdout.toString()).toContain(registration);
      expect(result.stdout.toString()).toContain('cw complete --');
    }
    const unknown = await runCw(sandbox, ['completion', 'tcsh']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.toString()).toMatch(/^cw completion: name one shell: bash, zsh, fish\./);
  });

  it('completes commands, a command’s options and its arguments', async () => {
    const candidates = async (...words: string[]): Promise<string[]> => {
      const result = await runCw(sandbox, ['complete', '--', ...words]);
      expect(result.code).toBe(0);
      return result.stdout
        .toString()
        .trimEnd()
        .split('\n')
        .map((line) => line.split('\t')[0]!);
    };
    expect(await candidates('rep')).toEqual(['report', ':4']);
    expect(await candidates('report', '--s')).toEqual(['--since', '--skip-import', ':4']);
    expect(await candidates('report', '')).toEqual(['daily', 'weekly', 'monthly', 'session', 'project', 'model', ':4']);
    expect(await candidates('completion', '')).toEqual(['bash', 'zsh', 'fish', ':4']);
  });

  it('works in real bash (with bash-completion) and fish', () => {
    const env = { ...sandbox.env, HOME: sandbox.home };
    const bash = execFileSync(
      'bash',
      [
        '-c',
        `source /usr/share/bash-completion/bash_completion
         source <(cw completion bash)
         ask() { COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=\${#COMP_LINE}; COMPREPLY=(); __cw_complete 2>/dev/null; echo "\${COMPREPLY[*]}"; }
         ask cw sess; ask cw report --bre; ask cw alerts ""`,
      ],
      { env, encoding: 'utf8' },
    );
    expect(bash.split('\n').slice(0, 3)).toEqual(['sessions', '--breakdown', 'list check ack clear']);
    const fish = execFileSync('fish', ['--no-config', '-c', 'cw completion fish | source; complete -C "cw sess"; complete -C "cw report --bre"'], { env, encoding: 'utf8' });
    expect(fish.split('\n').map((line) => line.split('\t')[0])).toEqual(['sessions', '--breakdown', '']);
  });
});
