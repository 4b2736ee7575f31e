import { spawn, type ChildProcess } from 'node:child_process';
import { fstatSync } from 'node:fs';
import { forwardStream } from './output-writer.js';
import { relayOfChild, type OutputObserver, type Relay, type RelayRequest } from './relay.js';

/**
 * Print mode: stdin is handed to Claude as it is; stdout and stderr go through pipes so we can
 * read a copy while every byte is passed on unchanged. node:child_process rather than execa on
 * this path: importing execa alone added about 90 ms to every recorded `claude -p` (bench/).
 */
export function startPipeRelay(request: RelayRequest & { observe: OutputObserver }): Relay {
  if (sameFile(1, 2)) {
    const child = spawnWithOneOutput(request);
    forwardStream(child.stdout!, process.stdout, (chunk) => request.observe(chunk, 'stdout'));
    return relayOfChild(child, [child.stdout!]);
  }
  const child = spawn(request.file, [...request.args], { cwd: request.cwd, env: request.env, stdio: ['inherit', 'pipe', 'pipe'] });
  forwardStream(child.stdout, process.stdout, (chunk) => request.observe(chunk, 'stdout'));
  forwardStream(child.stderr, process.stderr, (chunk) => request.observe(chunk, 'stderr'));
  return relayOfChild(child, [child.stdout, child.stderr]);
}

/** Whether two of our descriptors are one file (`2>&1`, or one terminal): same device and inode. */
function sameFile(a: number, b: number): boolean {
  try {
    const [first, second] = [fstatSync(a), fstatSync(b)];
    return first.dev === second.dev && first.ino === second.ino;
  } catch {
    return false;
  }
}

/**
 * Where stdout and stderr are one file, Claude gets one pipe for both, so what it writes keeps
 * its own order, as it would writing to that file. Node cannot give a child one pipe twice, so a
 * sh sets it up and replaces itself with Claude (same pid). sh would also set PWD in Claude's
 * environment: the script puts it back as we had it.
 */
function spawnWithOneOutput(request: RelayRequest): ChildProcess {
  const script = `if [ "\${${KEPT_PWD}+set}" ]; then export PWD="$${KEPT_PWD}"; else unset PWD; fi; unset ${KEPT_PWD}; exec "$0" "$@" 2>&1`;
  const env: Record<string, string> = { ...request.env };
  if (request.env.PWD !== undefined) env[KEPT_PWD] = request.env.PWD;
  return spawn('/bin/sh', ['-c', script, request.file, ...request.args], { cwd: request.cwd, env, stdio: ['inherit', 'pipe', 'inherit'] });
}

const KEPT_PWD = 'CLAUDEWATCH_KEPT_PWD';
