import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { configuredTokensPerBlock } from '../core/config-schema.js';
import { renderPrometheus } from '../core/metrics.js';
import { loadConfig } from '../shared/config.js';
import { UserError } from '../shared/errors.js';
import { createFileLogger } from '../shared/log.js';
import { resolvePaths } from '../shared/paths.js';
import { refreshHistory } from '../history/refresh.js';
import { collectMetricSamples } from '../store/metrics-snapshot.js';
import { isAllowedHost, localHostHeaders } from '../ui/dashboard/auth.js';
import { openForReading } from '../store/reader.js';
import { type CommandOptions, parseCommandArgs } from './options/parse.js';

const USAGE = `Usage: cw serve --metrics [--port N] [--host ADDR --allow-remote]

Serves /metrics in the Prometheus text format on 127.0.0.1 (default port 9464): sessions by
status, live sessions, cost and tokens by model and kind, turns, rate-limit events, seconds until
a limit resets, and the open 5-hour block's use. Labels: host, user, project (the 20 costliest,
others "other"), model, session kind; never a session id. New transcript lines are imported at
most every 30 seconds. Point a Prometheus scrape job at it (examples/team/prometheus.yml).
`;

const DEFAULT_PORT = 9464;
/** Importing transcripts costs 50–150 ms; scrapes come every 15 s or so. */
const IMPORT_EVERY_MS = 30_000;

/** The options `cw serve` takes, for its parser and for shell completion. */
export const OPTIONS = {
    metrics: { type: 'boolean' },
    port: { type: 'string' },
    host: { type: 'string' },
    'allow-remote': { type: 'boolean' },
  } as const satisfies CommandOptions;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('serve', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!values.metrics) throw new UserError('cw serve: say what to serve: --metrics (the web dashboard is cw dashboard).', 2);
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UserError(`cw serve: --port must be 0 to 65535, got "${values.port}".`, 2);
  const host = values.host ?? '127.0.0.1';
  if (!isLoopback(host) && !values['allow-remote']) {
    throw new UserError(`cw serve: ${host} is reachable from other machines; metrics name your projects. Add --allow-remote if you mean it.`, 2);
  }
  if (!isLoopback(host)) process.stderr.write(`cw serve: warning: serving on ${host}: anyone who can reach it can read these metrics.\n`);
  return serveMetrics(host, port);
}

async function serveMetrics(host: string, port: number): Promise<number> {
  const env = process.env;
  const paths = resolvePaths(env);
  const logger = createFileLogger(paths.logFile, { env });
  const { db } = openForReading(env);
  let importedAt = 0;
  const scrape = (): string => {
    const now = Date.now();
    const config = loadConfig(paths.configFile).config;
    if (now - importedAt >= IMPORT_EVERY_MS) {
      importedAt = now;
      try {
        refreshHistory(db, config, env);
      } catch (error) {
        logger.warn('metrics: transcripts not imported for this scrape', error);
      }
    }
    const tokensPerBlock = configuredTokensPerBlock(config);
    return renderPrometheus(collectMetricSamples(db, { now, ...(tokensPerBlock === undefined ? {} : { tokensPerBlock }) }));
  };
  // Served on loopback, only our own names answer (as the dashboard): a page that rebinds its name to 127.0.0.1 would read project names.
  const guard = { allowedHosts: null as string[] | null };
  const server = createServer((request, response) => handle(request, response, scrape, logger, guard.allowedHosts));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new UserError(`cw serve: port ${port} on ${host} is taken; choose another with --port.`, 1) : error),
    );
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  if (isLoopback(host)) guard.allowedHosts = localHostHeaders(address.address, address.port);
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  process.stdout.write(`Serving metrics on http://${shown}:${address.port}/metrics\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      server.close(() => resolve());
      server.closeAllConnections();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  db.close();
  return 0;
}

function handle(request: IncomingMessage, response: ServerResponse, scrape: () => string, logger: ReturnType<typeof createFileLogger>, allowedHosts: string[] | null): void {
  const path = (request.url ?? '/').split('?')[0];
  if (allowedHosts !== null && !isAllowedHost(request.headers.host, allowedHosts)) {
    response.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' }).end(`These metrics answer only as ${allowedHosts.join(' or ')}.\n`);
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  if (path === '/') {
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('ClaudeWatch metrics: /metrics\n');
    return;
  }
  if (path !== '/metrics') {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    return;
  }
  try {
    const body = scrape();
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(request.method === 'HEAD' ? undefined : body);
  } catch (error) {
    logger.error('metrics scrape failed', error);
    response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics unavailable; see the log\n');
  }
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost';
}
