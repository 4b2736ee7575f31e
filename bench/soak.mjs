#!/usr/bin/env node
// `npm run soak`: ClaudeWatch over a long time. A wrapped print-mode session repeated SOAK_RUNS
// times (default 1000) in a row, then one interactive session pushing SOAK_PTY_MB megabytes
// (default 500) through the pty. Reports the shim's memory (VmHWM of each run; RSS sampled over
// the long run), its open descriptors over the long run, the state directory's file count and
// the time taken. Exits 1 when memory or descriptors grow or state files pile up (not part of npm test).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shim = join(root, 'shims', 'claude');
const fakeClaude = join(root, 'test', 'support', 'fake-claude.mjs');
const pty = createRequire(import.meta.url)('@lydell/node-pty');

const RUNS = Number(process.env.SOAK_RUNS ?? 1000);
const PTY_MB = Number(process.env.SOAK_PTY_MB ?? 500);
const SAMPLE_MS = 250;

const work = mkdtempSync(join(tmpdir(), 'cw-soak-'));
const bin = join(work, 'bin');
const cwHome = join(work, 'cw');
mkdirSync(join(work, 'home'), { recursive: true });
mkdirSync(bin);
symlinkSync(fakeClaude, join(bin, 'claude'));
const env = {
  HOME: join(work, 'home'),
  CLAUDEWATCH_HOME: cwHome,
  PATH: [join(root, 'shims'), bin, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
  TZ: 'UTC',
  NO_COLOR: '1',
  LANG: 'C.UTF-8',
  TERM: 'xterm-256color',
};
const b64 = (text) => Buffer.from(text).toString('base64');
const sleep = (ms) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

/** `VmHWM`, `VmRSS` (kB) of a live process, or null once it is gone. */
function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { hwmKb: field('VmHWM'), rssKb: field('VmRSS') };
  } catch {
    return null;
  }
}

function descriptorsOf(pid) {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return null;
  }
}

function countFiles(dir) {
  let count = 0;
  try {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      count += statSync(path).isDirectory() ? countFiles(path) : 1;
    }
  } catch {
    // Not there (yet).
  }
  return count;
}

/** Temp files, inboxes and settings files left behind by ended sessions. */
function leftovers(dir) {
  const found = [];
  const visit = (path) => {
    for (const name of readdirSync(path)) {
      const child = join(path, name);
      if (statSync(child).isDirectory()) visit(child);
      else if (name.endsWith('.tmp') || path.endsWith('inbox') || name.includes('settings')) found.push(child.slice(dir.length + 1));
    }
  };
  visit(dir);
  return found;
}

const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return { min: sorted[0], median: sorted[sorted.length >> 1], max: sorted.at(-1), mean: Math.round(mean) };
};

/**
 * One print-mode run through the shim; its peak memory is read until the process is gone. Odd
 * runs use text output with hooks (an inbox and a settings file per session), even ones stream-json.
 */
