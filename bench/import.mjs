#!/usr/bin/env node
// npm run bench:import: our import against ccusage's daily report on one large history.
//
// The corpus is the transcript fixtures (test/fixtures/transcripts, many Claude Code versions)
// copied until it holds BENCH_CORPUS_MB (default 200) MB, each copy re-keyed (session,
// message and request ids) and moved to its own project and day within 60 days, so nothing
// de-duplicates away. ccusage is installed on first use into bench/.cache (npm registry).
// BENCH_KEEP=1 keeps the corpus and database and prints where, for profiling.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = join(root, 'test', 'fixtures', 'transcripts');
const corpusMb = Number(process.env.BENCH_CORPUS_MB ?? 200);
// 20.0.24: the newest release whose native Linux package is on the registry.
const ccusageVersion = process.env.BENCH_CCUSAGE_VERSION ?? '20.0.24';
const cw = join(root, 'dist', 'bin', 'cw.js');
const DAY = 86_400_000;

function buildCorpus(home) {
  const sources = readdirSync(fixtures)
    .filter((name) => name.endsWith('.jsonl'))
    .map((name) => ({ name, lines: readFileSync(join(fixtures, name), 'utf8').split('\n').filter((line) => line.trim() !== '') }));
  const start = Date.UTC(2026, 8, 1);
  let bytes = 0;
  let files = 0;
  for (let copy = 0; bytes < corpusMb * 1e6; copy++) {
    const project = `-work-project-${copy % 40}`;
    const folder = join(home, '.claude', 'projects', project);
    mkdirSync(folder, { recursive: true });
    const day = start + (copy % 60) * DAY;
    for (const { name, lines } of sources) {
      const session = `${copy.toString(16).padStart(8, '0')}-0000-4000-8000-${name.length.toString(16).padStart(12, '0')}`;
      const text = `${lines.map((line) => rekey(line, copy, session, day, `/work/project-${copy % 40}`)).join('\n')}\n`;
      writeFileSync(join(folder, `${session}-${name}`), text);
      bytes += Buffer.byteLength(text);
      files += 1;
    }
  }
  return { bytes, files };
}

/** One transcript line as if written by another session on another day. */
function rekey(line, copy, session, day, cwd) {
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  if (entry === null || typeof entry !== 'object') return line;
  if (typeof entry.sessionId === 'string') entry.sessionId = session;
  if (typeof entry.cwd === 'string') entry.cwd = cwd;
  if (typeof entry.requestId === 'string') entry.requestId = `${entry.requestId}-${copy}`;
  if (typeof entry.uuid === 'string') entry.uuid = `${entry.uuid}-${copy}`;
  if (entry.message && typeof entry.message.id === 'string') entry.message.id = `${entry.message.id}-${copy}`;
  if (typeof entry.timestamp === 'string') {
    const time = Date.parse(entry.timestamp);
    // Keep the time of day, move the date: sessions spread over 60 days.
    if (Number.isFinite(time)) entry.timestamp = new Date(day + (time % DAY)).toISOString();
  }
  return JSON.stringify(entry);
}

