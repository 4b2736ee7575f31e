/**
 * Who waits for the user: the real 2.1.330 screen through the shim, offline against the mock,
 * with a user "ask" rule for Bash (2.1.330 allows `echo` on its own otherwise). The session's
 * state file must say it waits for a permission within 2 s of the prompt appearing, and stop
 * saying so within 2 s of the answer, whether accepted or denied with Esc (which fires no hook).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { claudeExecutable, makeClaudeHome, realClaudeBinaries, spawnClaudeScreen, type ClaudeScreen } from '../support/claude-env.js';
import { startMockAnthropic } from '../support/mock-anthropic.js';
import { CW, runProcess, SHIM, SHIM_DIR } from '../support/sandbox.js';
import { readStateData } from '../support/state-file.js';
import { until } from '../support/until.js';

const USAGE = { input_tokens: 900, output_tokens: 20 };
/** What the issue asks of the state file, from the moment the screen shows the change. */
const WITHIN_MS = 2000;

let scratch: string;
let claude: string;
beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'cw-waiting-'));
  claude = await claudeExecutable(realClaudeBinaries().current, scratch);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Data {
  waiting: { since: string; reason: string; message: string } | null;
  activity: string | null;
}

/** Polls the state file until `test` holds; returns the data and how long that took. */
async function stateWithin(file: string, test: (data: Data) => boolean, what: string, screen: ClaudeScreen): Promise<{ data: Data; tookMs: number }> {
  const started = Date.now();
  const data = await until(
    () => {
      const read = readStateData<Data>(file);
      return read !== null && test(read) ? read : null;
    },
    what,
    { timeoutMs: 30_000, intervalMs: 25, seen: () => ({ state: readStateData(file), screen: screen.screen() }) },
  );
  return { data, tookMs: Date.now() - started };
}

/** BEL bytes that stand alone: not the end of an OSC (a window title), which Claude ends with BEL. */
function bellsOutsideSequences(raw: string): number {
  const withoutStrings = raw.replace(/\x1b[\]P_^X][^\x07\x1b]*(?:\x07|\x1b\\)/g, '');
  return [...withoutStrings].filter((char) => char === '\x07').length;
}

for (const answer of ['accept', 'deny with Esc'] as const) {
  it(`2.1.330: waiting for a permission while the prompt shows, cleared on ${answer}; working, then idle`, async () => {
    const mock = await startMockAnthropic();
    const home = await makeClaudeHome({ apiUrl: mock.url, auth: 'api-key' });
    try {
      mkdirSync(join(home.cwd, '.claude'), { recursive: true });
      writeFileSync(join(home.cwd, '.claude', 'settings.json'), JSON.stringify({ permissions: { ask: ['Bash'] } }));
      mock.enqueue({ type: 'tool_use', name: 'Bash', input: { command: 'echo waited', description: 'Print a word' }, usage: USAGE });
      mock.enqueue({ type: 'text', text: 'All done.', usage: USAGE });
      const cwHome = join(home.home, 'claudewatch');
      // The notice the user asked for: a desktop notification (a notify-send of ours on PATH) or the bell.
      const notice = answer === 'accept' ? 'desktop' : 'bell';
      const notified = join(home.home, 'notified.txt');
      const bin = join(home.home, 'bin');
      mkdirSync(bin);
      writeFileSync(join(bin, 'notify-send'), `#!/bin/sh\nprintf '%s\\n' "$@" >> '${notified}'\n`, { mode: 0o755 });
      const env = { ...home.env, CLAUDEWATCH_HOME: cwHome, CLAUDEWATCH_REAL_CLAUDE: claude, NO_COLOR: '1', DISPLAY: ':0', PATH: [bin, SHIM_DIR, dirname(process.execPath), '/usr/bin', '/bin'].join(':') };
      const stateFile = join(cwHome, 'state', 'current_session.json');
      // A callback hears each start and end of a wait.
      const heard = join(home.home, 'heard.txt');
      mkdirSync(cwHome, { recursive: true });
      writeFileSync(
        join(cwHome, 'config.json'),
        JSON.stringify({ notify: { waiting: notice }, callbacks: { commands: [`printf '%s\\n' "$CLAUDEWATCH_EVENT" >> '${heard}'`] } }),
      );
      const screen = spawnClaudeScreen({ command: SHIM, args: [], cwd: home.cwd, env });
      try {
        await screen.waitFor(/for shortcuts|shift\+tab/, 30_000);
        await stateWithin(stateFile, (data) => data.activity === 'idle' && data.waiting === null, 'idle at start', screen);
        await screen.submit('run the echo');
        await screen.waitFor('Do you want to proceed?', 30_000);
        const shown = await stateWithin(stateFile, (data) => data.waiting?.reason === 'permission', 'waiting: permission', screen);
        expect(shown.tookMs).toBeLessThan(WITHIN_MS);
        // PermissionRequest named the tool as the prompt was drawn.
        await stateWithin(stateFile, (data) => data.waiting?.message === 'Claude needs your permission to use Bash', 'the tool named', screen);
        expect(shown.data.activity).toBe('working');

        // `cw status` puts the waiting session first; another session's statusline says so.
        const status = await runProcess(process.execPath, [CW, 'status'], { env: { ...env, COLUMNS: '250' } });
        expect(status.stdout.toString()).toMatch(/^Waiting for you: .*work \(\w{8}\): Claude needs your permission to use Bash, since \d\d:\d\d/);
        const json = JSON.parse((await runProcess(process.execPath, [CW, 'status', '--json'], { env })).stdout.toString()) as { live: Data[] };
        expect(json.live[0]).toMatchObject({ activity: 'working', waiting: { reason: 'permission' } });
        const statusline = await runProcess(process.execPath, [CW, 'statusline'], { env, stdin: JSON.stringify({ session_id: 'another', model: { display_name: 'Opus' } }) });
        expect(statusline.stdout.toString()).toContain('⏸ work waits for you');

        if (notice === 'desktop') {
          const shown = await until(() => (existsSync(notified) ? readFileSync(notified, 'utf8') : null), 'the desktop notification');
          expect(shown).toBe(`--app-name=ClaudeWatch\n--urgency=normal\nClaude is waiting for you\nClaude needs your permission to use Bash (${home.cwd})\n`);
        }
        // The bell rings once, between Claude's escape sequences (each of its titles still ends where Claude ended it).
        expect(bellsOutsideSequences(screen.raw())).toBe(notice === 'bell' ? 1 : 0);
        expect(existsSync(notified)).toBe(notice === 'desktop');

        screen.press(answer === 'accept' ? 'enter' : 'escape');
        expect((await stateWithin(stateFile, (data) => data.waiting === null, 'waiting cleared', screen)).tookMs).toBeLessThan(WITHIN_MS);
        if (answer === 'accept') await screen.waitFor('All done.', 30_000);
        else await screen.waitFor('Interrupted', 30_000);
        await stateWithin(stateFile, (data) => data.activity === 'idle' && data.waiting === null, 'idle after the turn', screen);
        const exit = await screen.exit(30_000);
        expect(exit.exitCode).toBe(0);
        expect(readFileSync(heard, 'utf8').trim().split('\n')).toEqual(['status-changed', 'waiting-started', 'waiting-ended', 'status-changed']);
      } finally {
        screen.dispose();
      }
    } finally {
      await home.cleanup();
      await mock.close();
    }
  });
}

