// Output through the interactive pty: `script`, a bare node-pty relay, and ClaudeWatch's relay
// with the screen watcher fed exactly as an interactive session feeds it.
import { closeSync, constants as fsConstants, createWriteStream, existsSync, openSync, statSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { median, runToDevNull, timeAsync } from './measure.mjs';

const COLS = 120;
const ROWS = 40;

export async function writeOutputFile(file, megabytes) {
  const line = `${'a'.repeat(99)}\n`;
  const chunk = line.repeat(10_000);
  const stream = createWriteStream(file);
  for (let written = 0; written < megabytes * 1e6; written += chunk.length) {
    if (!stream.write(chunk)) await new Promise((resolve) => stream.once('drain', resolve));
  }
  await new Promise((resolve) => stream.end(resolve));
}

/** Node writes to a terminal or a pipe synchronously on Linux; the sink does the same. */
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
  sink.columns = COLS;
  sink.rows = ROWS;
  return sink;
}

/**
 * The least a relay does: spawn in a pty, copy every chunk out. It holds the pty's slave side open
 * until the exit, as ours does: without that Linux drops the last output (node-pty issue #72), and
 * an anchor that skips part of the work is no anchor.
 */
async function bareRelay(pty, file, cwd) {
  const sink = syncSink('/dev/null');
  const child = pty.spawn('cat', [file], { name: 'xterm-256color', cols: COLS, rows: ROWS, cwd, env: { PATH: process.env.PATH, TERM: 'xterm-256color' }, encoding: null });
  const slave = openSync(child._pty, fsConstants.O_RDWR | fsConstants.O_NOCTTY);
  let bytes = 0;
  child.onData((data) => {
    bytes += data.length;
    sink.write(data);
  });
  await new Promise((resolve) => child.onExit(resolve));
  closeSync(slave);
  sink.end();
  return bytes;
}

/** ClaudeWatch's relay, observed by the screen feed an interactive session uses. */
async function ourRelay(target, file, cwd) {
  const { startPtyRelay } = await import(pathToFileURL(join(target, 'dist', 'runner', 'pty-relay.js')).href);
  const { silentLogger } = await import(pathToFileURL(join(target, 'dist', 'shared', 'log.js')).href);
  const sink = syncSink('/dev/null');
  const screen = await screenObserver(target, sink);
  let bytes = 0;
  const relay = await startPtyRelay({
    file: 'cat',
    args: [file],
    cwd,
    env: { PATH: process.env.PATH, TERM: 'xterm-256color' },
    terminal: { enterRaw() {}, restore() {} },
    logger: silentLogger,
    stdin: new PassThrough(),
    stdout: sink,
    observe: (chunk) => {
      bytes += chunk.length;
      screen.write(chunk);
    },
  });
  await relay.exited;
  screen.dispose();
  sink.end();
  return bytes;
}

/** The runner's screen feed, sized like the terminal; a build from before it existed fed the watcher directly. */
async function screenObserver(target, terminal) {
  const options = { timeZone: 'UTC', now: () => Date.now(), emit: () => {} };
  const feedModule = join(target, 'dist', 'runner', 'screen-feed.js');
  if (existsSync(feedModule)) {
    const { openScreenFeed } = await import(pathToFileURL(feedModule).href);
    const { silentLogger } = await import(pathToFileURL(join(target, 'dist', 'shared', 'log.js')).href);
    const feed = await openScreenFeed(options, silentLogger, terminal);
    if (feed === null) throw new Error('the screen watcher did not load');
    return feed;
  }
  const { createScreenWatcher } = await import(pathToFileURL(join(target, 'dist', 'runner', 'screen-watcher.js')).href);
  return createScreenWatcher({ ...options, cols: COLS, rows: ROWS });
}

export async function relayThroughput({ root, target, work, megabytes, runs }) {
  const file = join(work, 'output.txt');
  await writeOutputFile(file, megabytes);
  const pty = createRequire(join(root, 'package.json'))('@lydell/node-pty');
  const samples = { script: [], bare: [], ours: [] };
  // The terminal turns each line's LF into CR LF: every byte, and one more per line, must arrive.
  const expected = statSync(file).size * (101 / 100);
  const check = (bytes) => {
    if (bytes !== expected) throw new Error(`the relay delivered ${bytes} of the ${expected} bytes the terminal sends`);
  };
  for (let i = 0; i < runs; i++) {
    samples.script.push(await timeAsync(() => runToDevNull('script', ['-qc', `cat ${file}`, '/dev/null'])));
    samples.bare.push(await timeAsync(async () => check(await bareRelay(pty, file, work))));
    samples.ours.push(await timeAsync(async () => check(await ourRelay(target, file, work))));
  }
  return { scriptMs: median(samples.script), bareMs: median(samples.bare), oursMs: median(samples.ours) };
}
