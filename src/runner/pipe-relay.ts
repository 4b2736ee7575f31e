import { spawn } from 'node:child_process';
import { forwardStream } from './output-writer.js';
import { relayOfChild, type OutputObserver, type Relay, type RelayRequest } from './relay.js';

/**
 * Print mode: stdin is handed to Claude as it is; stdout and stderr go through pipes so we can
 * read a copy while every byte is passed on unchanged. node:child_process rather than execa on
 * this path: importing execa alone added about 90 ms to every recorded `claude -p` (bench/).
 */
export function startPipeRelay(request: RelayRequest & { observe: OutputObserver }): Relay {
  const child = spawn(request.file, [...request.args], { cwd: request.cwd, env: request.env, stdio: ['inherit', 'pipe', 'pipe'] });
  forwardStream(child.stdout, process.stdout, (chunk) => request.observe(chunk, 'stdout'));
  forwardStream(child.stderr, process.stderr, (chunk) => request.observe(chunk, 'stderr'));
  return relayOfChild(child);
}
