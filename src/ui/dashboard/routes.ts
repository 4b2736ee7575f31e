import { toJson } from '../../core/json-output.js';
import type { ServerResponse } from 'node:http';
import { blocksChart, dailyCostChart, dailyTokensChart } from './charts.js';
import type { DashboardData } from './data-source.js';
import type { LiveEvents } from './live-events.js';
import { PAGE_HTML } from './page-html.js';
import { PAGE_STYLE } from './page-style.js';
import { createRouter, type Router } from './router.js';

export interface RouteRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  now: number;
}

export interface Reply {
  status: number;
  contentType: string;
  body: string;
}

/** A reply to send, or 'streaming' when the handler took the response over (Server-Sent Events). */
export type Handler = (request: RouteRequest, response: ServerResponse) => Reply | 'streaming';

const STATS_DAYS = 30;
const BLOCK_DAYS = 7;

/** `script` is the page's script as the build bundled it (readPageScript). */
export function dashboardRoutes(data: DashboardData, events: LiveEvents, options: { script: string; metrics?: () => string }): Router<Handler> {
  const router = createRouter<Handler>();
  const metrics = options.metrics;
  if (metrics) router.add('GET', '/metrics', () => text(200, 'text/plain; version=0.0.4', metrics()));
  return router
    .add('GET', '/', () => text(200, 'text/html', PAGE_HTML))
    .add('GET', '/app.css', () => text(200, 'text/css', PAGE_STYLE))
    .add('GET', '/app.js', () => text(200, 'text/javascript', options.script))
    .add('GET', '/api/health', ({ now }) => json(200, data.health(now)))
    .add('GET', '/api/live', ({ now }) => json(200, data.live(now)))
    .add('GET', '/api/current-session', () => json(200, data.currentSession()))
    .add('GET', '/api/sessions', ({ query, now }) => {
      const limit = intParam(query, 'limit', 50, 1, 1000);
      return typeof limit === 'string' ? json(400, { error: limit }) : json(200, data.sessions(limit, now));
    })
    .add('GET', '/api/sessions/:id', ({ params, now }) => {
      const detail = data.session(params.id!, now);
      return detail === null ? json(404, { error: `no session matches "${params.id}"` }) : json(200, detail);
    })
    .add('GET', '/api/stats', ({ query, now }) => {
      const days = intParam(query, 'days', STATS_DAYS, 1, 366);
      return typeof days === 'string' ? json(400, { error: days }) : json(200, data.stats(days, now));
    })
    .add('GET', '/api/blocks', ({ query, now }) => {
      const days = intParam(query, 'days', BLOCK_DAYS, 1, 90);
      return typeof days === 'string' ? json(400, { error: days }) : json(200, data.blocks(days, now));
    })
    .add('GET', '/api/events', (_request, response) => {
      events.open(response);
      return 'streaming';
    })
    .add('GET', '/charts/daily-cost.svg', ({ now }) => text(200, 'image/svg+xml', dailyCostChart(data.stats(STATS_DAYS, now))))
    .add('GET', '/charts/daily-tokens.svg', ({ now }) => text(200, 'image/svg+xml', dailyTokensChart(data.stats(STATS_DAYS, now))))
    .add('GET', '/charts/blocks.svg', ({ now }) => text(200, 'image/svg+xml', blocksChart(data.blocks(BLOCK_DAYS, now), data.timeZone)));
}

export function json(status: number, value: unknown): Reply {
  return { status, contentType: 'application/json', body: `${toJson(value)}\n` };
}

function text(status: number, contentType: string, body: string): Reply {
  return { status, contentType: `${contentType}; charset=utf-8`, body };
}

/** A whole number in range, the fallback when absent, or the error to answer with. */
function intParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number | string {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  return Number.isInteger(value) && value >= min && value <= max ? value : `${name} takes a whole number from ${min} to ${max}, got "${raw}"`;
}
