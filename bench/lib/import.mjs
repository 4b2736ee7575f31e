// The history import against ccusage's native binary on one large history, at growing sizes, and
// what a report costs once the history is imported.
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createCorpus, sourceTranscripts } from './corpus.mjs';
import { alternate, measureWithPeak, median } from './measure.mjs';

/** ccusage's own binary, not its Node launcher: the anchor is the native speed. */
export function ccusageBinary(root) {
  const require = createRequire(join(root, 'package.json'));
  const manifest = require.resolve(`@ccusage/ccusage-${process.platform}-${process.arch}/package.json`);
  return join(manifest, '..', 'bin', 'ccusage');
}

function totalsOfCcusage(stdout) {
  const totals = JSON.parse(stdout).totals ?? {};
  return {
    input: totals.inputTokens,
    output: totals.outputTokens,
    cacheWrite: totals.cacheCreationTokens,
    cacheRead: totals.cacheReadTokens,
    cost: totals.totalCost,
    unpriced: totals.unpricedModels ?? [],
  };
}

/**
 * Our totals, and our cost left aside for the models ccusage does not price (it counts them at
 * $0): tokens must be equal, and costs where both tools know the price.
 */
function totalsOfOurs(dailyStdout, byModelStdout, unpriced) {
  const totals = JSON.parse(dailyStdout).totals ?? {};
  const leftOut = (JSON.parse(byModelStdout).rows ?? []).filter((row) => unpriced.includes(row.key)).reduce((sum, row) => sum + row.costUsd, 0);
  return { input: totals.inputTokens, output: totals.outputTokens, cacheWrite: totals.cacheCreationTokens, cacheRead: totals.cacheReadTokens, cost: totals.costUsd - leftOut, leftOut };
}

/** Equal token counts, and costs equal to a hundredth of a cent: both sum floating-point prices. */
function sameTotals(ours, theirs) {
  return ['input', 'output', 'cacheWrite', 'cacheRead'].every((key) => ours[key] === theirs[key]) && Math.abs(ours.cost - theirs.cost) < 1e-4;
}

/**
 * For each size: cold imports into an empty database, alternating with ccusage's daily report
 * over the same files; then the report a user runs on the unchanged history, beside `node -e 0`.
 */
export async function importRows({ root, target, work, sizes, runs, log }) {
  const home = join(work, 'home');
  const corpus = createCorpus(home, sourceTranscripts(root, process.env.BENCH_TRANSCRIPTS));
  const cw = join(target, 'dist', 'bin', 'cw.js');
  const ccusage = ccusageBinary(root);
  const baseEnv = { ...process.env, HOME: home, CLAUDE_CONFIG_DIR: join(home, '.claude'), TZ: 'UTC', NO_COLOR: '1' };
  const results = [];
  for (const size of sizes) {
    corpus.growTo(size);
    const megabytes = corpus.bytes / 1e6;
    log(`import: ${corpus.files} transcripts, ${megabytes.toFixed(0)} MB`);
    const theirRuns = [];
    const coldRuns = [];
    let db = null;
    for (let i = 0; i < runs; i++) {
      theirRuns.push(measureWithPeak({ command: ccusage, args: ['daily', '--json', '--offline', '--timezone', 'UTC'], env: baseEnv }));
      if (db !== null) rmSync(db, { recursive: true, force: true });
      db = join(work, `cw-${size}-${i}`);
      coldRuns.push(measureWithPeak({ command: process.execPath, args: [cw, 'import', '--quiet'], env: { ...baseEnv, CLAUDEWATCH_HOME: db } }));
    }
    const env = { ...baseEnv, CLAUDEWATCH_HOME: db };
    const theirs = median(theirRuns.map((run) => run.ms));
    const cold = median(coldRuns.map((run) => run.ms));
    const report = { command: process.execPath, args: [cw, 'report', 'daily', '--json', '--timezone', 'UTC'], env };
    const [nodeMs, warmMs] = alternate([{ command: process.execPath, args: ['-e', '0'], env }, report], Math.max(runs, 5));
    const their = totalsOfCcusage(theirRuns.at(-1).stdout);
    const byModel = measureWithPeak({ ...report, args: [cw, 'report', 'model', '--json', '--timezone', 'UTC'] });
    const ours = totalsOfOurs(measureWithPeak(report).stdout, byModel.stdout, their.unpriced);
    results.push({
      size,
      megabytes,
      files: corpus.files,
      ccusageMs: theirs,
      ccusagePeakMb: Math.max(...theirRuns.map((run) => run.peakMb)),
      coldMs: cold,
      coldPeakMb: Math.max(...coldRuns.map((run) => run.peakMb)),
      nodeMs,
      warmMs,
      totals: { ours, theirs: their, equal: sameTotals(ours, their) },
    });
  }
  return results;
}
