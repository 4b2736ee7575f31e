#!/usr/bin/env node
// A stand-in for the claude binary in tests. It follows a script from FAKE_CLAUDE_SCRIPT (a JSON
// array of steps) so tests choose the exact bytes, the chunking, and how it ends:
//   {"out": "<base64>"} / {"err": "<base64>"}    write bytes to stdout / stderr
//   {"outFile": "/path"}                        write a file's bytes to stdout (for data too big for env)
//   {"sleep": ms}                                 wait
//   {"waitFor": "/path"}                          wait until the file exists
//   {"echoStdin": true}                           copy stdin to stdout until it ends
//   {"env": "NAME"}                               print the variable's value and a newline
//   {"holdOutput": "/path"}                       leave a process in the background holding stdout and
//                                                 stderr (as a tool's server might), its pid in the file
//   {"exit": code} / {"signal": "SIGTERM"}        end (default: exit 0)
// FAKE_CLAUDE_RECORD, when set, names a file that gets one JSON line per call (argv, cwd, env marks);
// `--version` calls are answered first and not recorded.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

const script = JSON.parse(process.env.FAKE_CLAUDE_SCRIPT ?? '[]');
// Asked before a watched run to learn what may be added to the arguments. 0.0.0 (the default)
// means nothing may; FAKE_CLAUDE_VERSION=2.1.330 makes the runner add its hooks as for the real one.
if (process.argv.includes('--version')) {
  process.stdout.write(`${process.env.FAKE_CLAUDE_VERSION ?? '0.0.0'} (Fake Claude)\n`);
  process.exit(0);
}
if (process.env.FAKE_CLAUDE_RECORD) {
  appendFileSync(
    process.env.FAKE_CLAUDE_RECORD,
    JSON.stringify({
      argv: process.argv.slice(2),
      pid: process.pid,
      cwd: process.cwd(),
      parent: process.env.CLAUDEWATCH_PARENT_SESSION ?? null,
      stdinIsTTY: Boolean(process.stdin.isTTY),
      stdoutIsTTY: Boolean(process.stdout.isTTY),
    }) + '\n',
  );
}

const write = (stream, data) => new Promise((resolve) => (stream.write(data) ? resolve() : stream.once('drain', resolve)));

for (const step of script) {
  if (step.out !== undefined) await write(process.stdout, Buffer.from(step.out, 'base64'));
  else if (step.outFile !== undefined) await write(process.stdout, readFileSync(step.outFile));
  else if (step.err !== undefined) await write(process.stderr, Buffer.from(step.err, 'base64'));
  else if (step.repeat !== undefined) {
    const chunk = Buffer.from(step.repeat, 'base64');
    for (let i = 0; i < step.times; i++) await write(process.stdout, chunk);
  } else if (step.sleep !== undefined) await new Promise((resolve) => setTimeout(resolve, step.sleep));
  else if (step.waitFor !== undefined) {
    // Runs until the test says it has seen what it waited for, however busy the machine.
    while (!existsSync(step.waitFor)) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  else if (step.echoStdin) {
    for await (const chunk of process.stdin) await write(process.stdout, chunk);
  } else if (step.env !== undefined) await write(process.stdout, `${process.env[step.env] ?? ''}\n`);
  else if (step.holdOutput !== undefined) {
    const holder = spawn('sleep', ['600'], { stdio: ['ignore', 'inherit', 'inherit'], detached: true });
    holder.unref();
    writeFileSync(step.holdOutput, String(holder.pid));
  }
  else if (step.signal !== undefined) process.kill(process.pid, step.signal);
  else if (step.exit !== undefined) process.exit(step.exit);
}
process.exit(0);
