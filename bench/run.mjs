#!/usr/bin/env node
// `npm run bench`: what ClaudeWatch costs, each figure beside its anchor measured in the same run,
// with the ratio and the goal it is held to. Exits non-zero only when a measurement could not be
// taken, never because a number is slow (these are not tests).
//
//   node bench/run.mjs [group ...]   groups: startup statusline hook reducer relay screen import (default: all)
//   BENCH_RUNS=15          runs per startup figure (medians; the commands alternate)
//   BENCH_PTY_MB=200       output pushed through the pty
//   BENCH_IMPORT_MB=200,400,800   history sizes for the import; BENCH_IMPORT_RUNS=3 cold imports each
//   BENCH_TRANSCRIPTS=DIR  grow the history from these transcripts instead of test/fixtures'
//   BENCH_TARGET=DIR       measure the build in another checkout (its dist/ and shims/), e.g. the
//                          commit before a change, with this checkout's tools and fixtures
//   BENCH_KEEP=1           keep the work directory (corpus, databases) for profiling
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { importRows } from './lib/import.mjs';
import { alternate, median, timeCommand } from './lib/measure.mjs';
import { relayThroughput } from './lib/relay.mjs';
import { loadTestSupport, startMockProcess } from './lib/test-support.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = resolve(process.env.BENCH_TARGET ?? root);
const runs = Number(process.env.BENCH_RUNS ?? 15);
const groups = new Set(process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['startup', 'statusline', 'hook', 'reducer', 'relay', 'screen', 'import']);
const work = mkdtempSync(join(tmpdir(), 'cw-bench-'));
const rows = [];

const ms = (value) => `${value.toFixed(value < 100 ? 1 : 0)} ms`;
const seconds = (value) => `${(value / 1000).toFixed(2)} s`;
const log = (line) => process.stderr.write(`  ${line}\n`);

/** One line of the final table; `met` is null where a figure has no goal. */
function row(measure, anchor, ours, ratio, goal, met) {
  rows.push({ measure, anchor, ours, ratio, goal, met });
  log(`${measure}: ${anchor} | ${ours} | ${ratio}${goal ? ` | goal ${goal}: ${met ? 'met' : 'MISSED'}` : ''}`);
}

function printTable() {
  const cells = (r) => [r.measure, r.anchor, r.ours, r.ratio, r.goal ? `${r.goal}: ${r.met ? 'met' : 'MISSED'}` : '-'];
  const all = [['measure', 'anchor', 'ClaudeWatch', 'ratio', 'goal'], ...rows.map(cells)];
  const widths = all[0].map((_, column) => Math.max(...all.map((line) => line[column].length)));
  const line = (values) => `| ${values.map((value, column) => value.padEnd(widths[column])).join(' | ')} |`;
  console.log(line(all[0]));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const values of all.slice(1)) console.log(line(values));
}

const shim = join(target, 'shims', 'claude');
const nodeStart = (env) => ({ command: process.execPath, args: ['-e', '0'], env });

