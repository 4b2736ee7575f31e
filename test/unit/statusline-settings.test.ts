/** `cw install-statusline`: the edit to Claude's settings.json, planned and applied. */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installStatusline } from '../../src/commands/install-statusline.js';
import { isOurStatuslineCommand, planStatuslineInstall, planStatuslineRemove, previousCommandOf, shellWords } from '../../src/core/statusline-settings.js';
import { shellQuote } from '../../src/core/watch-plan.js';
import { claudeSettingsFile } from '../../src/runner/claude-settings-file.js';

const FILE = '/home/u/.claude/settings.json';
const OURS = "/usr/bin/node '/opt/claude watch/dist/bin/cw-statusline.js'";
const THEIRS = `bash -c 'jq -r ".model.display_name"' | sed "s/^/[/"`;

function written(plan: ReturnType<typeof planStatuslineInstall>): string {
  if (plan.action !== 'write') throw new Error(`expected a write, got ${JSON.stringify(plan)}`);
  return plan.text;
}

describe('planStatuslineInstall', () => {
  it('adds our command last, keeping every other key, the indentation and the final newline', () => {
    const before = '{\n    "model": "opus",\n    "hooks": {\n        "Stop": []\n    },\n    "env": {"A": "1"}\n}\n';
    const text = written(planStatuslineInstall(before, FILE, OURS));
    expect(JSON.parse(text)).toEqual({ model: 'opus', hooks: { Stop: [] }, env: { A: '1' }, statusLine: { type: 'command', command: OURS } });
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 4)}\n`);
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['model', 'hooks', 'env', 'statusLine']);
  });

  it('keeps a file written on one line on one line, and a missing file becomes a readable one', () => {
    expect(written(planStatuslineInstall('{"model":"opus"}', FILE, OURS))).toBe(`{"model":"opus","statusLine":{"type":"command","command":${JSON.stringify(OURS)}}}`);
    expect(written(planStatuslineInstall(null, FILE, OURS))).toBe(`{\n  "statusLine": {\n    "type": "command",\n    "command": ${JSON.stringify(OURS)}\n  }\n}\n`);
  });

  it('keeps an existing statusline: ours runs it after itself, in the same place, with its other settings', () => {
    const before = JSON.stringify({ statusLine: { type: 'command', command: THEIRS, padding: 0 }, model: 'opus' }, null, 2);
    const plan = planStatuslineInstall(before, FILE, OURS);
    const after = JSON.parse(written(plan)) as { statusLine: { command: string } };
    expect(Object.keys(after)).toEqual(['statusLine', 'model']);
    expect(after.statusLine).toEqual({ type: 'command', command: `${OURS} --then ${shellQuote(THEIRS)}`, padding: 0 });
    expect(previousCommandOf(after.statusLine.command)).toBe(THEIRS);
    // Installing again changes nothing, and never wraps ours in ours.
    expect(planStatuslineInstall(written(plan), FILE, OURS)).toEqual({ action: 'none', message: `ClaudeWatch's statusline is already in ${FILE}.` });
    const moved = JSON.parse(written(planStatuslineInstall(written(plan), FILE, 'cw-statusline'))) as { statusLine: { command: string } };
    expect(moved.statusLine.command).toBe(`cw-statusline --then ${shellQuote(THEIRS)}`);
  });

  it('refuses malformed JSON, a non-object and a statusline it cannot run, saying what to do', () => {
    expect(planStatuslineInstall('{"model": "opus",}', FILE, OURS)).toMatchObject({ action: 'refuse', message: expect.stringMatching(/^\/home\/u\/\.claude\/settings\.json is not valid JSON \(.+\)\. Fix it or move it aside/) });
    expect(planStatuslineInstall('[1]', FILE, OURS)).toMatchObject({ action: 'refuse', message: expect.stringContaining('does not hold a JSON object') });
    expect(planStatuslineInstall('{"statusLine": "echo hi"}', FILE, OURS)).toMatchObject({ action: 'refuse', message: expect.stringContaining('not a command') });
  });
});