for (const answer of ['accept', 'deny with Esc'] as const) {
  it(`1.0.60, which takes no hooks of ours: the screen alone says it waits for a permission, cleared on ${answer}; activity unknown`, async () => {
    const legacy = await claudeExecutable(realClaudeBinaries().legacy, mkdtempSync(join(scratch, 'legacy-')));
    const mock = await startMockAnthropic();
    const home = await makeClaudeHome({ apiUrl: mock.url, auth: 'api-key' });
    try {
      // 1.0.60 runs `echo` without asking; a file it would write needs a yes.
      mock.enqueue({ type: 'tool_use', name: 'Bash', input: { command: 'touch waited.txt', description: 'Make a file' }, usage: USAGE });
      mock.enqueue({ type: 'text', text: 'All done.', usage: USAGE });
      const cwHome = join(home.home, 'claudewatch');
      const env = { ...home.env, CLAUDEWATCH_HOME: cwHome, CLAUDEWATCH_REAL_CLAUDE: legacy, NO_COLOR: '1', PATH: [SHIM_DIR, dirname(process.execPath), '/usr/bin', '/bin'].join(':') };
      const stateFile = join(cwHome, 'state', 'current_session.json');
      const screen = spawnClaudeScreen({ command: SHIM, args: [], cwd: home.cwd, env });
      try {
        await screen.waitFor(/for shortcuts/, 30_000);
        await screen.submit('make the file');
        await screen.waitFor('Do you want to proceed?', 30_000);
        const shown = await stateWithin(stateFile, (data) => data.waiting?.reason === 'permission', 'waiting: permission', screen);
        expect(shown.tookMs).toBeLessThan(WITHIN_MS);
        screen.press(answer === 'accept' ? 'enter' : 'escape');
        expect((await stateWithin(stateFile, (data) => data.waiting === null, 'waiting cleared', screen)).tookMs).toBeLessThan(WITHIN_MS);
        await screen.waitFor(answer === 'accept' ? 'All done.' : 'No (tell Claude what to do differently)', 30_000);
        expect(existsSync(join(home.cwd, 'waited.txt'))).toBe(answer === 'accept');
        // Nothing tells when 1.0.60 starts or ends a turn: its activity is unknown, not "working" for ever.
        expect(readStateData<Data>(stateFile)?.activity).toBeNull();
        expect((await screen.exit(30_000)).exitCode).toBe(0);
      } finally {
        screen.dispose();
      }
    } finally {
      await home.cleanup();
      await mock.close();
    }
  });
}
