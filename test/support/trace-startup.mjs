// Preloaded with NODE_OPTIONS="--import <this file>" to see, inside one of our processes, in what
// order it loads its modules and starts processes and threads. Each line of CW_TRACE_FILE is
// "module <url>" for a module resolved through the ES module loader, "spawn <file>" for a process
// started, or "thread <file>" for a worker thread started. It acts only in the process whose entry file is CW_TRACE_ENTRY (by default the
// shim's, claude-shim.js); others (the fake claude is Node too) load it and are left alone.
import { appendFileSync } from 'node:fs';
import childProcess from 'node:child_process';
import { register, syncBuiltinESMExports } from 'node:module';
import workerThreads from 'node:worker_threads';

const trace = process.env.CW_TRACE_FILE;
const traced = (process.argv[1] ?? '').endsWith(`/${process.env.CW_TRACE_ENTRY ?? 'claude-shim.js'}`);

if (traced && trace && workerThreads.isMainThread) {
  // The loader runs these hooks on a thread of its own, which blocks the main thread's import until
  // it answers: a module's line is written before the code that asked for it goes on.
  const hooks = `import { appendFileSync } from 'node:fs';
    export async function resolve(specifier, context, next) {
      const resolved = await next(specifier, context);
      if (!resolved.url.startsWith('node:')) appendFileSync(${JSON.stringify(trace)}, 'module ' + resolved.url + '\\n');
      return resolved;
    }`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
  const spawn = childProcess.spawn;
  childProcess.spawn = function tracedSpawn(file, ...rest) {
    appendFileSync(trace, `spawn ${file}\n`);
    return spawn.call(this, file, ...rest);
  };
  const Worker = workerThreads.Worker;
  workerThreads.Worker = class TracedWorker extends Worker {
    constructor(file, options) {
      appendFileSync(trace, `thread ${file instanceof URL ? file.href : file}\n`);
      super(file, options);
    }
  };
  // Our code imports these by name: its bindings follow the patched exports.
  syncBuiltinESMExports();
}
