import type {
  Fact,
  FactSource,
  ModelTotals,
  RateLimitObservedFact,
  TokenUsage,
} from './facts.js';
import { windowFactsFromRateLimitInfo } from './limit-windows.js';
import { messageKeyOf } from './message-identity.js';
import { costProblem, MAX_MESSAGE_TOKENS, MAX_SESSION_TOKENS, tokenCountProblem } from './plausible-numbers.js';
import { limitKindFromRateLimitType } from './rate-limit-text.js';

/**
 * Turns one event of `claude -p --output-format json|stream-json` into facts. The event shapes
 * are Claude Code's; anything we do not know is ignored, never an error.
 */
export function factsFromPrintEvent(event: unknown, now: number, source: FactSource = 'stream-json'): Fact[] {
  if (!isRecord(event)) return [{ kind: 'line-rejected', source, reason: 'event is not a JSON object' }];
  switch (event.type) {
    case 'system':
      return factsFromSystemEvent(event, now, source);
    case 'assistant':
      return factsFromAssistantEvent(event, now, source);
    case 'rate_limit_event':
      return factsFromRateLimitEvent(event, now, source);
    case 'result':
      return factsFromResultEvent(event, source);
    default:
      return [];
  }
}

function factsFromSystemEvent(event: Record<string, unknown>, now: number, source: FactSource): Fact[] {
  if (event.subtype === 'init' && typeof event.session_id === 'string') {
    return [
      {
        kind: 'session-identified',
        source,
        claudeSessionId: event.session_id,
        ...optionalString('model', event.model),
        ...optionalString('cwd', event.cwd),
        ...optionalString('claudeVersion', event.claude_code_version),
      },
    ];
  }
  if (event.subtype === 'api_retry') {
    return [
      {
        kind: 'api-retry',
        source,
        attempt: numberOr(event.attempt, 0),
        ...optionalNumber('maxRetries', event.max_retries),
        ...optionalNumber('retryDelayMs', event.retry_delay_ms),
        ...optionalNumber('errorStatus', event.error_status),
        ...optionalString('error', event.error),
        at: now,
      },
    ];
  }
  return [];
}

function factsFromAssistantEvent(event: Record<string, unknown>, now: number, source: FactSource): Fact[] {
  const message = event.message;
  if (!isRecord(message) || !isRecord(message.usage)) return [];
  const model = typeof message.model === 'string' ? message.model : 'unknown';
  // Error placeholders carry zeros and no real model: nothing to count.
  if (model === '<synthetic>') return [];
  // An empty id would put every such message under one key, each replacing the last.
  const messageId = typeof message.id === 'string' && message.id !== '' ? message.id : null;
  if (messageId === null) return [];
  const usage = usageFromApi(message.usage);
  if (typeof usage === 'string') return [{ kind: 'line-rejected', source, reason: usage }];
  const requestId = nonEmpty(event.requestId) ?? nonEmpty(event.request_id);
  const claudeSessionId = nonEmpty(event.session_id);
  const identity = { messageId, requestId };
  return [
    {
      kind: 'usage',
      source,
      messageKey: messageKeyOf(identity),
      ...identity,
      model,
      usage,
      ...(claudeSessionId !== null ? { claudeSessionId } : {}),
      ...(event.parent_tool_use_id ? { sidechain: true } : {}),
      at: now,
    },
  ];
}

function factsFromRateLimitEvent(event: Record<string, unknown>, now: number, source: FactSource): Fact[] {
  const info = event.rate_limit_info;
  if (!isRecord(info)) return [];
  const status = typeof info.status === 'string' ? info.status : '';
  // Every event reads the windows; only warnings and rejections are limits ("allowed" comes with every answer).
  const windows: Fact[] = windowFactsFromRateLimitInfo(info, now, source);
  if (status !== 'rejected' && status !== 'allowed_warning') return windows;
  // Seconds; a value too large to be an instant in milliseconds is no reset time.
  const resetsAtSeconds = typeof info.resetsAt === 'number' && Number.isFinite(info.resetsAt * 1000) ? info.resetsAt : null;
  const fact: RateLimitObservedFact = {
    kind: 'rate-limit',
    source,
    severity: status === 'rejected' ? 'limit' : 'warning',
    limitKind: limitKindFromRateLimitType(typeof info.rateLimitType === 'string' ? info.rateLimitType : ''),
    resetsAt: resetsAtSeconds === null ? null : resetsAtSeconds * 1000,
    at: now,
  };
  if (typeof info.utilization === 'number') fact.utilization = info.utilization;
  return [fact, ...windows];
}