describe('planStatuslineRemove', () => {
  it('restores the previous statusline exactly, or removes ours when there was none', () => {
    const original = { statusLine: { type: 'command', command: THEIRS, padding: 2 }, model: 'opus' };
    const installed = written(planStatuslineInstall(JSON.stringify(original, null, 2), FILE, OURS));
    expect(JSON.parse(written(planStatuslineRemove(installed, FILE)))).toEqual(original);
    const alone = written(planStatuslineInstall('{\n  "model": "opus"\n}\n', FILE, OURS));
    expect(written(planStatuslineRemove(alone, FILE))).toBe('{\n  "model": "opus"\n}\n');
  });

  it('leaves a statusline that is not ours alone, and refuses malformed JSON', () => {
    expect(planStatuslineRemove(JSON.stringify({ statusLine: { type: 'command', command: THEIRS } }), FILE)).toMatchObject({ action: 'none' });
    expect(planStatuslineRemove(null, FILE)).toMatchObject({ action: 'none' });
    expect(planStatuslineRemove('{', FILE)).toMatchObject({ action: 'refuse' });
  });
});

describe('our command, read back', () => {
  it('splits words as sh does, so what shellQuote wrote comes back', () => {
    for (const word of [THEIRS, "it's", 'a b', '', '$HOME "x"', 'back\\slash']) expect(shellWords(`cmd --then ${shellQuote(word)}`)).toEqual(['cmd', '--then', word]);
    expect(shellWords(`a "b \\"c\\"" d\\ e`)).toEqual(['a', 'b "c"', 'd e']);
  });

  it('knows our entry however it is spelled, and nothing else', () => {
    for (const command of [OURS, 'cw-statusline', 'cw statusline --then x', "node '/x/dist/bin/cw.js' statusline"]) expect(isOurStatuslineCommand(command)).toBe(true);
    for (const command of [THEIRS, 'echo cw-statusline', 'cw status', 'node x.js statusline']) expect(isOurStatuslineCommand(command)).toBe(false);
  });
});

describe('installStatusline', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cw-settings-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const yes = async () => true;

  it('uses the first directory of CLAUDE_CONFIG_DIR, else ~/.claude', () => {
    expect(claudeSettingsFile({ CLAUDE_CONFIG_DIR: '/a, /b', HOME: '/h' })).toBe('/a/settings.json');
    expect(claudeSettingsFile({ HOME: '/h' })).toBe('/h/.claude/settings.json');
  });

  it('writes through a symlink, keeps the mode, and --remove restores the file', async () => {
    const real = join(dir, 'dotfiles', 'settings.json');
    mkdirSync(join(dir, 'dotfiles'));
    mkdirSync(join(dir, 'config'));
    const original = JSON.stringify({ statusLine: { type: 'command', command: THEIRS }, theme: 'dark' }, null, 2) + '\n';
    writeFileSync(real, original);
    chmodSync(real, 0o640);
    symlinkSync(real, join(dir, 'config', 'settings.json'));
    const env = { CLAUDE_CONFIG_DIR: join(dir, 'config') };
    const result = await installStatusline({ remove: false, dryRun: false, confirm: yes, env, command: OURS });
    expect(result.written).toBe(true);
    expect(lstatSync(join(dir, 'config', 'settings.json')).isSymbolicLink()).toBe(true);
    expect(statSync(real).mode & 0o777).toBe(0o640);
    expect(JSON.parse(readFileSync(real, 'utf8'))).toMatchObject({ theme: 'dark', statusLine: { command: `${OURS} --then ${shellQuote(THEIRS)}` } });
    await installStatusline({ remove: true, dryRun: false, confirm: yes, env, command: OURS });
    expect(readFileSync(real, 'utf8')).toBe(original);
  });

  it('never writes a malformed file, on a dry run, or without consent', async () => {
    const file = join(dir, 'settings.json');
    const env = { CLAUDE_CONFIG_DIR: dir };
    writeFileSync(file, '{"theme": "dark"');
    await expect(installStatusline({ remove: false, dryRun: false, confirm: yes, env, command: OURS })).rejects.toThrow(/is not valid JSON.*left unchanged/);
    expect(readFileSync(file, 'utf8')).toBe('{"theme": "dark"');
    writeFileSync(file, '{"theme": "dark"}');
    const dry = await installStatusline({ remove: false, dryRun: true, confirm: yes, env, command: OURS });
    expect(dry).toMatchObject({ written: false, plan: { action: 'write', before: null, after: { type: 'command', command: OURS } } });
    await expect(installStatusline({ remove: false, dryRun: false, confirm: async () => false, env, command: OURS })).rejects.toThrow('nothing changed');
    expect(readFileSync(file, 'utf8')).toBe('{"theme": "dark"}');
  });
});
