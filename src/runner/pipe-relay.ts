import { execa } from 'execa';
import { forwardStream } from './output-writer.js';
import type { ChildExit } from './exit-code.js';
import type { OutputObserver, Relay, RelayRequest } from './relay.js';

/**
 * Print mode: stdin is handed to Claude as it is; stdout and stderr go through pipes so we can
 * read a copy while every byte is passed on unchanged.
 */
export function startPipeRelay(request: RelayRequest & { observe: OutputObserver }): Relay {
  const child = execa(request.file, [...request.args], {
    cwd: request.cwd,
    env: request.env,
    extendEnv: false,
    stdin: 'inherit',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    reject: false,
    stripFinalNewline: false,
    encoding: 'buffer',
    windowsHide: true,
  });
  forwardStream(child.stdout!, process.stdout, (chunk) => request.observe(chunk, 'stdout'));
  forwardStream(child.stderr!, process.stderr, (chunk) => request.observe(chunk, 'stderr'));

  const exited: Promise<ChildExit> = child.then((result) => {
    if (result.signal) return { exitCode: result.exitCode ?? 1, signal: result.signal };
    if (result.exitCode === undefined) throw result.cause ?? new Error(result.message);
    return { exitCode: result.exitCode, signal: null };
  });

  return {
    pid: child.pid ?? -1,
    exited,
    forwardSignal(signal) {
      child.kill(signal);
    },
  };
}
