#!/usr/bin/env node
// Claude runs this on every statusline refresh: it loads only the statusline command, not `cw`'s table.
import { run } from '../commands/statusline.js';

run(process.argv.slice(2)).then(
  () => {},
  () => {
    // Never an error in Claude's prompt area.
    process.stdout.write('claude\n');
  },
);
