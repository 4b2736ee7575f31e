// Bundles, after tsc has type-checked and emitted the rest, what must load as few files as
// possible: each file Node's module loader opens costs a read and a resolution, and these run
// before Claude starts or while Claude waits.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const binDir = join(root, 'dist', 'bin');

// Chunks are named by their content: those of an earlier build would pile up.
for (const name of existsSync(binDir) ? readdirSync(binDir) : []) if (/^(?:run-session|statusline)-[A-Z2-7]{8}\.js$/.test(name)) rmSync(join(binDir, name));

/**
 * Every bundle lands two levels below the package root (dist/bin, dist/history) like the files
 * tsc emits, so paths taken from import.meta.url (the package root, the hook script, cw.js) hold.
 */
const forNode = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Packages load from node_modules as they are: native addons, and only when used.
  packages: 'external',
  outdir: 'dist/bin',
  allowOverwrite: true,
  charset: 'utf8',
  logLevel: 'warning',
};

/** The launcher's one dynamic import of the session: left to load the session bundle at run time. */
const sessionApart = {
  name: 'session-apart',
  setup(plugin) {
    plugin.onResolve({ filter: /^\.\/run-session\.js$/ }, (args) => (args.importer.endsWith('launch.ts') ? { path: './run-session.js', external: true } : undefined));
  },
};

await Promise.all([
  // The shim and cw-run: one file each that reads the arguments, finds the real claude and spawns it.
  build({ ...forNode, entryPoints: ['src/bin/claude-shim.ts', 'src/bin/cw-run.ts'], plugins: [sessionApart] }),
  // The statusline, which Claude runs on every refresh, as cw-statusline and as `cw statusline`:
  // one file; what only some refreshes need (another statusline command, a limit to pass on)
  // stays in chunks of its own.
  build({ ...forNode, entryPoints: ['src/bin/statusline-entry.ts'], splitting: true, chunkNames: 'statusline-[hash]' }),
  // The rest of a session, loaded while Claude starts; the screen emulator stays a chunk of its
  // own that only interactive sessions load.
  build({ ...forNode, entryPoints: { 'run-session': 'src/runner/run-session.ts' }, splitting: true, chunkNames: 'run-session-[hash]' }),
  // A thread of the history import's reading pool: it starts as one file, not a tree of modules.
  build({ ...forNode, entryPoints: ['src/history/reading-worker.ts'], outdir: 'dist/history' }),
  // The dashboard page loads one classic script; its policy allows nothing inline and nothing from elsewhere.
  build({
    absWorkingDir: root,
    entryPoints: ['src/ui/dashboard/browser/app.ts'],
    outfile: 'dist/ui/dashboard/app.js',
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2017',
    charset: 'utf8',
    logLevel: 'warning',
  }),
]);
