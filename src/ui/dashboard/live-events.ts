import { toJson } from '../../core/json-output.js';
import type { ServerResponse } from 'node:http';

export interface LiveEvents {
  /** Takes over a response as a Server-Sent Events stream, starting with the picture as it is now. */
  open(response: ServerResponse): void;
  /** Reads the picture once and sends it to every open stream. */
  notify(): void;
  clientCount(): number;
  close(): void;
}

export interface LiveEventsOptions {
  /** What every `live` event carries; read only when someone listens. */
  load: () => unknown;
  /** Proxies and browsers drop a stream that is silent for long; a comment keeps it open. */
  heartbeatMs?: number;
  /** How long a browser waits before it reconnects a dropped stream. */
  retryMs?: number;
}

export function createLiveEvents({ load, heartbeatMs = 15_000, retryMs = 2000 }: LiveEventsOptions): LiveEvents {
  const clients = new Set<ServerResponse>();
  let heartbeat: NodeJS.Timeout | null = null;

  const event = (): string => `event: live\ndata: ${toJson(load())}\n\n`;
  const stopHeartbeatIfIdle = (): void => {
    if (clients.size === 0 && heartbeat) {
      clearInterval(heartbeat);
      heartbeat = null;
    }
  };

  return {
    open(response) {
      response.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        'X-Content-Type-Options': 'nosniff',
      });
      response.write(`retry: ${retryMs}\n\n${event()}`);
      clients.add(response);
      response.on('close', () => {
        clients.delete(response);
        stopHeartbeatIfIdle();
      });
      heartbeat ??= setInterval(() => {
        for (const client of clients) client.write(': heartbeat\n\n');
      }, heartbeatMs);
    },
    notify() {
      if (clients.size === 0) return;
      const data = event();
      for (const client of clients) client.write(data);
    },
    clientCount: () => clients.size,
    close() {
      for (const client of clients) client.end();
      clients.clear();
      stopHeartbeatIfIdle();
    },
  };
}
