/**
 * Shared by the property tests: how many cases to run, a per-case time guard, and a per-parser
 * tally printed when a file ends. The normal test run uses a fixed seed and a few hundred cases
 * per property, so it stays fast and repeatable; `npm run fuzz` sets FUZZ_RUNS (e.g. 100000)
 * and a fresh seed, and prints, per parser, the cases run, the failures and the slowest case.
 *
 * A case that uses more than CASE_LIMIT_MS of CPU fails (catastrophic regex backtracking and
 * quadratic loops show up as slow cases long before they hang for good); a case that truly
 * never returns is caught by the test's own timeout. CPU time, not wall time: on a shared
 * machine a case waits for the CPU as long as others hold it, and a honest case reading a
 * 150 KB transcript a byte at a time (half a second) then passed the limit.
 */
import fc from 'fast-check';
import { afterAll } from 'vitest';

const fuzzRuns = Number(process.env.FUZZ_RUNS ?? '');
export const FUZZING = Number.isInteger(fuzzRuns) && fuzzRuns > 0;
/** Every property runs this many cases when fuzzing. */
const FUZZ_RUNS = FUZZING ? fuzzRuns : 0;
const CASE_LIMIT_MS = Number(process.env.FUZZ_CASE_MS ?? '') || 1000;
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : FUZZING ? Date.now() % 2 ** 31 : 20_260_101;

interface Tally {
  cases: number;
  failures: number;
  slow: number;
  maxCaseMs: number;
}

const tallies = new Map<string, Tally>();
// Registered on import, while the test file is being collected: each file prints its own tally.
afterAll(printTallies);

function tallyOf(parser: string): Tally {
  let tally = tallies.get(parser);
  if (!tally) {
    tally = { cases: 0, failures: 0, slow: 0, maxCaseMs: 0 };
    tallies.set(parser, tally);
  }
  return tally;
}

function printTallies(): void {
  const lines = [...tallies].map(
    ([parser, tally]) =>
      `fuzz ${parser}: ${tally.cases} cases, ${tally.failures} failures, ${tally.slow} over ${CASE_LIMIT_MS} ms, max case ${tally.maxCaseMs.toFixed(1)} ms of CPU (seed ${SEED})`,
  );
  if (FUZZING || process.env.FUZZ_REPORT === '1') console.log(lines.join('\n'));
}

/** A vitest timeout for a property whose cases take about `caseMs` each; generous, as CPUs are shared. */
export function timeoutFor(caseMs = 1, share = 1): number {
  return Math.max(60_000, FUZZING ? FUZZ_RUNS * share * caseMs * 4 : 0);
}

export interface PropertyRuns {
  /** Cases in the normal test run. */
  normal?: number;
  /** This property's share of the parser's FUZZ_RUNS when fuzzing; a parser's shares add up to 1. */
  share?: number;
}

/**
 * Checks `predicate` on `runs.normal` cases (its share of FUZZ_RUNS when fuzzing), counting them
 * under `parser`; a case throws, returns false or runs past the time limit to fail. Throws
 * fast-check's report (seed, path and the shrunk counterexample) on failure.
 */
export function checkProperty<T>(parser: string, arbitrary: fc.Arbitrary<T>, predicate: (value: T) => boolean | void, runs: PropertyRuns = {}): void {
  const tally = tallyOf(parser);
  const timed = (value: T): boolean | void => {
    const started = process.cpuUsage();
    const outcome = predicate(value);
    const used = process.cpuUsage(started);
    const ms = (used.user + used.system) / 1000;
    tally.cases += 1;
    if (ms > tally.maxCaseMs) tally.maxCaseMs = ms;
    if (ms > CASE_LIMIT_MS) {
      tally.slow += 1;
      throw new Error(`one case used ${ms.toFixed(0)} ms of CPU (limit ${CASE_LIMIT_MS} ms)`);
    }
    return outcome;
  };
  const numRuns = FUZZING ? Math.ceil(FUZZ_RUNS * (runs.share ?? 1)) : (runs.normal ?? 200);
  const details = fc.check(fc.property(arbitrary, timed), { numRuns, seed: SEED });
  if (details.failed) {
    tally.failures += 1;
    throw new Error(fc.defaultReportMessage(details) ?? 'property failed');
  }
}
