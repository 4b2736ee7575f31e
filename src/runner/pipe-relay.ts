import { spawn } from 'node:child_process';
import { forwardStream } from './output-writer.js';
import type { ChildExit } from './exit-code.js';
import type { OutputObserver, Relay, RelayRequest } from './relay.js';

/**
 * Print mode: stdin is handed to Claude as it is; stdout and stderr go through pipes so we can
 * read a copy while every byte is passed on unchanged. node:child_process rather than execa on
 * this path: importing execa alone added about 90 ms to every recorded `claude -p` (bench/).
 */
export function startPipeRelay(request: RelayRequest & { observe: OutputObserver }): Relay {
  const child = spawn(request.file, [...request.args], {
    cwd: request.cwd,
    env: request.env,
    stdio: ['inherit', 'pipe', 'pipe'],
  });
  forwardStream(child.stdout, process.stdout, (chunk) => request.observe(chunk, 'stdout'));
  forwardStream(child.stderr, process.stderr, (chunk) => request.observe(chunk, 'stderr'));

  // 'close' waits for both pipes to end, so every byte has been forwarded when it fires.
  const exited = new Promise<ChildExit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ exitCode: code ?? 1, signal }));
  });

  return {
    pid: child.pid ?? -1,
    exited,
    forwardSignal(signal) {
      try {
        child.kill(signal);
      } catch {
        // Already gone.
      }
    },
  };
}
