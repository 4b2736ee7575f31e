#!/usr/bin/env node
// `npm run bench`: what ClaudeWatch costs Claude. Prints medians and ratios; exits non-zero only
// when a measurement could not be taken, never because a number is slow (these are not tests).
import { spawnSync, spawn } from 'node:child_process';
import { closeSync, createWriteStream, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shim = join(root, 'shims', 'claude');
const realClaude = join(root, 'node_modules', '@anthropic-ai', 'claude-code', 'bin', 'claude.exe');
const exampleClaude = join(root, 'examples', 'example-claude', 'claude');
const runs = Number(process.env.BENCH_RUNS ?? 25);
const work = mkdtempSync(join(tmpdir(), 'cw-bench-'));
const baseEnv = { ...process.env, CLAUDEWATCH_HOME: join(work, 'cw'), HOME: join(work, 'home'), NO_COLOR: '1' };
delete baseEnv.CLAUDEWATCH_PARENT_SESSION;
delete baseEnv.CLAUDEWATCH_DISABLE;

function timeCommand(command, args, env) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return ms;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Alternates the two commands so drift on a busy machine hits both alike. */
function compare(label, direct, wrapped) {
  const a = [];
  const b = [];
  timeCommand(...direct);
  timeCommand(...wrapped);
  for (let i = 0; i < runs; i++) {
    a.push(timeCommand(...direct));
    b.push(timeCommand(...wrapped));
  }
  const directMs = median(a);
  const wrappedMs = median(b);
  console.log(
    `${label.padEnd(34)} direct ${directMs.toFixed(1).padStart(7)} ms   through shim ${wrappedMs.toFixed(1).padStart(7)} ms   ` +
      `added ${(wrappedMs - directMs).toFixed(1).padStart(6)} ms   ratio ${(wrappedMs / directMs).toFixed(2)}`,
  );
  return { label, directMs, wrappedMs, addedMs: wrappedMs - directMs };
}

async function ptyThroughput(megabytes) {
  const file = join(work, 'output.txt');
  const line = `${'a'.repeat(99)}\n`;
  const chunk = line.repeat(10_000);
  const stream = createWriteStream(file);
  for (let written = 0; written < megabytes * 1e6; written += chunk.length) {
    if (!stream.write(chunk)) await new Promise((r) => stream.once('drain', r));
  }
  await new Promise((r) => stream.end(r));

  const scriptRuns = [];
  const relayRuns = [];
  const { startPtyRelay } = await import(pathToFileURL(join(root, 'dist', 'runner', 'pty-relay.js')).href);
  const { silentLogger } = await import(pathToFileURL(join(root, 'dist', 'shared', 'log.js')).href);
  const terminal = { enterRaw() {}, restore() {} };
  for (let i = 0; i < 3; i++) {
    scriptRuns.push(await timeAsync(() => runToDevNull('script', ['-qc', `cat ${file}`, '/dev/null'])));
    relayRuns.push(
      await timeAsync(async () => {
        // Node writes to a terminal or pipe synchronously on Linux; the sink does the same.
        const sink = syncSink('/dev/null');
        const stdin = new (await import('node:stream')).PassThrough();
        let bytes = 0;
        const relay = await startPtyRelay({
          file: 'cat',
          args: [file],
          cwd: work,
          env: { PATH: process.env.PATH, TERM: 'xterm-256color' },
          terminal,
          logger: silentLogger,
          stdin,
          stdout: sink,
          observe: (data) => {
            bytes += data.length;
          },
        });
        await relay.exited;
        sink.end();
        if (bytes < megabytes * 1e6) throw new Error(`relay delivered ${bytes} bytes of ${megabytes} MB`);
      }),
    );
  }
  const scriptMs = median(scriptRuns);
  const relayMs = median(relayRuns);
  const mbps = (ms) => ((megabytes / ms) * 1000).toFixed(0);
  console.log(
    `pty relay, ${megabytes} MB of output`.padEnd(34) +
      ` script -qc ${scriptMs.toFixed(0).padStart(6)} ms (${mbps(scriptMs)} MB/s)   ClaudeWatch relay ${relayMs.toFixed(0).padStart(6)} ms (${mbps(relayMs)} MB/s)   ratio ${(relayMs / scriptMs).toFixed(2)}`,
  );
  return { scriptMs, relayMs };
}

/**
 * Claude waits for a hook before it sends the prompt: the hook command's whole run is latency
 * added to every prompt. Compared with `true`, the least any hook costs.
 */
function hookLatency() {
  const inbox = join(work, 'inbox.jsonl');
  const input = JSON.stringify({ hook_event_name: 'UserPromptSubmit', session_id: 's', transcript_path: '/t/s.jsonl', cwd: work, prompt: 'hello' });
  const hook = join(root, 'shims', 'claudewatch-hook');
  const run = (command, args) => {
    const start = process.hrtime.bigint();
    const result = spawnSync(command, args, { input, stdio: ['pipe', 'ignore', 'ignore'] });
    if (result.status !== 0) throw new Error(`${command} failed (${result.status})`);
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  const bare = [];
  const ours = [];
  for (let i = 0; i < runs; i++) {
    bare.push(run('true', []));
    ours.push(run('/bin/sh', [hook, inbox]));
  }
  const bareMs = median(bare);
  const ourMs = median(ours);
  console.log(`hook command, per prompt`.padEnd(34) + ` true ${bareMs.toFixed(1).padStart(7)} ms   claudewatch-hook ${ourMs.toFixed(1).padStart(7)} ms   added ${(ourMs - bareMs).toFixed(1).padStart(6)} ms`);
  return { bareMs, ourMs };
}

/**
 * The screen watcher's cost: a real recorded screen of Claude Code 2.1.330 (a limit being hit)
 * replayed through it many times at the watcher's real settings. What counts is the CPU time it
 * takes per MB of screen output: Claude paints a few KB a second.
 */
async function screenWatcherCost(repeats) {
  const fixture = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'screens', 'five-hour-limit.json'), 'utf8'));
  const bytes = Buffer.from(fixture.raw, 'base64');
  const { createScreenWatcher } = await import(pathToFileURL(join(root, 'dist', 'runner', 'screen-watcher.js')).href);
  const samples = [];
  let facts = 0;
  for (let run = 0; run < 3; run++) {
    const watcher = createScreenWatcher({ cols: fixture.cols, rows: fixture.rows, timeZone: 'UTC', now: () => fixture.capturedAt, emit: (found) => (facts += found.length) });
    const before = process.cpuUsage();
    for (let i = 0; i < repeats; i++) {
      // In the chunk sizes a pty delivers, with a turn of the event loop between passes as in life.
      for (let at = 0; at < bytes.length; at += 4096) watcher.write(bytes.subarray(at, at + 4096));
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Long enough for the emulator to parse everything and the last scan to run.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const used = process.cpuUsage(before);
    watcher.dispose();
    samples.push((used.user + used.system) / 1000);
  }
  const cpuMs = median(samples);
  const megabytes = (bytes.length * repeats) / 1e6;
  console.log(
    `screen watcher, real screen x${repeats}`.padEnd(34) +
      ` ${megabytes.toFixed(2)} MB cost ${cpuMs.toFixed(0)} ms CPU (${(cpuMs / megabytes).toFixed(0)} ms per MB)   limit found ${facts > 0 ? 'yes' : 'NO'}`,
  );
  return { cpuMs, megabytes };
}

