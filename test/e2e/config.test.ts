/** cw config on a real file: changes are checked, written owner-only, and never destroy a file we cannot read. */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createSandbox, CW_RUN, fakeScript, installFakeClaude, runCw, runProcess, type Sandbox } from '../support/sandbox.js';

let sandbox: Sandbox;
let file: string;
beforeEach(() => {
  sandbox = createSandbox();
  file = join(sandbox.cwHome, 'config.json');
});
afterEach(() => sandbox.cleanup());

it('sets, gets, shows and resets settings, keeping what it does not know', async () => {
  mkdirSync(sandbox.cwHome, { recursive: true });
  writeFileSync(file, JSON.stringify({ prices: { 'claude-new': { input: 1, output: 5, cacheWrite5m: 1.25, cacheRead: 0.1 } } }));
  expect((await runCw(sandbox, ['config', 'set', 'plan', 'max5'])).stdout.toString()).toBe('plan = "max5"\n');
  expect((await runCw(sandbox, ['config', 'set', 'alerts.webhooks', 'http://127.0.0.1:9000/a,https://example.test/b'])).code).toBe(0);
  expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
    prices: { 'claude-new': { input: 1, output: 5, cacheWrite5m: 1.25, cacheRead: 0.1 } },
    plan: 'max5',
    alerts: { webhooks: ['http://127.0.0.1:9000/a', 'https://example.test/b'] },
  });
  expect(statSync(file).mode & 0o777).toBe(0o600);

  expect((await runCw(sandbox, ['config', 'get', 'plan'])).stdout.toString()).toBe('max5\n');
  expect((await runCw(sandbox, ['config', 'get', 'alerts.blockPercent'])).stdout.toString()).toBe('80\n'); // the default
  const shown = JSON.parse((await runCw(sandbox, ['config', 'show', '--json'])).stdout.toString());
  expect(shown.problems).toEqual([]);
  expect(shown.settings.find((row: any) => row.key === 'plan')).toMatchObject({ value: 'max5', source: 'config.json' });
  expect(shown.settings.find((row: any) => row.key === 'retention')).toMatchObject({ value: '365d', source: 'default' });

  expect((await runCw(sandbox, ['config', 'reset', 'alerts.webhooks'])).code).toBe(0);
  expect(JSON.parse(readFileSync(file, 'utf8')).alerts).toBeUndefined();
  expect((await runCw(sandbox, ['config', 'reset', '--all'])).code).toBe(2);
  expect((await runCw(sandbox, ['config', 'reset', '--all', '--yes'])).code).toBe(0);
  expect(existsSync(file)).toBe(false);
  expect(JSON.parse(readFileSync(`${file}.bak`, 'utf8')).plan).toBe('max5');
});

it('refuses a bad value or key with the reason, and leaves the file as it was', async () => {
  for (const [args, message] of [
    [['set', 'alerts.blockPercent', '150'], 'alerts.blockPercent must be a number from 1 to 100, got 150'],
    [['set', 'alert.blockPercent', '50'], 'alert.blockPercent is not a setting; did you mean alerts.blockPercent?'],
    [['set', 'timezone', 'Mars/Olympus'], 'timezone is not a time zone Intl knows'],
    [['set', 'plan'], 'give a setting and one value'],
    [['frobnicate'], 'unknown action "frobnicate"'],
  ] as const) {
    const result = await runCw(sandbox, ['config', ...args]);
    expect(result.code, args.join(' ')).toBe(2);
    expect(result.stderr.toString()).toContain(message);
  }
  expect(existsSync(file)).toBe(false);
});

it('never overwrites a config.json it cannot read, and shows what is wrong', async () => {
  mkdirSync(sandbox.cwHome, { recursive: true });
  writeFileSync(file, '{"plan": "pro",');
  const set = await runCw(sandbox, ['config', 'set', 'plan', 'max20']);
  expect(set.code).toBe(1);
  expect(set.stderr.toString()).toMatch(/is not valid JSON.*cw config reset --all --yes/);
  expect(readFileSync(file, 'utf8')).toBe('{"plan": "pro",');

  writeFileSync(file, JSON.stringify({ plan: 'gold', alerts: { bell: 'loud' } }));
  const show = await runCw(sandbox, ['config', 'show']);
  expect(show.code).toBe(1);
  expect(show.stdout.toString()).toContain('plan must be one of pro, max5, max20, team, custom, got "gold"');
  expect(show.stdout.toString()).toContain('alerts.bell must be true or false, got "loud"');
});

const INVALID = {
  realClaude: 5,
  plan: 'gold',
  alerts: { blockPercent: 500, bell: 'yes' },
  retention: 'forever',
  timezone: 'Mars/Olympus',
  callbacks: { timeoutMs: -1 },
  analysis: { days: 0 },
  isolation: 'total',
  otlp: { enabled: 1 },
  hooks: 'no',
  capturePrompts: 1,
};
const INVALID_KEYS = ['realClaude', 'plan', 'alerts.blockPercent', 'alerts.bell', 'retention', 'timezone', 'callbacks.timeoutMs', 'analysis.days', 'isolation', 'otlp.enabled', 'hooks', 'capturePrompts'];