/** `claude --version`, print runs of the real CLI against the mock, and a fake claude that prints a saved stream. */
async function startupRows() {
  const support = await loadTestSupport(root);
  const realClaude = support.realClaudeBinaries().current.command;
  const mock = await startMockProcess(root);
  const claudeHome = await support.makeClaudeHome({ apiUrl: mock.url, auth: 'api-key' });
  try {
    // Claude Code is nearly always run in a repository; what the shim does after Claude exits depends on it.
    spawnSync('git', ['init', '-q'], { cwd: claudeHome.cwd });
    const env = { ...claudeHome.env, CLAUDEWATCH_HOME: join(work, 'cw-startup'), CLAUDEWATCH_REAL_CLAUDE: realClaude, NO_COLOR: '1' };
    const run = (command, args, extra = {}) => ({ command, args, env: { ...env, ...extra }, cwd: claudeHome.cwd });

    const [realMs, shimMs] = alternate([run(realClaude, ['--version']), run(shim, ['--version'])], runs);
    row('`claude --version` through the shim', `real binary ${ms(realMs)}`, `+${ms(shimMs - realMs)}`, (shimMs / realMs).toFixed(2), '<= 15 ms added', shimMs - realMs <= 15);

    for (const [label, args] of [
      ['stream-json', ['-p', 'hi', '--output-format', 'stream-json', '--verbose']],
      ['text', ['-p', 'hi']],
    ]) {
      const [nodeMs, directMs, wrappedMs] = alternate([nodeStart(env), run(realClaude, args), run(shim, args)], runs);
      const added = wrappedMs - directMs;
      row(
        `\`claude -p\` (${label}) through the shim, time added`,
        `node -e 0 ${ms(nodeMs)} (claude ${ms(directMs)})`,
        `+${ms(added)}`,
        `${(added / nodeMs).toFixed(2)}x a Node start`,
        '<= 1.0x',
        added <= nodeMs,
      );
    }

    // The same stream again, from a claude that costs nothing: what the shim itself costs end to end.
    const saved = join(work, 'saved-stream.jsonl');
    const printed = spawnSync(realClaude, ['-p', 'hi', '--output-format', 'stream-json', '--verbose'], { env, cwd: claudeHome.cwd, encoding: 'utf8' });
    if (printed.status !== 0) throw new Error(`claude -p failed: ${printed.stderr}`);
    writeFileSync(saved, printed.stdout);
    const fake = join(work, 'fake-claude');
    writeFileSync(fake, `#!/bin/sh\nexec cat '${saved}'\n`);
    chmodSync(fake, 0o755);
    const args = ['-p', 'hi', '--output-format', 'stream-json', '--verbose'];
    const [nodeMs, fakeMs] = alternate([nodeStart(env), run(shim, args, { CLAUDEWATCH_REAL_CLAUDE: fake })], runs);
    row('shim, fake claude printing a saved stream', `node -e 0 ${ms(nodeMs)}`, ms(fakeMs), (fakeMs / nodeMs).toFixed(2), '<= 2.0', fakeMs / nodeMs <= 2);

    await lockedDatabaseRow(run(realClaude, args), run(shim, args));
  } finally {
    await mock.close();
    await claudeHome.cleanup();
  }
}

/**
 * A run while another program holds the database's lock (a backup, a `sqlite3` shell): the last
 * write waits a moment, then the session waits in the journal, and the next command saves it.
 * What the prompt waits for is the time added.
 */
