#!/usr/bin/env node
const [command, ...rest] = process.argv.slice(2);
// Claude runs the statusline on every refresh and waits for it: it goes straight to its one
// bundled file, before the command table or anything else loads.
if (command === 'statusline') {
  const { runStatuslineEntry } = await import('./statusline-entry.js');
  await runStatuslineEntry(rest);
} else {
  const { runCw } = await import('./cw-main.js');
  runCw(process.argv.slice(2));
}