/**
 * Claude runs the statusline command on every refresh and waits for its line, so its start-up is
 * the whole cost. Compared with a bare `node -e 0`, the least any Node command costs; the goal
 * is 1.3x. The input is Claude's statusline JSON, with a limit in force so every part is drawn.
 */
function statuslineStartup() {
  const entry = join(root, 'dist', 'bin', 'cw-statusline.js');
  const input = JSON.stringify({
    session_id: 'bench-session',
    model: { id: 'claude-opus-5-5', display_name: 'Opus 5.5' },
    cost: { total_cost_usd: 1.23 },
    rate_limits: { five_hour: { used_percentage: 100, resets_at: Math.floor(Date.now() / 1000) + 3600 } },
  });
  const run = (args) => {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { input, env: baseEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
    return ms;
  };
  const bare = [];
  const ours = [];
  run(['-e', '0']);
  run([entry]);
  for (let i = 0; i < Math.max(runs, 20); i++) {
    bare.push(run(['-e', '0']));
    ours.push(run([entry]));
  }
  const bareMs = median(bare);
  const ourMs = median(ours);
  const ratio = ourMs / bareMs;
  console.log(
    `cw statusline start-up`.padEnd(34) +
      ` node -e 0 ${bareMs.toFixed(1).padStart(7)} ms   cw-statusline ${ourMs.toFixed(1).padStart(7)} ms   ratio ${ratio.toFixed(2)} (goal 1.30: ${ratio <= 1.3 ? 'met' : 'MISSED'})`,
  );
  return { bareMs, ourMs, ratio };
}

/**
 * The CPU each usage report costs on the live path (message book, then reducer, as the recorder
 * runs them), for a short session and a long one. It should not grow with the session.
 */
async function reducerCostPerFact() {
  const load = (path) => import(pathToFileURL(join(root, 'dist', path)).href);
  const [{ MessageBook }, { createSessionState, reduceSession }, { computeCostUsd }, { PRICE_TABLE }] = await Promise.all([
    load('core/message-book.js'),
    load('core/session-state.js'),
    load('core/pricing.js'),
    load('core/price-table.js'),
  ]);
  const priceUsage = (model, usage, options) => computeCostUsd(model, usage, PRICE_TABLE, options);
  const perFact = (messages) => {
    const book = new MessageBook('bench', 0);
    let state = createSessionState({ id: 'bench', mode: 'interactive', sessionType: null, projectPath: null, cwd: '/w', argv: [], pid: 1, startedAt: 0, account: null, identifyMethod: 'hooks', isolation: 'shared-learning' });
    const start = process.cpuUsage();
    let facts = 0;
    for (let index = 0; index < messages; index++) {
      // Each message reported twice, as Claude writes a line per content block with growing output.
      for (const output of [1, 400]) {
        const fact = { kind: 'usage', source: 'transcript', messageKey: `m${index}:r${index}`, messageId: `m${index}`, requestId: `r${index}`, model: 'claude-sonnet-4-5', usage: { inputTokens: 3, outputTokens: output, cacheCreationTokens: 500, cacheReadTokens: 40_000 }, at: index };
        const placed = book.place(fact);
        if (placed) state = reduceSession(state, placed, index, priceUsage);
        facts += 1;
      }
    }
    const used = process.cpuUsage(start);
    return (used.user + used.system) / facts;
  };
  perFact(1000);
  const short = median(Array.from({ length: 15 }, () => perFact(100)));
  const long = median(Array.from({ length: 3 }, () => perFact(10_000)));
  console.log(
    `${'live reducer, CPU per usage fact'.padEnd(34)} 100 messages ${short.toFixed(2).padStart(6)} µs   10,000 messages ${long.toFixed(2).padStart(6)} µs   ratio ${(long / short).toFixed(2)}`,
  );
}

/**
 * A run while another program holds the database's lock (a backup, a `sqlite3` shell): the last
 * write waits a moment, then the session waits in the journal. What the prompt waits for is the
 * added time; the sessions are then saved by the next command.
 */
async function lockedDatabaseRun(env, args) {
  const database = join(env.CLAUDEWATCH_HOME, 'claudewatch.db');
  // A run first, so the database exists to be locked.
  timeCommand(shim, args, env);
  const holder = spawn(
    process.execPath,
    ['-e', `const D = require(${JSON.stringify(join(root, 'node_modules', 'better-sqlite3'))}); const db = new D(process.argv[1]); db.exec('BEGIN EXCLUSIVE'); process.stdout.write('locked'); process.stdin.on('end', () => process.exit(0)); process.stdin.resume();`, database],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  await new Promise((resolvePromise) => holder.stdout.once('data', resolvePromise));
  try {
    const direct = [];
    const wrapped = [];
    for (let i = 0; i < Math.min(runs, 10); i++) {
      direct.push(timeCommand(exampleClaude, args, env));
      wrapped.push(timeCommand(shim, args, env));
    }
    const directMs = median(direct);
    const wrappedMs = median(wrapped);
    console.log(
      `${'short print run, database locked'.padEnd(34)} direct ${directMs.toFixed(1).padStart(7)} ms   through shim ${wrappedMs.toFixed(1).padStart(7)} ms   added ${(wrappedMs - directMs).toFixed(1).padStart(6)} ms`,
    );
  } finally {
    holder.stdin.end();
    await new Promise((resolvePromise) => holder.once('exit', resolvePromise));
  }
}

function syncSink(path) {
  const fd = openSync(path, 'w');
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      writeSync(fd, chunk);
      callback();
    },
    final(callback) {
      closeSync(fd);
      callback();
    },
  });
  sink.columns = 120;
  sink.rows = 40;
  return sink;
}

