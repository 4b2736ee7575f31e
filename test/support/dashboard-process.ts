import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { CW, type Sandbox } from './sandbox.js';

/** A running `cw dashboard --port 0`, known by the URL it printed first. */
export interface DashboardProcess {
  url: string;
  /** `http://127.0.0.1:PORT`, without the token. */
  base: string;
  token: string;
  port: number;
  stderr(): string;
  stop(): Promise<number | null>;
}

export async function startDashboard(sandbox: Sandbox, args: string[] = [], env: Record<string, string> = {}): Promise<DashboardProcess> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [CW, 'dashboard', '--port', '0', ...args], {
    env: { ...sandbox.env, ...env },
    cwd: sandbox.home,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cw dashboard printed no URL in 15 s; stderr: ${stderr}`)), 15_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line !== undefined) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`cw dashboard exited ${code} before printing its URL; stderr: ${stderr}`));
    });
  });
  const parsed = new URL(url);
  return {
    url,
    base: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    port: Number(parsed.port),
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
