import { run } from '../commands/claude-shim.js';
import { exitWhenFlushed } from './exit.js';

// The command answers every failure with an exit code: Claude's, or 127 when no claude is found.
void run(process.argv.slice(2)).then(exitWhenFlushed);