function factsFromResultEvent(event: Record<string, unknown>, source: FactSource): Fact[] {
  const totals = isRecord(event.usage) ? usageFromApi(event.usage, MAX_SESSION_TOKENS) : null;
  const modelTotals = modelTotalsFrom(event.modelUsage);
  // Older versions named the figure `cost_usd` or `total_cost`.
  const cost = firstNumber(event.total_cost_usd, event.cost_usd, event.total_cost);
  const rejected = (problem: string): Fact[] => [{ kind: 'line-rejected', source, reason: `result: ${problem}` }];
  if (typeof totals === 'string') return rejected(totals);
  if (typeof modelTotals === 'string') return rejected(modelTotals);
  const badCost = cost === null ? null : costProblem('total_cost_usd', cost);
  if (badCost !== null) return rejected(badCost);
  const facts: Fact[] = [];
  if (typeof event.session_id === 'string' && event.session_id.length > 0) {
    facts.push({ kind: 'session-identified', source, claudeSessionId: event.session_id });
  }
  facts.push({
    kind: 'result',
    source,
    subtype: typeof event.subtype === 'string' ? event.subtype : 'unknown',
    isError: event.is_error === true,
    ...optionalNumber('numTurns', event.num_turns),
    ...optionalNumber('durationMs', event.duration_ms),
    ...optionalNumber('durationApiMs', event.duration_api_ms),
    ...optionalString('apiError', event.api_error),
    ...(modelTotals.length > 0 ? { modelTotals } : {}),
    ...(totals !== null ? { totals } : {}),
  });
  if (cost !== null) facts.push({ kind: 'cost-reported', source, costUsd: cost });
  return facts;
}

/**
 * Reads a Messages API `usage` object (snake_case, as the API and transcripts write it); what is
 * wrong instead, when a count is not a whole number of tokens a message (or a session's totals,
 * given their bound) could hold.
 */
export function usageFromApi(usage: Record<string, unknown>, maxTokens = MAX_MESSAGE_TOKENS): TokenUsage | string {
  const split = isRecord(usage.cache_creation) ? usage.cache_creation : null;
  const counts: Array<[string, unknown]> = [
    ['input_tokens', usage.input_tokens],
    ['output_tokens', usage.output_tokens],
    ['cache_creation_input_tokens', usage.cache_creation_input_tokens],
    ['cache_read_input_tokens', usage.cache_read_input_tokens],
    ...(split ? ([['ephemeral_5m_input_tokens', split.ephemeral_5m_input_tokens], ['ephemeral_1h_input_tokens', split.ephemeral_1h_input_tokens]] as Array<[string, unknown]>) : []),
  ];
  for (const [name, value] of counts) {
    const problem = tokenCountProblem(`usage.${name}`, value, maxTokens);
    if (problem !== null) return problem;
  }
  const result: TokenUsage = {
    inputTokens: count(usage.input_tokens),
    outputTokens: count(usage.output_tokens),
    cacheCreationTokens: count(usage.cache_creation_input_tokens),
    cacheReadTokens: count(usage.cache_read_input_tokens),
  };
  if (split) {
    result.cacheCreation5mTokens = count(split.ephemeral_5m_input_tokens);
    result.cacheCreation1hTokens = count(split.ephemeral_1h_input_tokens);
  }
  return result;
}

/** Reads `modelUsage` (camelCase, as the result event writes it); what is wrong instead, as for usage. */
function modelTotalsFrom(value: unknown): ModelTotals[] | string {
  if (!isRecord(value)) return [];
  const totals: ModelTotals[] = [];
  for (const [model, entry] of Object.entries(value)) {
    if (!isRecord(entry)) continue;
    for (const name of ['inputTokens', 'outputTokens', 'cacheCreationInputTokens', 'cacheReadInputTokens']) {
      const problem = tokenCountProblem(`modelUsage.${name}`, entry[name], MAX_SESSION_TOKENS);
      if (problem !== null) return problem;
    }
    const item: ModelTotals = {
      model,
      inputTokens: count(entry.inputTokens),
      outputTokens: count(entry.outputTokens),
      cacheCreationTokens: count(entry.cacheCreationInputTokens),
      cacheReadTokens: count(entry.cacheReadInputTokens),
    };
    if (typeof entry.costUSD === 'number') {
      const problem = costProblem('modelUsage.costUSD', entry.costUSD);
      if (problem !== null) return problem;
      item.costUsd = entry.costUSD;
    }
    totals.push(item);
  }
  return totals;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

function nonEmpty(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function firstNumber(...values: unknown[]): number | null {
  for (const value of values) if (typeof value === 'number' && Number.isFinite(value)) return value;
  return null;
}

function optionalString<K extends string>(key: K, value: unknown): { [P in K]?: string } {
  return (typeof value === 'string' && value.length > 0 ? { [key]: value } : {}) as { [P in K]?: string };
}

function optionalNumber<K extends string>(key: K, value: unknown): { [P in K]?: number } {
  return (typeof value === 'number' && Number.isFinite(value) ? { [key]: value } : {}) as { [P in K]?: number };
}