async function lockedDatabaseRow(direct, wrapped) {
  // A run first, so the database exists to be locked.
  timeCommand(wrapped);
  const database = join(wrapped.env.CLAUDEWATCH_HOME, 'claudewatch.db');
  const holder = spawn(
    process.execPath,
    ['-e', `const D = require(${JSON.stringify(join(root, 'node_modules', 'better-sqlite3'))}); const db = new D(process.argv[1]); db.exec('BEGIN EXCLUSIVE'); process.stdout.write('locked'); process.stdin.on('end', () => process.exit(0)); process.stdin.resume();`, database],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  await new Promise((resolveLocked) => holder.stdout.once('data', resolveLocked));
  try {
    const [directMs, wrappedMs] = alternate([direct, wrapped], Math.min(runs, 10));
    row('`claude -p` (stream-json) through the shim, database locked', `claude ${ms(directMs)}`, `+${ms(wrappedMs - directMs)}`, (wrappedMs / directMs).toFixed(2), null, null);
  } finally {
    holder.stdin.end();
    await new Promise((resolveExit) => holder.once('exit', resolveExit));
  }
}

/** Claude runs the statusline on every refresh and waits for its line: its start-up is its cost. */
function statuslineRows() {
  const env = { ...process.env, CLAUDEWATCH_HOME: join(work, 'cw-statusline'), HOME: join(work, 'home-statusline'), NO_COLOR: '1' };
  const input = JSON.stringify({
    session_id: 'bench-session',
    model: { id: 'claude-opus-5-5', display_name: 'Opus 5.5' },
    cost: { total_cost_usd: 1.23 },
    rate_limits: { five_hour: { used_percentage: 100, resets_at: Math.floor(Date.now() / 1000) + 3600 } },
  });
  const node = (args) => ({ command: process.execPath, args, env, input });
  const [nodeMs, cwMs, entryMs] = alternate(
    [node(['-e', '0']), node([join(target, 'dist', 'bin', 'cw.js'), 'statusline']), node([join(target, 'dist', 'bin', 'cw-statusline.js')])],
    Math.max(runs, 20),
  );
  row('`cw statusline`', `node -e 0 ${ms(nodeMs)}`, ms(cwMs), (cwMs / nodeMs).toFixed(2), '<= 1.3', cwMs / nodeMs <= 1.3);
  row('`cw-statusline` entry', `node -e 0 ${ms(nodeMs)}`, ms(entryMs), (entryMs / nodeMs).toFixed(2), '<= 1.3', entryMs / nodeMs <= 1.3);
}

/** Claude waits for a hook before it sends the prompt: its whole run is latency added to every prompt. */
function hookRow() {
  const input = JSON.stringify({ hook_event_name: 'UserPromptSubmit', session_id: 's', transcript_path: '/t/s.jsonl', cwd: work, prompt: 'hello' });
  const [bareMs, hookMs] = alternate(
    [
      { command: 'true', args: [], input },
      { command: '/bin/sh', args: [join(target, 'shims', 'claudewatch-hook'), join(work, 'inbox.jsonl')], input },
    ],
    runs,
  );
  row('hook command, per prompt', `true ${ms(bareMs)}`, ms(hookMs), `+${ms(hookMs - bareMs)}`, null, null);
}

/** The CPU each usage report costs on the live path, for a short session and a long one: it should not grow. */
async function reducerRow() {
  const load = (path) => import(pathToFileURL(join(target, 'dist', path)).href);
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
  row('live reducer, CPU per usage fact', `100 messages ${short.toFixed(2)} µs`, `10,000 messages ${long.toFixed(2)} µs`, (long / short).toFixed(2), null, null);
}

async function relayRow() {
  const megabytes = Number(process.env.BENCH_PTY_MB ?? 200);
  const { scriptMs, bareMs, oursMs } = await relayThroughput({ root, target, work, megabytes, runs: Number(process.env.BENCH_PTY_RUNS ?? 3) });
  row(
    `${megabytes} MB through the interactive pty, screen watcher on`,
    `script -qc ${seconds(scriptMs)}; bare node-pty relay ${seconds(bareMs)} (${(bareMs / scriptMs).toFixed(2)}x script)`,
    `${seconds(oursMs)} (${(oursMs / scriptMs).toFixed(2)}x script)`,
    `${(oursMs / bareMs).toFixed(2)}x the bare relay`,
    '<= 1.0x the bare relay',
    oursMs <= bareMs,
  );
}

/**
 * The screen watcher's own cost: a real recorded screen of Claude Code 2.1.330 (a limit being
 * hit) replayed through it many times, in the chunk sizes a pty delivers.
 */
async function screenRow() {
  const repeats = Number(process.env.BENCH_SCREEN_REPEATS ?? 200);
  const fixture = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'screens', 'five-hour-limit.json'), 'utf8'));
  const bytes = Buffer.from(fixture.raw, 'base64');
  const { createScreenWatcher } = await import(pathToFileURL(join(target, 'dist', 'runner', 'screen-watcher.js')).href);
  const samples = [];
  let facts = 0;
  for (let run = 0; run < 3; run++) {
    const watcher = createScreenWatcher({ cols: fixture.cols, rows: fixture.rows, timeZone: 'UTC', now: () => fixture.capturedAt, emit: (found) => (facts += found.length) });
    const before = process.cpuUsage();
    for (let i = 0; i < repeats; i++) {
      for (let at = 0; at < bytes.length; at += 4096) watcher.write(bytes.subarray(at, at + 4096));
      // A turn of the event loop between screens, as between a pty's reads.
      await new Promise((resolveTurn) => setImmediate(resolveTurn));
    }
    // Long enough for the emulator to parse everything and the last scan to run.
    await new Promise((resolveWait) => setTimeout(resolveWait, 1500));
    const used = process.cpuUsage(before);
    watcher.dispose();
    samples.push((used.user + used.system) / 1000);
  }
  const cpuMs = median(samples);
  const megabytes = (bytes.length * repeats) / 1e6;
  row(`screen watcher, a real screen x${repeats}`, `${megabytes.toFixed(2)} MB`, `${cpuMs.toFixed(0)} ms CPU (${(cpuMs / megabytes).toFixed(0)} ms per MB)`, `limit found: ${facts > 0 ? 'yes' : 'NO'}`, null, null);
}

