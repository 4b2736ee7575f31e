// Timing helpers: wall-clock medians of commands run alternately, so drift on a busy machine hits
// each side alike.
import { spawn, spawnSync } from 'node:child_process';

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** One run of a command to completion; throws when it fails, so a broken setup never passes for a fast one. */
export function timeCommand({ command, args = [], env, cwd, input }) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { env, cwd, input, stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}): ${String(result.stderr).slice(-400)}`);
  return ms;
}

/**
 * Runs each command `runs` times, in turn, after one warm-up each. Returns the median per
 * command, in the order given.
 */
export function alternate(commands, runs) {
  const samples = commands.map(() => []);
  for (const command of commands) timeCommand(command);
  for (let i = 0; i < runs; i++) commands.forEach((command, index) => samples[index].push(timeCommand(command)));
  return samples.map(median);
}

export async function timeAsync(action) {
  const start = process.hrtime.bigint();
  await action();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Wall time and peak memory (GNU time's %M) of one command; its stdout is kept. */
export function measureWithPeak({ command, args = [], env, cwd }) {
  const started = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], { env, cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr.slice(-500)}`);
  const peakKb = Number(result.stderr.trim().split('\n').at(-1));
  return { ms, peakMb: peakKb / 1024, stdout: result.stdout };
}

export function runToDevNull(command, args) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'ignore'] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error(`${command} exited ${code}`))));
  });
}
