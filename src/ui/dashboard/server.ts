import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cookieNameFor, isAllowedHost, localHostHeaders, requestToken, tokenCookie, tokensMatch } from './auth.js';
import { json, type Handler, type Reply } from './routes.js';
import type { Router } from './router.js';

export interface DashboardServerOptions {
  host: string;
  port: number;
  token: string;
  routes: Router<Handler>;
  /** Check the Host header against the address served (refuses DNS-rebinding pages); off when serving other interfaces. */
  checkHost: boolean;
  /** Paths served without the token: /metrics when asked for, so Prometheus can scrape it as it does `cw serve --metrics`. */
  openPaths?: ReadonlySet<string>;
  now?: () => number;
}

export interface DashboardServer {
  server: Server;
  port: number;
  /** With the token: what the user opens. */
  url: string;
  close(): Promise<void>;
}

/** Only our own files and our own origin: the page works with no network and runs nothing injected. */
const PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export async function startDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const context: RequestContext = { port: options.port, cookieName: cookieNameFor(options.port), allowedHosts: [] };
  const server = createServer((request, response) => handleRequest(request, response, options, context));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  context.port = (server.address() as AddressInfo).port;
  context.cookieName = cookieNameFor(context.port);
  context.allowedHosts = localHostHeaders(options.host, context.port);
  return {
    server,
    port: context.port,
    url: `http://${host}:${context.port}/?token=${options.token}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Event streams never end by themselves.
        server.closeAllConnections();
      }),
  };
}

interface RequestContext {
  port: number;
  cookieName: string;
  /** Host headers a page of ours sends: the address served and localhost, with the port. */
  allowedHosts: string[];
}

export function handleRequest(request: IncomingMessage, response: ServerResponse, options: DashboardServerOptions, context: RequestContext): void {
  const url = new URL(request.url ?? '/', 'http://dashboard.invalid');
  const isApi = url.pathname.startsWith('/api/');
  try {
    if (options.checkHost && !isAllowedHost(request.headers.host, context.allowedHosts)) {
      send(response, request, { status: 421, contentType: 'text/plain; charset=utf-8', body: `This dashboard answers only as ${context.allowedHosts.join(' or ')}.\n` });
      return;
    }
    const { token, via } = requestToken(url.searchParams, request.headers, context.cookieName);
    if (!options.openPaths?.has(url.pathname) && !tokensMatch(options.token, token)) {
      response.setHeader('WWW-Authenticate', 'Bearer realm="claudewatch"');
      const message = 'this dashboard needs its token: open the URL `cw dashboard` printed';
      send(response, request, isApi ? json(401, { error: message }) : { status: 401, contentType: 'text/plain; charset=utf-8', body: `401 Unauthorized: ${message}.\n` });
      return;
    }
    const match = options.routes.match(request.method ?? 'GET', url.pathname);
    if (match.kind === 'not-found') {
      send(response, request, json(404, { error: `nothing at ${url.pathname}` }));
      return;
    }
    if (match.kind === 'method-not-allowed') {
      response.setHeader('Allow', [...match.allow, 'HEAD'].join(', '));
      send(response, request, json(405, { error: `${request.method} is not allowed here` }));
      return;
    }
    // A page opened with ?token= keeps it, so the page's own requests need not carry it.
    if (via === 'query' && url.pathname === '/') response.setHeader('Set-Cookie', tokenCookie(context.cookieName, options.token));
    const reply = match.handler({ params: match.params, query: url.searchParams, now: (options.now ?? Date.now)() }, response);
    if (reply !== 'streaming') send(response, request, reply);
  } catch (error) {
    if (response.headersSent) {
      response.destroy();
      return;
    }
    send(response, request, json(500, { error: error instanceof Error ? error.message : String(error) }));
  }
}

function send(response: ServerResponse, request: IncomingMessage, reply: Reply): void {
  response.statusCode = reply.status;
  response.setHeader('Content-Type', reply.contentType);
  response.setHeader('Content-Length', Buffer.byteLength(reply.body));
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('X-Content-Type-Options', 'nosniff');
  // The first URL holds the token: never send it on as a referrer.
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('X-Frame-Options', 'DENY');
  if (reply.contentType.startsWith('text/html')) response.setHeader('Content-Security-Policy', PAGE_POLICY);
  response.end(request.method === 'HEAD' ? undefined : reply.body);
}
