#!/usr/bin/env node
import { run } from '../commands/cw-run.js';
import { UserError } from '../shared/errors.js';
import { exitWhenFlushed } from './exit.js';

run(process.argv.slice(2)).then(exitWhenFlushed, (error: unknown) => {
  if (error instanceof UserError) {
    process.stderr.write(`${error.message}\n`);
    exitWhenFlushed(error.exitCode);
    return;
  }
  process.stderr.write(`cw-run: ${error instanceof Error ? error.message : String(error)}\n`);
  exitWhenFlushed(1);
});