async function importRowsOfBench() {
  const sizes = (process.env.BENCH_IMPORT_MB ?? '200,400,800').split(',').map(Number).filter((size) => size > 0);
  const results = await importRows({ root, target, work: join(work, 'import'), sizes, runs: Number(process.env.BENCH_IMPORT_RUNS ?? 3), log });
  for (const result of results) {
    const size = `${result.megabytes.toFixed(0)} MB`;
    row(
      `cold \`cw import\`, ${size}`,
      `ccusage daily (native) ${seconds(result.ccusageMs)}, peak ${result.ccusagePeakMb.toFixed(0)} MB`,
      `${seconds(result.coldMs)}, peak ${result.coldPeakMb.toFixed(0)} MB`,
      (result.coldMs / result.ccusageMs).toFixed(2),
      '<= 1.0',
      result.coldMs <= result.ccusageMs,
    );
    row(
      `warm \`cw report daily --json\`, ${size}`,
      `node -e 0 ${ms(result.nodeMs)}`,
      ms(result.warmMs),
      `${(result.warmMs / result.nodeMs).toFixed(2)} (${(result.warmMs / result.ccusageMs).toFixed(2)}x ccusage)`,
      result.size >= 800 ? '<= 2.0 at 800 MB' : null,
      result.size >= 800 ? result.warmMs <= 2 * result.nodeMs : null,
    );
    const { ours, theirs, equal } = result.totals;
    const describe = (totals) => `in ${totals.input} out ${totals.output} cache-write ${totals.cacheWrite} cache-read ${totals.cacheRead} $${totals.cost?.toFixed(4)}`;
    const unpriced = theirs.unpriced.length > 0 ? ` (ccusage prices no ${theirs.unpriced.join(', ')}: our $${ours.leftOut.toFixed(4)} for them left out)` : '';
    row(`totals, ${size}`, `ccusage ${describe(theirs)}`, `${equal ? 'equal' : `DIFFERENT: ${describe(ours)}`}${unpriced}`, '-', 'equal', equal);
  }
}

try {
  if (!existsSync(join(target, 'dist', 'bin', 'claude-shim.js'))) throw new Error(`no build in ${target}: run \`npm run build\` first`);
  mkdirSync(join(root, 'bench', '.cache'), { recursive: true });
  const load = () => loadavg().map((value) => value.toFixed(2)).join(' ');
  console.log(`ClaudeWatch benchmarks: ${target === root ? 'this checkout' : target}, node ${process.version}, median of ${runs} runs; load ${load()}\n`);
  if (groups.has('startup')) await startupRows();
  if (groups.has('statusline')) statuslineRows();
  if (groups.has('hook')) hookRow();
  if (groups.has('reducer')) await reducerRow();
  if (groups.has('relay')) await relayRow();
  if (groups.has('screen')) await screenRow();
  if (groups.has('import')) await importRowsOfBench();
  console.log('');
  printTable();
  console.log(`\nload at the end ${load()}`);
} catch (error) {
  if (rows.length > 0) printTable();
  console.error(`bench: ${error.stack ?? error.message}`);
  process.exitCode = 1;
} finally {
  if (process.env.BENCH_KEEP === '1') console.log(`\nkept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