/** Wall time and peak memory of a command, from GNU time. */
function measure(command, args, env) {
  const started = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr.slice(-500)}`);
  const peakKb = Number(result.stderr.trim().split('\n').at(-1));
  return { ms, peakMb: peakKb / 1024, stdout: result.stdout };
}

function median(runs) {
  return [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)];
}

function ccusageBinary() {
  const cache = join(root, 'bench', '.cache');
  const bin = join(cache, 'node_modules', '.bin', 'ccusage');
  if (!existsSync(bin)) {
    console.log(`installing ccusage@${ccusageVersion} into bench/.cache ...`);
    mkdirSync(cache, { recursive: true });
    execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', cache, `ccusage@${ccusageVersion}`], { stdio: 'ignore' });
  }
  return bin;
}

function totalsOfCcusage(json) {
  const parsed = JSON.parse(json);
  const totals = parsed.totals ?? {};
  return { input: totals.inputTokens, output: totals.outputTokens, cacheWrite: totals.cacheCreationTokens, cacheRead: totals.cacheReadTokens, cost: totals.totalCost };
}

const work = mkdtempSync(join(tmpdir(), 'cw-bench-import-'));
try {
  if (!existsSync(cw)) throw new Error('run `npm run build` first');
  const home = join(work, 'home');
  const corpus = buildCorpus(home);
  console.log(`corpus: ${corpus.files} transcripts, ${(corpus.bytes / 1e6).toFixed(0)} MB, 60 days, 40 projects\n`);
  const env = { ...process.env, HOME: home, CLAUDE_CONFIG_DIR: join(home, '.claude'), CLAUDEWATCH_HOME: join(work, 'cw'), TZ: 'UTC', NO_COLOR: '1' };

  const cold = measure(process.execPath, [cw, 'import', '--quiet'], env);
  console.log(`ClaudeWatch cold import      ${(cold.ms / 1000).toFixed(2).padStart(7)} s   peak ${cold.peakMb.toFixed(0)} MB`);
  const again = measure(process.execPath, [cw, 'import', '--quiet'], env);
  console.log(`ClaudeWatch import, no news  ${(again.ms / 1000).toFixed(2).padStart(7)} s   peak ${again.peakMb.toFixed(0)} MB   (what every report does first)`);

  const ccusage = ccusageBinary();
  const theirRuns = [0, 1, 2].map(() => measure(ccusage, ['daily', '--json', '--offline', '--timezone', 'UTC'], env));
  const theirs = median(theirRuns);
  console.log(`ccusage daily --json         ${(theirs.ms / 1000).toFixed(2).padStart(7)} s   peak ${theirs.peakMb.toFixed(0)} MB   (median of 3)`);

  // What a user waits for: a report on a history with nothing new, import check included.
  const report = median([0, 1, 2, 3, 4].map(() => measure(process.execPath, [cw, 'report', 'daily', '--json', '--timezone', 'UTC'], env)));
  console.log(`ClaudeWatch report, no news  ${(report.ms / 1000).toFixed(2).padStart(7)} s   peak ${report.peakMb.toFixed(0)} MB   (median of 5)`);
  const stored = median([0, 1, 2, 3, 4].map(() => measure(process.execPath, [cw, 'report', 'daily', '--json', '--timezone', 'UTC', '--skip-import'], env)));
  console.log(`  of which without the import check ${(stored.ms / 1000).toFixed(2).padStart(7)} s`);
  const bare = median([0, 1, 2, 3, 4].map(() => measure(process.execPath, ['-e', '0'], env)));
  console.log(`  (node -e 0 alone            ${(bare.ms / 1000).toFixed(2).padStart(7)} s)`);

  const ours = JSON.parse(report.stdout).totals;
  const their = totalsOfCcusage(theirs.stdout);
  console.log('\ntotals         ClaudeWatch        ccusage');
  const oursByKey = { input: ours.inputTokens, output: ours.outputTokens, cacheWrite: ours.cacheCreationTokens, cacheRead: ours.cacheReadTokens, cost: ours.costUsd };
  for (const key of ['input', 'output', 'cacheWrite', 'cacheRead', 'cost']) {
    const format = (value) => (typeof value === 'number' ? (key === 'cost' ? `$${value.toFixed(2)}` : String(value)) : '?');
    console.log(`${key.padEnd(12)} ${format(oursByKey[key]).padStart(13)} ${format(their[key]).padStart(14)}`);
  }
  console.log(`\ncold import vs ccusage daily: ${(cold.ms / theirs.ms).toFixed(2)}x (goal <= 1)`);
  console.log(`report on unchanged history vs ccusage daily: ${(report.ms / theirs.ms).toFixed(3)}x (goal < 0.1)`);
} catch (error) {
  console.error(`bench:import: ${error.message}`);
  process.exitCode = 1;
} finally {
  if (process.env.BENCH_KEEP === '1') console.log(`\nkept ${work} (HOME=${join(work, 'home')}, CLAUDEWATCH_HOME=${join(work, 'cw')})`);
  else rmSync(work, { recursive: true, force: true });
}