it('doctor and show list every setting that breaks the schema, a bad realClaude among them', async () => {
  mkdirSync(sandbox.cwHome, { recursive: true });
  writeFileSync(file, JSON.stringify(INVALID));
  const doctor = await runCw(sandbox, ['doctor', '--json']);
  const config = (JSON.parse(doctor.stdout.toString()) as { checks: Array<{ name: string; level: string; detail: string }> }).checks.find((check) => check.name === 'config')!;
  expect(config.level).toBe('warn');
  expect(config.detail).toContain(`${file}: 12 settings do not follow the schema`);
  for (const key of INVALID_KEYS) expect(config.detail).toMatch(new RegExp(`\\n    ${key.replace('.', '\\.')} `));
  const shown = JSON.parse((await runCw(sandbox, ['config', 'show', '--json'])).stdout.toString()) as { problems: string[]; settings: Array<{ key: string; value: unknown }> };
  expect(shown.problems.map((problem) => problem.split(' ')[0])).toEqual(INVALID_KEYS);
  // One bad key does not hide the good ones either.
  writeFileSync(file, JSON.stringify({ realClaude: 5, plan: 'max5' }));
  const again = JSON.parse((await runCw(sandbox, ['config', 'show', '--json'])).stdout.toString()) as typeof shown;
  expect(again.settings.find((row) => row.key === 'plan')?.value).toBe('max5');
  // And a change to another key keeps it as it was for the user to fix, rather than dropping it.
  expect((await runCw(sandbox, ['config', 'set', 'plan', 'pro'])).code).toBe(0);
  expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ realClaude: 5, plan: 'pro' });
});

it('never quotes what config.json links to: a link to a file that is not JSON gets its place, not its bytes', async () => {
  mkdirSync(sandbox.cwHome, { recursive: true });
  const secret = join(sandbox.root, 'secret.txt');
  writeFileSync(secret, 'AKIA-SECRET-TOKEN-0123456789 and more private text\n');
  symlinkSync(secret, file);
  const outputs = await Promise.all([runCw(sandbox, ['config', 'show']), runCw(sandbox, ['doctor']), runCw(sandbox, ['config', 'set', 'plan', 'pro'])]);
  for (const output of outputs) expect(output.stdout.toString() + output.stderr.toString()).not.toMatch(/AKIA|SECRET|private/);
  expect(outputs[0].stdout.toString()).toContain(`${file} is not valid JSON`);
  writeFileSync(secret, '{"plan": "pro",\n  "token": "AKIA-SECRET" oops}');
  const show = (await runCw(sandbox, ['config', 'show'])).stdout.toString();
  expect(show).toContain(`${file} is not valid JSON (line 2, column 26)`);
  expect(show).not.toContain('AKIA');
});

it('set writes through a symbolic link: the link stays, the file it names changes', async () => {
  mkdirSync(sandbox.cwHome, { recursive: true });
  const dotfiles = join(sandbox.root, 'dotfiles');
  mkdirSync(dotfiles);
  const target = join(dotfiles, 'claudewatch.json');
  writeFileSync(target, JSON.stringify({ plan: 'max5', alerts: { bell: false } }));
  symlinkSync(target, file);
  const set = await runCw(sandbox, ['config', 'set', 'plan', 'pro']);
  expect(set.code, set.stderr.toString()).toBe(0);
  expect(lstatSync(file).isSymbolicLink()).toBe(true);
  expect(JSON.parse(readFileSync(target, 'utf8'))).toEqual({ plan: 'pro', alerts: { bell: false } });
  expect(readdirSync(dotfiles)).toEqual(['claudewatch.json']);
});

it('prints its JSON Schema', async () => {
  const schema = JSON.parse((await runCw(sandbox, ['config', 'schema'])).stdout.toString());
  expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['plan', 'alerts', 'callbacks', 'prices', 'retention', 'timezone', 'capturePrompts']));
});

it('logs a command at debug level with --debug, failures with their stack, and says where', async () => {
  const ok = await runCw(sandbox, ['--debug', 'prices']);
  expect(ok.code).toBe(0);
  const log = join(sandbox.cwHome, 'logs', 'claudewatch.log');
  expect(ok.stderr.toString()).toBe(`cw: debug log in ${log}\n`);
  const failed = await runCw(sandbox, ['config', 'set', 'plan', 'gold', '--debug']);
  expect(failed.code).toBe(2);
  const lines = readFileSync(log, 'utf8');
  expect(lines).toMatch(/DEBUG cw prices: start \(node v\d+/);
  expect(lines).toMatch(/DEBUG cw prices: exit 0 after \d+ ms/);
  expect(lines).toMatch(/ERROR cw config: failed after \d+ ms UserError: cw config: plan must be one of/);
  expect(statSync(log).mode & 0o777).toBe(0o600);
});

it('names a debug log only once it holds the command: where it cannot be written, says so', async () => {
  mkdirSync(sandbox.cwHome, { recursive: true });
  // A file where the log's directory should be: nothing can be logged.
  writeFileSync(join(sandbox.cwHome, 'logs'), '');
  const log = join(sandbox.cwHome, 'logs', 'claudewatch.log');
  const cw = await runCw(sandbox, ['--debug', 'prices']);
  expect(cw.code).toBe(0);
  expect(cw.stderr.toString()).toBe(`cw: the debug log could not be written to ${log}\n`);
  installFakeClaude(sandbox);
  const run = await runProcess(process.execPath, [CW_RUN, '--debug', '--', '-p', 'go'], { env: { ...sandbox.env, FAKE_CLAUDE_SCRIPT: fakeScript([{ out: 'answer\n' }]) } });
  expect(run.stdout.toString()).toBe('answer\n');
  expect(run.stderr.toString()).toBe(`cw-run: the debug log could not be written to ${log}\n`);
});
