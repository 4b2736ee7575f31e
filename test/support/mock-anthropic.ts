/**
 * A scripted stand-in for the Anthropic Messages API on 127.0.0.1, for running the real
 * `claude` CLI offline. Tests queue "turns"; each conversation request takes the next one.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  addUsage,
  errorBody,
  formatSse,
  jsonMessage,
  sseEvents,
  unifiedRateLimitHeaders,
  zeroUsage,
  type ContentBlock,
  type LimitClaim,
  type MessageShape,
  type MockUsage,
  type UnifiedLimitState,
  type UsageTotals,
} from './anthropic-wire.js';

export type { LimitClaim, MockUsage, UsageTotals } from './anthropic-wire.js';

interface TurnTiming {
  /** Wait before answering at all (headers included). */
  delayMs?: number;
  /** Wait between SSE events. */
  chunkDelayMs?: number;
  /** How many conversation requests this turn answers before the next one; default 1. */
  repeat?: number;
}

export interface TextTurn extends TurnTiming {
  type: 'text';
  text: string;
  usage: MockUsage;
  model?: string;
}

export interface ToolUseTurn extends TurnTiming {
  type: 'tool_use';
  name: string;
  input: Record<string, unknown>;
  usage: MockUsage;
  /** Optional text block before the tool call. */
  text?: string;
  model?: string;
}

export interface RateLimitTurn extends TurnTiming {
  type: 'rate_limit';
  claim: LimitClaim;
  /** Epoch seconds. */
  resetAt: number;
  /** Send the unified subscriber headers (default true); false gives a bare API-key style 429. */
  subscriber?: boolean;
  /** The subscriber's extra usage; "rejected" (none left) makes 2.0.0 say "Spending cap reached". */
  overageStatus?: 'allowed' | 'rejected';
  message?: string;
}

export interface WarningTurn extends TurnTiming {
  type: 'warning';
  claim: LimitClaim;
  /** 0..1, e.g. 0.93. */
  utilization: number;
  /** Epoch seconds. */
  resetAt: number;
  surpassedThreshold?: number;
  text?: string;
  usage?: MockUsage;
  model?: string;
}

export interface OverloadedTurn extends TurnTiming {
  type: 'overloaded';
}

export type MockTurn = TextTurn | ToolUseTurn | RateLimitTurn | WarningTurn | OverloadedTurn;

/**
 * conversation: a model turn of the session (carries `tools`); it consumes queued turns.
 * quota-probe: `max_tokens: 1`, content "quota"; answered from the head of the queue, which
 * it does not consume. auxiliary: other model calls (titles, summaries); answered with the
 * auxiliary turn.
 */
export type RequestKind = 'conversation' | 'quota-probe' | 'auxiliary' | 'count-tokens' | 'other';

export interface RecordedResponse {
  status: number;
  /** Which script entry answered: a turn type, or how a non-turn request was answered. */
  answeredWith: MockTurn['type'] | 'default' | 'auxiliary' | 'probe' | 'count-tokens' | 'not-found' | 'ok';
  streamed: boolean;
  requestId: string;
  messageId?: string;
  model?: string;
  /** Final usage the mock returned (message_start input + message_delta output). */
  usage?: MockUsage;
  headers: Record<string, string>;
  /** False until the whole answer was written; stays false if the client hung up early. */
  completed: boolean;
  /** Set when this request was answered as a repeat of an earlier one (1.0.60 non-streaming fallback). */
  replayOf?: number;
}

export interface RecordedRequest {
  seq: number;
  method: string;
  /** Path without the query string. */
  path: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  time: number;
  kind: RequestKind;
  response: RecordedResponse;
}

export interface MockAnthropicOptions {
  /** Answer to conversation requests when the queue is empty. */
  defaultTurn?: MockTurn;
  /** Answer to auxiliary model calls (titles, summaries). Zero usage unless set. */
  auxiliaryTurn?: TextTurn;
  /** `usage.output_tokens` sent in message_start; default 1 like the real API. */
  startOutputTokens?: number;
  /** Override the request classification. */
  classify?: (request: { method: string; path: string; body: unknown }) => RequestKind;
}