function printRun(index) {
  const text = index % 2 === 1;
  const script = JSON.stringify([
    { out: b64(`${JSON.stringify({ type: 'system', subtype: 'init', session_id: `soak-${index}`, model: 'claude-sonnet-4-5' })}\n`) },
    { out: b64(`${JSON.stringify({ type: 'result', subtype: 'success', is_error: false, num_turns: 1, total_cost_usd: 0.001, session_id: `soak-${index}` })}\n`) },
    // Long enough for the last sample to see the recorder at work.
    { sleep: 40 },
  ]);
  return new Promise((resolveRun, reject) => {
    const child = spawn(shim, ['-p', 'soak', '--output-format', text ? 'text' : 'stream-json'], {
      env: { ...env, FAKE_CLAUDE_SCRIPT: script, ...(text ? { FAKE_CLAUDE_VERSION: '2.1.330' } : {}) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let hwmKb = 0;
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setInterval(() => {
      const memory = memoryOf(child.pid);
      if (memory && Number.isFinite(memory.hwmKb)) hwmKb = Math.max(hwmKb, memory.hwmKb);
    }, 5);
    child.once('error', reject);
    child.once('close', (code) => {
      clearInterval(timer);
      if (code !== 0 || stderr !== '') reject(new Error(`run ${index} failed (${code}): ${stderr}`));
      else resolveRun(hwmKb);
    });
  });
}

async function soakPrint() {
  console.log(`print mode: ${RUNS} sequential runs through the shim`);
  const started = Date.now();
  const hwm = [];
  const durations = [];
  for (let i = 0; i < RUNS; i++) {
    const runStarted = Date.now();
    hwm.push(await printRun(i));
    durations.push(Date.now() - runStarted);
    if ((i + 1) % 100 === 0) console.log(`  ${i + 1} runs, last VmHWM ${hwm.at(-1)} kB, last ${durations.at(-1)} ms`);
  }
  const tenth = Math.max(1, Math.floor(RUNS / 10));
  const result = {
    runs: RUNS,
    totalMs: Date.now() - started,
    vmHwmKb: stats(hwm.filter((value) => value > 0)),
    firstTenthHwmKb: stats(hwm.slice(0, tenth)).mean,
    lastTenthHwmKb: stats(hwm.slice(-tenth)).mean,
    firstTenthMs: stats(durations.slice(0, tenth)).mean,
    lastTenthMs: stats(durations.slice(-tenth)).mean,
    // Ended sessions' files stay for readers that poll: the newest 20, none older than 10 minutes.
    sessionStateFiles: countFiles(join(cwHome, 'state', 'sessions')),
    // Everything else (current_session.json, the version cache; inboxes and temp files must be gone).
    otherStateFiles: countFiles(join(cwHome, 'state')) - countFiles(join(cwHome, 'state', 'sessions')),
    leftovers: leftovers(join(cwHome, 'state')),
    databaseBytes: statSync(join(cwHome, 'claudewatch.db')).size,
  };
  console.log(`  done in ${(result.totalMs / 1000).toFixed(1)} s`);
  return result;
}

/** One interactive session (a real pty) whose claude prints PTY_MB megabytes; the shim is sampled meanwhile. */
async function soakPty() {
  const line = `${'soak output line, plain text, no escapes: 0123456789'.padEnd(118, '.')}\r\n`;
  const chunk = line.repeat(Math.floor(65536 / line.length));
  const times = Math.ceil((PTY_MB * 1024 * 1024) / chunk.length);
  const expected = times * chunk.length;
  console.log(`interactive: ${(expected / 1048576).toFixed(0)} MB through the pty`);
  const script = JSON.stringify([{ repeat: b64(chunk), times }, { out: b64('soak done\r\n') }]);
  const started = Date.now();
  const term = pty.spawn(shim, [], { name: 'xterm-256color', cols: 120, rows: 40, cwd: env.HOME, env: { ...env, FAKE_CLAUDE_SCRIPT: script }, encoding: null });
  // The shim execs Node, so the pty's child is our runner.
  const runner = term.pid;
  let received = 0;
  term.onData((data) => (received += data.length));
  const samples = [];
  const sampler = setInterval(() => {
    const memory = memoryOf(runner);
    const fds = descriptorsOf(runner);
    if (memory && fds !== null) samples.push({ atMs: Date.now() - started, rssKb: memory.rssKb, hwmKb: memory.hwmKb, fds, receivedMb: received / 1048576 });
  }, SAMPLE_MS);
  let lastReport = 0;
  const progress = setInterval(() => {
    const sample = samples.at(-1);
    if (!sample || sample.atMs - lastReport < 10_000) return;
    lastReport = sample.atMs;
    console.log(`  ${sample.receivedMb.toFixed(0)} MB, RSS ${sample.rssKb} kB, ${sample.fds} descriptors`);
  }, 1000);
  const exit = await new Promise((resolveExit) => term.onExit(resolveExit));
  clearInterval(sampler);
  clearInterval(progress);
  await sleep(200);
  const totalMs = Date.now() - started;
  // Skip the start-up: the runner loads its modules (and the screen emulator) in the first second.
  const steady = samples.filter((sample) => sample.atMs > 1000);
  const half = steady.length >> 1;
  const rss = steady.map((sample) => sample.rssKb);
  const fds = steady.map((sample) => sample.fds);
  return {
    exitCode: exit.exitCode,
    bytesExpected: expected,
    bytesReceived: received,
    totalMs,
    mbPerSecond: Number((received / 1048576 / (totalMs / 1000)).toFixed(1)),
    samples: samples.length,
    rssKb: rss.length > 0 ? stats(rss) : null,
    rssFirstHalfMeanKb: half > 0 ? stats(rss.slice(0, half)).mean : null,
    rssSecondHalfMeanKb: half > 0 ? stats(rss.slice(half)).mean : null,
    // Mean RSS per quarter of the run: a leak climbs to the end, a warm-up levels off.
    rssByQuarterKb: [0, 1, 2, 3].map((q) => rss.slice(Math.floor((q * rss.length) / 4), Math.floor(((q + 1) * rss.length) / 4))).map((part) => (part.length > 0 ? stats(part).mean : null)),
    fds: fds.length > 0 ? stats(fds) : null,
    fdsFirst: fds[0] ?? null,
    fdsLast: fds.at(-1) ?? null,
  };
}

function verdicts(print, interactive) {
  const problems = [];
  if (print.lastTenthHwmKb > print.firstTenthHwmKb * 1.15) problems.push(`per-run peak memory grew: ${print.firstTenthHwmKb} → ${print.lastTenthHwmKb} kB`);
  if (print.lastTenthMs > print.firstTenthMs * 2 + 50) problems.push(`runs got slower: ${print.firstTenthMs} → ${print.lastTenthMs} ms`);
  // The newest 20 ended sessions' files are kept for readers; the one running at the end may add one.
  if (print.sessionStateFiles > 21) problems.push(`state files piled up: ${print.sessionStateFiles}`);
  if (print.otherStateFiles > 3 || print.leftovers.length > 0) problems.push(`files left in the state directory: ${print.otherStateFiles}, ${print.leftovers.join(', ')}`);
  if (interactive) {
    if (interactive.exitCode !== 0) problems.push(`interactive run exited ${interactive.exitCode}`);
    if (interactive.bytesReceived < interactive.bytesExpected) problems.push(`bytes lost: ${interactive.bytesExpected - interactive.bytesReceived}`);
    const [, second, third, fourth] = interactive.rssByQuarterKb;
    // After warming up (the emulator's buffers, V8's heap), the last quarter must not climb past the middle ones.
    if (fourth != null && second != null && third != null && fourth > Math.max(second, third) * 1.1 + 4096) {
      problems.push(`RSS still climbing at the end of the pty run: ${interactive.rssByQuarterKb.join(' → ')} kB`);
    }
    if (interactive.fds && interactive.fds.max - interactive.fds.min > 4) problems.push(`descriptors grew: ${interactive.fds.min} → ${interactive.fds.max}`);
  }
  return problems;
}

try {
  const started = Date.now();
  const print = RUNS > 0 ? await soakPrint() : null;
  const interactive = PTY_MB > 0 ? await soakPty() : null;
  const summary = { print, interactive, totalMs: Date.now() - started };
  console.log(JSON.stringify(summary, null, 2));
  const problems = verdicts(print ?? { lastTenthHwmKb: 0, firstTenthHwmKb: 0, lastTenthMs: 0, firstTenthMs: 0, sessionStateFiles: 0, otherStateFiles: 0, leftovers: [] }, interactive);
  for (const problem of problems) console.log(`SOAK PROBLEM: ${problem}`);
  if (problems.length === 0) console.log('soak: memory and descriptors flat, no state files left over');
  process.exitCode = problems.length === 0 ? 0 : 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
