/**
 * Builders for what the Anthropic Messages API puts on the wire: SSE events, JSON messages,
 * error bodies and the unified rate-limit headers. Pure functions; the server lives in
 * mock-anthropic.ts.
 */

export interface MockUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation?: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
}

export type LimitClaim = 'five_hour' | 'seven_day' | 'seven_day_opus' | 'seven_day_sonnet' | 'overage';

export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

export type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface MessageShape {
  id: string;
  model: string;
  content: ContentBlock[];
  stopReason: 'end_turn' | 'tool_use';
  usage: MockUsage;
  /**
   * `usage.output_tokens` in `message_start`. The real API sends a small number there and the
   * final count in `message_delta`; 1.0.60 adds the two, 2.1.330 keeps the last.
   */
  startOutputTokens: number;
}

/** The usage object with every field the real API always sends. */
export function fullUsage(usage: MockUsage): Record<string, unknown> {
  return {
    input_tokens: usage.input_tokens,
    cache_creation_input_tokens: usage.cache_creation_input_tokens ?? 0,
    cache_read_input_tokens: usage.cache_read_input_tokens ?? 0,
    output_tokens: usage.output_tokens,
    ...(usage.cache_creation ? { cache_creation: { ...usage.cache_creation } } : {}),
    service_tier: 'standard',
  };
}

export function jsonMessage(shape: MessageShape): Record<string, unknown> {
  return {
    id: shape.id,
    type: 'message',
    role: 'assistant',
    model: shape.model,
    content: shape.content,
    stop_reason: shape.stopReason,
    stop_sequence: null,
    usage: fullUsage(shape.usage),
  };
}

/** Splits text into a few pieces so the CLI sees several deltas, as from the real API. */
export function chunkText(text: string, pieces = 3): string[] {
  if (text.length === 0) return [''];
  const size = Math.max(1, Math.ceil(text.length / pieces));
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  return chunks;
}

function blockEvents(index: number, block: ContentBlock): SseEvent[] {
  if (block.type === 'text') {
    return [
      { event: 'content_block_start', data: { index, content_block: { type: 'text', text: '' } } },
      ...chunkText(block.text).map((text) => ({
        event: 'content_block_delta',
        data: { index, delta: { type: 'text_delta', text } },
      })),
      { event: 'content_block_stop', data: { index } },
    ];
  }
  return [
    {
      event: 'content_block_start',
      data: { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } },
    },
    ...chunkText(JSON.stringify(block.input), 2).map((partial_json) => ({
      event: 'content_block_delta',
      data: { index, delta: { type: 'input_json_delta', partial_json } },
    })),
    { event: 'content_block_stop', data: { index } },
  ];
}

export function sseEvents(shape: MessageShape): SseEvent[] {
  const startUsage = { ...fullUsage(shape.usage), output_tokens: shape.startOutputTokens };
  const events: SseEvent[] = [
    {
      event: 'message_start',
      data: {
        message: {
          id: shape.id,
          type: 'message',
          role: 'assistant',
          model: shape.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: startUsage,
        },
      },
    },
  ];
  shape.content.forEach((block, index) => {
    const [start, ...rest] = blockEvents(index, block);
    events.push(start as SseEvent);
    if (index === 0) events.push({ event: 'ping', data: {} });
    events.push(...rest);
  });
  events.push(
    {
      event: 'message_delta',
      // Only output_tokens: 1.0.60 adds message_delta usage onto message_start usage.
      data: { delta: { stop_reason: shape.stopReason, stop_sequence: null }, usage: { output_tokens: shape.usage.output_tokens } },
    },
    { event: 'message_stop', data: {} },
  );
  return events;
}

export function formatSse(ev: SseEvent): string {
  return `event: ${ev.event}\ndata: ${JSON.stringify({ type: ev.event, ...ev.data })}\n\n`;
}

export function errorBody(type: string, message: string): Record<string, unknown> {
  return { type: 'error', error: { type, message } };
}

/** Header prefix of each window as 2.1.330 reads them (`anthropic-ratelimit-unified-<w>-*`). */
const WINDOW_ABBREVIATION: Record<LimitClaim, string> = {
  five_hour: '5h',
  seven_day: '7d',
  // 2.1.330 has no per-window headers for the model-scoped weeks; the weekly ones carry them.
  seven_day_opus: '7d',
  seven_day_sonnet: '7d',
  overage: 'overage',
};

export interface UnifiedLimitState {
  status: 'allowed' | 'allowed_warning' | 'rejected';
  claim: LimitClaim;
  resetAt: number;
  utilization: number;
  surpassedThreshold?: number;
  /** Extra usage beyond the plan: "rejected" when the subscriber has none left (or none at all). */
  overageStatus?: 'allowed' | 'rejected';
}

export function unifiedRateLimitHeaders(state: UnifiedLimitState): Record<string, string> {
  const w = WINDOW_ABBREVIATION[state.claim];
  const reset = String(Math.round(state.resetAt));
  const headers: Record<string, string> = {
    'anthropic-ratelimit-unified-status': state.status,
    'anthropic-ratelimit-unified-reset': reset,
    'anthropic-ratelimit-unified-representative-claim': state.claim,
    [`anthropic-ratelimit-unified-${w}-status`]: state.status,
    [`anthropic-ratelimit-unified-${w}-reset`]: reset,
    [`anthropic-ratelimit-unified-${w}-utilization`]: String(state.utilization),
  };
  if (state.surpassedThreshold !== undefined) {
    headers[`anthropic-ratelimit-unified-${w}-surpassed-threshold`] = String(state.surpassedThreshold);
  }
  if (state.claim === 'overage') {
    headers['anthropic-ratelimit-unified-overage-status'] = state.status;
    headers['anthropic-ratelimit-unified-overage-reset'] = reset;
  } else if (state.overageStatus !== undefined) {
    headers['anthropic-ratelimit-unified-overage-status'] = state.overageStatus;
  }
  return headers;
}

/** Sums with every field present, so tests can compare against CLI totals directly. */
export interface UsageTotals {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
}

export function zeroUsage(): UsageTotals {
  return {
    input_tokens: 0,
    output_tokens: 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
  };
}

export function addUsage(a: UsageTotals, b: MockUsage): UsageTotals {
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    cache_creation_input_tokens: a.cache_creation_input_tokens + (b.cache_creation_input_tokens ?? 0),
    cache_read_input_tokens: a.cache_read_input_tokens + (b.cache_read_input_tokens ?? 0),
    cache_creation: {
      ephemeral_5m_input_tokens: a.cache_creation.ephemeral_5m_input_tokens + (b.cache_creation?.ephemeral_5m_input_tokens ?? 0),
      ephemeral_1h_input_tokens: a.cache_creation.ephemeral_1h_input_tokens + (b.cache_creation?.ephemeral_1h_input_tokens ?? 0),
    },
  };
}