export interface MockAnthropic {
  readonly url: string;
  readonly port: number;
  readonly requests: readonly RecordedRequest[];
  enqueue(...turns: MockTurn[]): void;
  /** Turns still waiting (a repeating turn counts once). */
  pending(): number;
  setDefaultTurn(turn: MockTurn): void;
  /** Sum of the usage the mock returned, over all requests or those `filter` keeps. */
  totals(filter?: (request: RecordedRequest) => boolean): UsageTotals;
  /** Requests of one kind, in arrival order. */
  requestsOf(kind: RequestKind): RecordedRequest[];
  /** Resolves once `count` requests of `kind` have been answered completely. */
  waitForRequests(kind: RequestKind, count: number, timeoutMs: number): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

export const DEFAULT_USAGE: MockUsage = {
  input_tokens: 1000,
  output_tokens: 20,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
};

const DEFAULT_TURN: TextTurn = { type: 'text', text: 'Hello from the mock.', usage: DEFAULT_USAGE };
/** JSON because 1.0.60 parses its per-prompt "new topic?" call; zero usage keeps totals clean. */
const DEFAULT_AUXILIARY: TextTurn = {
  type: 'text',
  text: '{"isNewTopic": false, "title": null}',
  usage: { input_tokens: 0, output_tokens: 0 },
};

function firstUserText(body: Record<string, unknown>): string | undefined {
  const messages = body['messages'];
  if (!Array.isArray(messages) || messages.length === 0) return undefined;
  const content: unknown = (messages[0] as Record<string, unknown>)['content'];
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const first = content[0] as Record<string, unknown> | undefined;
    return typeof first?.['text'] === 'string' ? first['text'] : undefined;
  }
  return undefined;
}

export function classifyRequest(request: { method: string; path: string; body: unknown }): RequestKind {
  if (request.path === '/v1/messages/count_tokens') return 'count-tokens';
  if (request.method !== 'POST' || request.path !== '/v1/messages') return 'other';
  const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;
  if (body['max_tokens'] === 1 && firstUserText(body) === 'quota') return 'quota-probe';
  const tools = body['tools'];
  return Array.isArray(tools) && tools.length > 0 ? 'conversation' : 'auxiliary';
}

const isStreaming = (body: unknown): boolean => (body as Record<string, unknown> | undefined)?.['stream'] === true;
const messagesKey = (body: unknown): string => JSON.stringify((body as Record<string, unknown> | undefined)?.['messages'] ?? null);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function defaultThreshold(utilization: number): number {
  const passed = [0.95, 0.9, 0.75, 0.5, 0.25].find((t) => utilization >= t);
  return passed ?? utilization;
}

