/**
 * Tools the end-to-end tests drive for real: tmux (terminal screens), Debian's Chromium (the web
 * dashboard), Prometheus (scraping our metrics), and bash (with bash-completion) and fish running
 * the scripts of `cw completion`. Missing ones are installed from Debian's
 * repositories when the tests run as root with apt-get, as on a fresh CI machine; otherwise the
 * run stops at once with the command to install them, rather than failing test by test.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const TOOLS: Array<{ binary: string; aptPackage: string }> = [
  { binary: '/usr/bin/tmux', aptPackage: 'tmux' },
  { binary: '/usr/bin/chromium', aptPackage: 'chromium' },
  { binary: '/usr/bin/prometheus', aptPackage: 'prometheus' },
  { binary: '/usr/share/bash-completion/bash_completion', aptPackage: 'bash-completion' },
  { binary: '/usr/bin/fish', aptPackage: 'fish' },
];

export default function ensureTools(): void {
  const missing = TOOLS.filter((tool) => !existsSync(tool.binary)).map((tool) => tool.aptPackage);
  if (missing.length === 0) return;
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canInstall) throw new Error(`The tests need ${missing.join(', ')}: sudo apt-get install ${missing.join(' ')}`);
  const apt = (args: string[]): void => {
    execFileSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  };
  process.stderr.write(`test set-up: installing ${missing.join(', ')} from Debian\n`);
  try {
    apt(['install', '-y', '--no-install-recommends', ...missing]);
  } catch {
    // A fresh machine may not have the package lists yet.
    apt(['update']);
    apt(['install', '-y', '--no-install-recommends', ...missing]);
  }
}
