// The tests' mock Anthropic API and Claude home, bundled from test/support so the benchmark runs
// the real Claude Code CLI offline exactly as the end-to-end tests do.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

async function bundle(root, name, contents) {
  const { build } = await import('esbuild');
  // Inside the repository, so the bundle finds the packages it leaves out (node-pty, the CLI).
  const outfile = join(root, 'bench', '.cache', name);
  await build({ stdin: { contents, resolveDir: root, loader: 'ts' }, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile, logLevel: 'warning' });
  return outfile;
}

export async function loadTestSupport(root) {
  const file = await bundle(root, 'test-support.mjs', "export { makeClaudeHome, realClaudeBinaries } from './test/support/claude-env.ts';");
  return import(pathToFileURL(file).href);
}

/**
 * The mock API in a process of its own: the benchmark times commands synchronously, and a server
 * in its own event loop would not answer meanwhile.
 */
export async function startMockProcess(root) {
  const file = await bundle(
    root,
    'mock-server.mjs',
    [
      "import { startMockAnthropic } from './test/support/mock-anthropic.ts';",
      'const mock = await startMockAnthropic();',
      "process.stdout.write(mock.url + '\\n');",
      "process.stdin.on('end', () => mock.close().then(() => process.exit(0)));",
      'process.stdin.resume();',
    ].join('\n'),
  );
  const child = spawn(process.execPath, [file], { stdio: ['pipe', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (data) => {
      text += data;
      if (text.includes('\n')) resolve(text.trim());
    });
    child.once('exit', (code) => reject(new Error(`the mock API exited (${code})`)));
  });
  return {
    url,
    close: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.stdin.end();
      }),
  };
}