function runToDevNull(command, args) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'ignore'] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error(`${command} exited ${code}`))));
  });
}

async function timeAsync(action) {
  const start = process.hrtime.bigint();
  await action();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

try {
  if (!existsSync(join(root, 'dist', 'bin', 'claude-shim.js'))) throw new Error('run `npm run build` first');
  console.log(`ClaudeWatch benchmarks (median of ${runs} runs; node ${process.version})\n`);
  const versionEnv = { ...baseEnv, CLAUDEWATCH_REAL_CLAUDE: realClaude };
  compare('claude --version (pass-through)', [realClaude, ['--version'], versionEnv], [shim, ['--version'], versionEnv]);
  const printEnv = { ...baseEnv, CLAUDEWATCH_REAL_CLAUDE: exampleClaude };
  const printArgs = ['-p', 'hi', '--output-format', 'stream-json', '--verbose'];
  compare('short print-mode run (recorded)', [exampleClaude, printArgs, printEnv], [shim, printArgs, printEnv]);
  // Text output: the runner also plans hooks and follows the transcript.
  compare('short print run, text output', [exampleClaude, ['-p', 'hi'], printEnv], [shim, ['-p', 'hi'], printEnv]);
  await lockedDatabaseRun(printEnv, printArgs);
  hookLatency();
  statuslineStartup();
  await reducerCostPerFact();
  await ptyThroughput(Number(process.env.BENCH_PTY_MB ?? 200));
  await screenWatcherCost(Number(process.env.BENCH_SCREEN_REPEATS ?? 200));
} catch (error) {
  console.error(`bench: ${error.message}`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
