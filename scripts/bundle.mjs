// Bundles what runs outside Node's module loader into single files under dist/, after tsc has
// type-checked and emitted the rest.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

await build({
  absWorkingDir: root,
  // The dashboard page loads one classic script; its policy allows nothing inline and nothing from elsewhere.
  entryPoints: ['src/ui/dashboard/browser/app.ts'],
  outfile: 'dist/ui/dashboard/app.js',
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2017',
  charset: 'utf8',
  logLevel: 'warning',
});