async function readBody(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

export async function startMockAnthropic(options: MockAnthropicOptions = {}): Promise<MockAnthropic> {
  const classify = options.classify ?? classifyRequest;
  const startOutputTokens = options.startOutputTokens ?? 1;
  const auxiliaryTurn = options.auxiliaryTurn ?? DEFAULT_AUXILIARY;
  let defaultTurn: MockTurn = options.defaultTurn ?? DEFAULT_TURN;
  const queue: Array<{ turn: MockTurn; left: number }> = [];
  const requests: RecordedRequest[] = [];
  const waiters = new Set<() => void>();
  let messageCounter = 0;
  let toolCounter = 0;
  // Ids unique to this server, as the real API's are: two sessions never share a message key.
  const idTag = randomBytes(4).toString('hex');

  const notify = (): void => waiters.forEach((w) => w());

  let lastConversation: { seq: number; streamed: boolean; messages: string; turn: MockTurn } | undefined;
  /**
   * 1.0.60 answers any streaming error by sending the same request again without streaming.
   * That is one model call, so it gets the same error turn instead of consuming the next one.
   */
  const fallbackReplay = (record: RecordedRequest): { seq: number; turn: MockTurn } | undefined => {
    const last = lastConversation;
    if (!last || !last.streamed || isStreaming(record.body)) return undefined;
    if (last.turn.type !== 'rate_limit' && last.turn.type !== 'overloaded') return undefined;
    return last.messages === messagesKey(record.body) ? { seq: last.seq, turn: last.turn } : undefined;
  };

  const peekTurn = (): MockTurn => queue[0]?.turn ?? defaultTurn;
  const takeTurn = (): { turn: MockTurn; fromQueue: boolean } => {
    const head = queue[0];
    if (!head) return { turn: defaultTurn, fromQueue: false };
    head.left -= 1;
    if (head.left <= 0) queue.shift();
    return { turn: head.turn, fromQueue: true };
  };

  const requestModel = (body: unknown): string => {
    const model = (body as Record<string, unknown> | undefined)?.['model'];
    return typeof model === 'string' ? model : 'claude-mock';
  };

  function limitState(turn: RateLimitTurn | WarningTurn): UnifiedLimitState {
    if (turn.type === 'rate_limit') {
      return { status: 'rejected', claim: turn.claim, resetAt: turn.resetAt, utilization: 1, surpassedThreshold: 1, ...(turn.overageStatus ? { overageStatus: turn.overageStatus } : {}) };
    }
    return {
      status: 'allowed_warning',
      claim: turn.claim,
      resetAt: turn.resetAt,
      utilization: turn.utilization,
      surpassedThreshold: turn.surpassedThreshold ?? defaultThreshold(turn.utilization),
    };
  }

  function send(res: http.ServerResponse, record: RecordedRequest, status: number, headers: Record<string, string>, body: unknown): void {
    const all = { 'content-type': 'application/json', 'request-id': record.response.requestId, ...headers };
    record.response.status = status;
    record.response.headers = all;
    res.writeHead(status, all);
    res.end(JSON.stringify(body));
    record.response.completed = true;
  }

  function messageShape(turn: TextTurn | ToolUseTurn | WarningTurn, body: unknown): MessageShape {
    messageCounter += 1;
    const content: ContentBlock[] = [];
    const text = turn.type === 'warning' ? turn.text ?? DEFAULT_TURN.text : turn.text;
    if (text !== undefined) content.push({ type: 'text', text });
    if (turn.type === 'tool_use') {
      toolCounter += 1;
      content.push({ type: 'tool_use', id: `toolu_mock_${idTag}_${toolCounter}`, name: turn.name, input: turn.input });
    }
    return {
      id: `msg_mock_${idTag}_${messageCounter}`,
      model: turn.model ?? requestModel(body),
      content,
      stopReason: turn.type === 'tool_use' ? 'tool_use' : 'end_turn',
      usage: turn.usage ?? DEFAULT_USAGE,
      startOutputTokens: Math.min(startOutputTokens, (turn.usage ?? DEFAULT_USAGE).output_tokens),
    };
  }

  async function sendMessage(
    res: http.ServerResponse,
    record: RecordedRequest,
    turn: TextTurn | ToolUseTurn | WarningTurn,
    headers: Record<string, string>,
  ): Promise<void> {
    const shape = messageShape(turn, record.body);
    Object.assign(record.response, { messageId: shape.id, model: shape.model, usage: shape.usage });
    if (!isStreaming(record.body)) {
      send(res, record, 200, headers, jsonMessage(shape));
      return;
    }
    record.response.streamed = true;
    const all = {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      'request-id': record.response.requestId,
      ...headers,
    };
    record.response.status = 200;
    record.response.headers = all;
    res.writeHead(200, all);
    for (const ev of sseEvents(shape)) {
      // Not req.destroyed: async-iterating the body already destroyed the request stream.
      if (res.destroyed) return;
      res.write(formatSse(ev));
      if (turn.chunkDelayMs) await sleep(turn.chunkDelayMs);
    }
    res.end();
    record.response.completed = true;
  }

  async function answerTurn(
    res: http.ServerResponse,
    record: RecordedRequest,
    turn: MockTurn,
  ): Promise<void> {
    if (turn.delayMs) await sleep(turn.delayMs);
    if (res.destroyed) return;
    switch (turn.type) {
      case 'text':
      case 'tool_use':
        return sendMessage(res, record, turn, {});
      case 'warning':
        return sendMessage(res, record, turn, unifiedRateLimitHeaders(limitState(turn)));
      case 'rate_limit': {
        const headers: Record<string, string> = { 'x-should-retry': 'false' };
        if (turn.subscriber !== false) Object.assign(headers, unifiedRateLimitHeaders(limitState(turn)));
        const message = turn.message ?? "This request would exceed your account's rate limit. Please try again later.";
        return send(res, record, 429, headers, errorBody('rate_limit_error', message));
      }
      case 'overloaded':
        return send(res, record, 529, {}, errorBody('overloaded_error', 'Overloaded'));
    }
  }

  async function answerProbe(res: http.ServerResponse, record: RecordedRequest): Promise<void> {
    // A quota probe asks "what is my limit state?": answer from the turn that is next, unconsumed.
    const next = peekTurn();
    if (next.type === 'rate_limit') {
      await answerTurn(res, record, { ...next, delayMs: 0 });
      record.response.answeredWith = 'probe';
      return;
    }
    const headers = next.type === 'warning' ? unifiedRateLimitHeaders(limitState(next)) : {};
    await sendMessage(res, record, { ...auxiliaryTurn, delayMs: 0, chunkDelayMs: 0 }, headers);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    const record: RecordedRequest = {
      seq: requests.length + 1,
      method,
      path,
      url,
      headers: req.headers,
      body,
      time: Date.now(),
      kind: classify({ method, path, body }),
      response: { status: 0, answeredWith: 'ok', streamed: false, requestId: `req_mock_${idTag}_${requests.length + 1}`, headers: {}, completed: false },
    };
    requests.push(record);
    switch (record.kind) {
      case 'conversation': {
        const replay = fallbackReplay(record);
        const { turn, fromQueue } = replay ? { turn: replay.turn, fromQueue: true } : takeTurn();
        record.response.answeredWith = fromQueue ? turn.type : 'default';
        if (replay) record.response.replayOf = replay.seq;
        lastConversation = { seq: record.seq, streamed: isStreaming(body), messages: messagesKey(body), turn };
        await answerTurn(res, record, turn);
        break;
      }
      case 'quota-probe':
        record.response.answeredWith = 'probe';
        await answerProbe(res, record);
        break;
      case 'auxiliary':
        record.response.answeredWith = 'auxiliary';
        await answerTurn(res, record, auxiliaryTurn);
        break;
      case 'count-tokens':
        record.response.answeredWith = 'count-tokens';
        send(res, record, 200, {}, { input_tokens: 1000 });
        break;
      case 'other':
        if (method === 'HEAD' || (method === 'GET' && path === '/')) {
          record.response.answeredWith = 'ok';
          send(res, record, 200, {}, {});
        } else {
          record.response.answeredWith = 'not-found';
          send(res, record, 404, {}, errorBody('not_found_error', `mock: no route for ${method} ${path}`));
        }
        break;
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res)
      .catch((error: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify(errorBody('api_error', String(error))));
        } else {
          res.destroy();
        }
      })
      .finally(notify);
  });
  // The CLI keeps connections alive; without this close() would wait for them.
  server.keepAliveTimeout = 1000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const requestsOf = (kind: RequestKind): RecordedRequest[] => requests.filter((r) => r.kind === kind);

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    enqueue(...turns) {
      for (const turn of turns) queue.push({ turn, left: turn.repeat ?? 1 });
    },
    pending: () => queue.length,
    setDefaultTurn(turn) {
      defaultTurn = turn;
    },
    totals(filter) {
      return requests
        .filter((r) => r.response.usage !== undefined && (filter ? filter(r) : true))
        .reduce((sum, r) => addUsage(sum, r.response.usage as MockUsage), zeroUsage());
    },
    requestsOf,
    waitForRequests(kind, count, timeoutMs) {
      const done = (): RecordedRequest[] | undefined => {
        const answered = requestsOf(kind).filter((r) => r.response.completed);
        return answered.length >= count ? answered : undefined;
      };
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const found = done();
          if (!found) return;
          cleanup();
          resolve(found);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`mock: ${requestsOf(kind).length}/${count} ${kind} requests after ${timeoutMs} ms`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
