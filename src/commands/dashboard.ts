import { renderPrometheus } from '../core/metrics.js';
import { collectMetricSamples } from '../store/metrics-snapshot.js';
import { openForReading } from '../store/reader.js';
import { Calendar } from '../core/calendar.js';
import { configuredTokensPerBlock } from '../core/config-schema.js';
import { loadConfig } from '../shared/config.js';
import { UserError } from '../shared/errors.js';
import { resolvePaths } from '../shared/paths.js';
import { createDashboardStore } from '../history/dashboard-data.js';
import { watchStateFiles } from '../store/state-watcher.js';
import { createToken } from '../ui/dashboard/auth.js';
import { createLiveEvents } from '../ui/dashboard/live-events.js';
import { readPageScript } from '../ui/dashboard/page-script.js';
import { dashboardRoutes } from '../ui/dashboard/routes.js';
import { startDashboardServer, type DashboardServer } from '../ui/dashboard/server.js';
import { resolveTimeZone } from './options/history-options.js';
import { type CommandOptions, parseCommandArgs } from './options/parse.js';

const DEFAULT_PORT = 7879;

const USAGE = `Usage: cw dashboard [--port N] [--host ADDR --allow-remote] [--skip-import] [--metrics]

A local web dashboard: the live picture of cw watch (live sessions, limits with countdowns, the
open 5-hour block), the last 30 days by model, the last week's blocks, and every session with its
events. It prints its URL, which carries a random token; without the token every request gets 401.

Options:
  --port N          port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 for any free port)
  --host ADDR       another address to serve on; needs --allow-remote
  --allow-remote    serve on an address other machines may reach (no TLS: the token travels in clear)
  --timezone ZONE   days in this zone (default: config "timezone", else TZ, else the system's)
  --skip-import     do not read new transcript lines into the history
  --metrics         also serve /metrics for Prometheus (the format of cw serve --metrics), without the token
`;

/** The state files' watcher catches every write; this catches what it cannot (a runner that died silently). */
const FALLBACK_REFRESH_MS = 10_000;

export interface DashboardOptions {
  host: string;
  port: number;
  allowRemote: boolean;
  timeZone: string;
  importTranscripts: boolean;
  tokensPerBlock?: number;
  /** Also serve /metrics for Prometheus, without the token, as `cw serve --metrics` does. */
  metrics: boolean;
}

/** The options `cw dashboard` takes, for its parser and for shell completion. */
export const OPTIONS = {
    port: { type: 'string', short: 'p' },
    host: { type: 'string' },
    'allow-remote': { type: 'boolean' },
    timezone: { type: 'string' },
    'skip-import': { type: 'boolean' },
    metrics: { type: 'boolean' },
  } as const satisfies CommandOptions;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('dashboard', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const env = process.env;
  const config = loadConfig(resolvePaths(env).configFile).config;
  const tokensPerBlock = configuredTokensPerBlock(config);
  const options: DashboardOptions = {
    host: checkHost(values.host, values['allow-remote'] === true),
    port: parsePort(values.port),
    allowRemote: values['allow-remote'] === true,
    timeZone: resolveTimeZone('dashboard', values.timezone, config.timezone, env),
    importTranscripts: values['skip-import'] !== true,
    metrics: values.metrics === true,
    ...(tokensPerBlock === undefined ? {} : { tokensPerBlock }),
  };
  return serveDashboard(options, env);
}

/** Serves until SIGINT or SIGTERM; the URL is the first line on stdout, for people and scripts. */
async function serveDashboard(options: DashboardOptions, env: NodeJS.ProcessEnv): Promise<number> {
  const script = readPageScript();
  const token = createToken();
  const store = createDashboardStore(env, {
    calendar: new Calendar(options.timeZone),
    importTranscripts: options.importTranscripts,
    ...(options.tokensPerBlock === undefined ? {} : { tokensPerBlock: options.tokensPerBlock }),
  });
  const events = createLiveEvents({ load: () => store.live(Date.now()) });
  let dashboard: DashboardServer;
  try {
    const metrics = options.metrics ? () => prometheusText(env, options.tokensPerBlock) : undefined;
    dashboard = await startDashboardServer({
      host: options.host,
      port: options.port,
      token,
      routes: dashboardRoutes(store, events, { script, ...(metrics ? { metrics } : {}) }),
      checkHost: !options.allowRemote,
      ...(metrics ? { openPaths: new Set(['/metrics']) } : {}),
    });
  } catch (error) {
    throw listenError(error, options);
  }
  const watcher = watchStateFiles(resolvePaths(env), () => events.notify());
  const fallback = setInterval(() => {
    watcher.rearm();
    events.notify();
  }, FALLBACK_REFRESH_MS);

  process.stdout.write(`${dashboard.url}\n`);
  if (!isLoopback(options.host)) {
    process.stderr.write(
      `warning: serving on ${options.host}, which other machines may reach. Anyone with the URL sees your Claude history, and plain HTTP carries the token in clear.\n`,
    );
  }
  process.stderr.write('ClaudeWatch dashboard: open the URL above; Ctrl+C stops it.\n');

  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  clearInterval(fallback);
  watcher.close();
  events.close();
  await dashboard.close();
  return 0;
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PORT;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UserError(`cw dashboard: --port takes a port from 0 to 65535 (0: any free port), got "${text}".`, 2);
  return port;
}

function checkHost(host: string | undefined, allowRemote: boolean): string {
  if (host === undefined || host === '127.0.0.1') return '127.0.0.1';
  if (!allowRemote) {
    throw new UserError(`cw dashboard: it serves on 127.0.0.1 only; to serve on ${host} as well, add --allow-remote (anyone who can reach it and has the URL sees your history).`, 2);
  }
  return host;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The metrics of `cw serve --metrics`; the dashboard's own reads keep the history imported. */
function prometheusText(env: NodeJS.ProcessEnv, tokensPerBlock: number | undefined): string {
  const { db } = openForReading(env);
  try {
    return renderPrometheus(collectMetricSamples(db, { now: Date.now(), ...(tokensPerBlock === undefined ? {} : { tokensPerBlock }) }));
  } finally {
    db.close();
  }
}

function listenError(error: unknown, options: DashboardOptions): Error {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE') return new UserError(`cw dashboard: port ${options.port} is in use. Pass --port 0 for any free port, or another port.`, 1);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return new UserError(`cw dashboard: cannot serve on ${options.host}: no such address on this machine.`, 2);
  if (code === 'EACCES') return new UserError(`cw dashboard: not allowed to use port ${options.port}; choose one above 1023.`, 2);
  return error instanceof Error ? error : new Error(String(error));
}
