import type {
  ApiRetryFact,
  Fact,
  LimitKind,
  RateLimitObservedFact,
  SessionIdentifiedFact,
  TokenUsage,
  UsageObservedFact,
} from '../core/facts.js';
import { ZERO_USAGE } from '../core/facts.js';
import { messageKeyOf } from '../core/message-identity.js';
import { costProblem, timeProblem } from '../core/plausible-numbers.js';
import { isRecord, usageFromApi } from '../core/print-events.js';
import { windowFactsFromHeaders, windowKindOf } from '../core/limit-windows.js';
import { matchRateLimitText } from '../core/rate-limit-text.js';
import { addUsage } from '../core/token-usage.js';

/**
 * Reads Claude Code transcript lines (`~/.claude/projects/<encoded cwd>/<session>.jsonl`) into
 * facts. Pure: a line and a little state in, facts and the next state out. Never throws.
 *
 * Turn rule: a turn is a typed prompt that got an answer. It opens on a prompt
 * (`isUserPrompt`), is answered by the first real (not `<synthetic>`) main-chain assistant line,
 * and completes, once, at the first of: a `system/turn_duration` line, a
 * `system/stop_hook_summary` line, an assistant line with `stop_reason: "end_turn"`, the next
 * prompt, or the end of the file (`finishTranscript`). Versions before 2.1.x write no marker (and
 * 2.1.39 writes `turn_duration` only for long turns), hence the last two. A
 * "[Request interrupted by user…]" line closes the turn unanswered, as does a marker that
 * arrives before any answer (an API error). Sidechain (subagent) lines never open or close a turn.
 */

export interface TranscriptLineContext {
  now: number;
  timeZone: string;
  /** What earlier lines of the same file left; omitted, the line is read on its own. */
  state?: TranscriptState;
}

export interface TranscriptState {
  /** `unknown` until a prompt or a turn end is seen, so a file read from the middle still counts. */
  readonly turn: 'unknown' | 'idle' | 'prompted' | 'answered';
  readonly lastAnswerAt: number | null;
  /** What the session was last identified with; a session-identified fact goes out only on a change. */
  readonly sessionId: string | null;
  readonly cwd: string | null;
  readonly version: string | null;
  /** The last main-chain model. */
  readonly model: string | null;
  /** Running sum of the per-message `costUSD` of versions ≤ 1.0.8, and the message it came from last. */
  readonly legacyCostUsd: number;
  readonly lastLegacyCost: { readonly messageKey: string; readonly costUsd: number } | null;
}

export interface TranscriptLineResult {
  facts: Fact[];
  /** A prompt the person typed: not a tool result, meta line, compact summary, command output or subagent task. */
  isUserPrompt: boolean;
  state: TranscriptState;
}

export const INITIAL_TRANSCRIPT_STATE: TranscriptState = Object.freeze({
  turn: 'unknown',
  lastAnswerAt: null,
  sessionId: null,
  cwd: null,
  version: null,
  model: null,
  legacyCostUsd: 0,
  lastLegacyCost: null,
});

const SOURCE = 'transcript';
const SYNTHETIC_MODEL = '<synthetic>';
const INTERRUPTED = '[Request interrupted by user';

/**
 * Built-in slash commands that never send a prompt to the model; other commands (`/init`,
 * `/review`, custom ones) expand into a prompt and count as one.
 */
const LOCAL_COMMANDS: ReadonlySet<string> = new Set([
  'add-dir', 'agents', 'bashes', 'bug', 'clear', 'compact', 'config', 'context', 'cost', 'doctor',
  'effort', 'exit', 'export', 'fast', 'feedback', 'help', 'hooks', 'ide', 'install-github-app',
  'keybindings', 'login', 'logout', 'mcp', 'memory', 'model', 'output-style', 'permissions',
  'plugin', 'privacy-settings', 'quit', 'release-notes', 'rename', 'resume', 'rewind', 'sandbox',
  'stats', 'status', 'tasks', 'terminal-setup', 'theme', 'todos', 'upgrade', 'usage', 'vim',
]);

/** One transcript line → facts. Blank lines yield nothing; lines that are not JSON objects yield `line-rejected`. */
export function parseTranscriptLine(line: string, ctx: TranscriptLineContext): TranscriptLineResult {
  const state = ctx.state ?? INITIAL_TRANSCRIPT_STATE;
  const text = line.trim();
  if (text === '') return { facts: [], isUserPrompt: false, state };
  let entry: unknown;
  try {
    entry = JSON.parse(text);
  } catch (error) {
    return rejected(`not JSON: ${shorten(error instanceof Error ? error.message : String(error))}`, state);
  }
  if (!isRecord(entry)) return rejected(`not a JSON object (${Array.isArray(entry) ? 'an array' : entry === null ? 'null' : typeof entry})`, state);
  return readEntry(entry, ctx, state);
}

/**
 * Whether a line (its UTF-8 bytes) cannot change any fact, so an import may skip decoding and
 * parsing it: most of a transcript's bytes are tool results, file snapshots and request copies,
 * and JSON.parse is most of the cost. A line is skipped only when it holds none of the words every
 * counted line has, or when it is a tool result (never a prompt, never a turn's end). Either can
 * still name the session, but the state is then left as it was, so the next line read names it
 * again before any usage. Tested: summaries with and without the skip are equal on every public
 * transcript.
 */
export function isInertLine(bytes: Buffer): boolean {
  // Only what looks whole is skipped: a broken line is parsed, so it is counted and reported.
  // Only ASCII whitespace is trimmed (a line padded with other whitespace is parsed, like one whose bytes do not decode).
  let first = 0;
  let last = bytes.length - 1;
  while (first <= last && isAsciiSpace(bytes[first]!)) first += 1;
  while (last >= first && isAsciiSpace(bytes[last]!)) last -= 1;
  // The words are ASCII: they match in a Latin-1 reading of the bytes, much cheaper than UTF-8, exactly where they do in the UTF-8 one.
  return bytes[first] === OPEN_BRACE && bytes[last] === CLOSE_BRACE && wordsMarkInert(bytes.toString('latin1'));
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

function isAsciiSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

/**
 * The words every line that counts holds (quoted, so only keys and whole values match: a quote
 * inside a JSON string is escaped), and `"toolUseResult"`, which makes a line inert whatever else
 * it holds. One scan finds the first of them; only a line whose first is another word is searched
 * again, from there, for a tool result.
 */
const FACT_WORDS = /"(?:toolUseResult|usage|type":"user|type":"system|cost-state|costUSD|isApiErrorMessage)"/;
const TOOL_USE_RESULT = '"toolUseResult"';

function wordsMarkInert(text: string): boolean {
  const first = FACT_WORDS.exec(text);
  if (first === null || first[0] === TOOL_USE_RESULT) return true;
  return text.includes(TOOL_USE_RESULT, first.index);
}

/** Facts only the end of the file can tell: the last turn of a version that writes no turn-end marker. */
export function finishTranscript(state: TranscriptState, now: number): Fact[] {
  return state.turn === 'answered' ? [turnCompleted(state.lastAnswerAt ?? now)] : [];
}

interface LineOutcome {
  facts: Fact[];
  state: TranscriptState;
  isUserPrompt?: boolean;
}

function readEntry(entry: Record<string, unknown>, ctx: TranscriptLineContext, state: TranscriptState): TranscriptLineResult {
  const at = timestampOf(entry, ctx.now);
  const impossible = impossibleNumber(entry, at, ctx.now);
  if (impossible !== null) return rejected(impossible, state);
  const outcome = readByType(entry, ctx.timeZone, at, state);
  const identified = identifySession(entry, state, outcome.state);
  const facts = identified ? [identified.fact, ...outcome.facts] : outcome.facts;
  return { facts, isUserPrompt: outcome.isUserPrompt ?? false, state: identified?.state ?? outcome.state };
}

function readByType(entry: Record<string, unknown>, timeZone: string, at: number, state: TranscriptState): LineOutcome {
  switch (entry.type) {
    case 'assistant':
      return readAssistant(entry, timeZone, at, state);
    case 'user':
      return readUser(entry, at, state);
    case 'system': {
      const facts = systemFacts(entry, timeZone, at);
      const endsTurn = entry.isSidechain !== true && (entry.subtype === 'turn_duration' || entry.subtype === 'stop_hook_summary');
      return { facts, state: endsTurn ? endTurn(state, at, facts) : state };
    }
    case 'cost-state':
      // Written by 2.1.x: the session's cumulative figure, restored across resumes.
      return {
        facts: isFiniteNumber(entry.totalCostUSD) ? [{ kind: 'cost-reported', source: SOURCE, costUsd: entry.totalCostUSD }] : [],
        state,
      };
    default:
      return { facts: [], state };
  }
}

function readAssistant(entry: Record<string, unknown>, timeZone: string, at: number, state: TranscriptState): LineOutcome {
  const message = isRecord(entry.message) ? entry.message : {};
  const model = typeof message.model === 'string' ? message.model : null;
  const mainChain = entry.isSidechain !== true;
  const real = model !== SYNTHETIC_MODEL;
  const facts: Fact[] = [];
  let next = mainChain && real && model !== null ? { ...state, model } : state;
  const answersPrompt = mainChain && real && (state.turn === 'prompted' || state.turn === 'unknown');
  const usage = usageFact(entry, message, model, at, answersPrompt);
  if (usage) facts.push(usage);
  const limit = rateLimitFromErrorLine(entry, message, timeZone, at);
  if (limit) facts.push(limit);
  const legacy = legacyCost(entry, usage?.messageKey, next);
  if (legacy) {
    facts.push(legacy.fact);
    next = legacy.state;
  }
  if (mainChain && real) {
    next = answerTurn(next, at);
    if (message.stop_reason === 'end_turn') next = endTurn(next, at, facts);
  }
  return { facts, state: next };
}

function readUser(entry: Record<string, unknown>, at: number, state: TranscriptState): LineOutcome {
  if (entry.isSidechain === true) return { facts: [], state };
  if (isTypedPrompt(entry)) {
    const facts = state.turn === 'answered' ? [turnCompleted(state.lastAnswerAt ?? at)] : [];
    return { facts, state: { ...state, turn: 'prompted', lastAnswerAt: null }, isUserPrompt: true };
  }
  if (promptText(entry)?.trimStart().startsWith(INTERRUPTED)) return { facts: [], state: { ...state, turn: 'idle', lastAnswerAt: null } };
  return { facts: [], state };
}

function usageFact(
  entry: Record<string, unknown>,
  message: Record<string, unknown>,
  model: string | null,
  at: number,
  answersPrompt: boolean,
): UsageObservedFact | null {
  // Error placeholders carry zeros and no real model: nothing to count.
  if (model === SYNTHETIC_MODEL || !isRecord(message.usage)) return null;
  const messageId = nonEmptyString(message.id) ?? nonEmptyString(entry.uuid);
  if (messageId === null) return null;
  const usage = usageFromApi(message.usage);
  // Refused with the whole line before (impossibleNumber).
  if (typeof usage === 'string') return null;
  const identity = { messageId, requestId: nonEmptyString(entry.requestId) };
  const claudeSessionId = nonEmptyString(entry.sessionId);
  return {
    kind: 'usage',
    source: SOURCE,
    messageKey: messageKeyOf(identity),
    ...identity,
    model: model ?? 'unknown',
    usage,
    ...(claudeSessionId !== null ? { claudeSessionId } : {}),
    ...(entry.isSidechain === true ? { sidechain: true } : {}),
    ...(answersPrompt ? { answersPrompt: true } : {}),
    at,
  };
}

/** Versions ≤ 1.0.8 put each message's own cost on its line; the fact carries the running sum. */
function legacyCost(
  entry: Record<string, unknown>,
  messageKey: string | undefined,
  state: TranscriptState,
): { fact: Fact; state: TranscriptState } | null {
  if (!isFiniteNumber(entry.costUSD)) return null;
  const key = messageKey ?? nonEmptyString(entry.uuid) ?? '';
  // Lines of one message follow each other; the later one replaces the earlier, never adds.
  const replaced = state.lastLegacyCost?.messageKey === key ? state.lastLegacyCost.costUsd : 0;
  const legacyCostUsd = state.legacyCostUsd - replaced + entry.costUSD;
  return {
    fact: { kind: 'cost-reported', source: SOURCE, costUsd: legacyCostUsd },
    state: { ...state, legacyCostUsd, lastLegacyCost: { messageKey: key, costUsd: entry.costUSD } },
  };
}

function answerTurn(state: TranscriptState, at: number): TranscriptState {
  if (state.turn === 'prompted' || state.turn === 'unknown' || state.turn === 'answered') {
    return { ...state, turn: 'answered', lastAnswerAt: at };
  }
  return state;
}

function endTurn(state: TranscriptState, at: number, facts: Fact[]): TranscriptState {
  if (state.turn === 'answered' || state.turn === 'unknown') facts.push(turnCompleted(at));
  return { ...state, turn: 'idle', lastAnswerAt: null };
}

function turnCompleted(at: number): Fact {
  return { kind: 'turn-completed', source: SOURCE, at };
}

function systemFacts(entry: Record<string, unknown>, timeZone: string, at: number): Fact[] {
  if (entry.subtype === 'api_error') return apiErrorFacts(entry, timeZone, at);
  // Other system lines carry text Claude showed, e.g. "Usage limit reached · set to continue automatically at 6:05am".
  if (entry.subtype === 'local_command' || typeof entry.content !== 'string') return [];
  const limit = rateLimitFromText(entry.content, timeZone, at);
  return limit ? [limit] : [];
}

/** 2.1.x writes one `system/api_error` line per retry of a failed request. */
function apiErrorFacts(entry: Record<string, unknown>, timeZone: string, at: number): Fact[] {
  const error = isRecord(entry.error) ? entry.error : {};
  const status = isFiniteNumber(error.status) ? error.status : undefined;
  const body = apiErrorBody(error);
  const retry: ApiRetryFact = {
    kind: 'api-retry',
    source: SOURCE,
    attempt: isFiniteNumber(entry.retryAttempt) ? entry.retryAttempt : 0,
    ...(isFiniteNumber(entry.maxRetries) ? { maxRetries: entry.maxRetries } : {}),
    ...(isFiniteNumber(entry.retryInMs) ? { retryDelayMs: Math.round(entry.retryInMs) } : {}),
    ...(status !== undefined ? { errorStatus: status } : {}),
    ...(body.type ?? nonEmptyString(error.type) ? { error: body.type ?? nonEmptyString(error.type) ?? '' } : {}),
    at,
  };
  const facts: Fact[] = [retry];
  if (status === 429 || body.type === 'rate_limit_error') facts.push(rateLimitFromApiError(error, body.message, timeZone, at));
  // The response's unified headers say how full each window was, whatever the error.
  if (isRecord(error.headers)) facts.push(...windowFactsFromHeaders(error.headers, at, SOURCE));
  return facts;
}

function apiErrorBody(error: Record<string, unknown>): { type: string | null; message: string | null } {
  // The API's body sits at `error.error.error` (the SDK error wraps the response body).
  const outer = isRecord(error.error) ? error.error : {};
  const inner = isRecord(outer.error) ? outer.error : outer;
  return { type: nonEmptyString(inner.type), message: nonEmptyString(inner.message) };
}

function rateLimitFromApiError(error: Record<string, unknown>, message: string | null, timeZone: string, at: number): RateLimitObservedFact {
  const headers = isRecord(error.headers) ? error.headers : {};
  const fromText = message === null ? null : rateLimitFromText(message, timeZone, at);
  const claim = limitKindFromClaim(headerString(headers, 'anthropic-ratelimit-unified-representative-claim'));
  const reset = Number(headerString(headers, 'anthropic-ratelimit-unified-reset'));
  // The unified headers name the subscription window only when it is the one that rejected.
  if (headerString(headers, 'anthropic-ratelimit-unified-status') === 'rejected' && claim !== null) {
    return {
      kind: 'rate-limit',
      source: SOURCE,
      severity: 'limit',
      limitKind: claim,
      ...(Number.isFinite(reset) && reset > 0 ? { resetsAt: epochMs(reset) } : resetOfText(fromText)),
      ...(message !== null ? { text: message } : {}),
      at,
    };
  }
  if (fromText) return fromText;
  const retryAfter = Number(headerString(headers, 'retry-after'));
  return {
    kind: 'rate-limit',
    source: SOURCE,
    severity: 'limit',
    limitKind: 'api_rate_limit',
    resetsAt: Number.isFinite(retryAfter) && retryAfter > 0 ? at + retryAfter * 1000 : null,
    ...(message !== null ? { text: message } : {}),
    at,
  };
}

/**
 * Error placeholders (`isApiErrorMessage`, `<synthetic>` model) show the limit text; 2.1.x adds
 * `error: "rate_limit"`, `apiError` and the structured `quotaLimits`.
 */
function rateLimitFromErrorLine(
  entry: Record<string, unknown>,
  message: Record<string, unknown>,
  timeZone: string,
  at: number,
): RateLimitObservedFact | null {
  const isErrorLine =
    entry.isApiErrorMessage === true || message.model === SYNTHETIC_MODEL || entry.error === 'rate_limit' ||
    entry.apiError !== undefined || entry.quotaLimits !== undefined;
  if (!isErrorLine) return null;
  const text = contentText(message.content);
  const fromText = text === null ? null : rateLimitFromText(text, timeZone, at);
  const quota = quotaLimitsOf(entry);
  if (quota) {
    return {
      kind: 'rate-limit',
      source: SOURCE,
      severity: quota.status === 'rejected' ? 'limit' : 'warning',
      limitKind: limitKindFromClaim(quota.rateLimitType) ?? fromText?.limitKind ?? 'subscription',
      ...(quota.resetsAt !== null ? { resetsAt: quota.resetsAt } : resetOfText(fromText)),
      ...(text !== null ? { text } : {}),
      ...(quota.utilization !== undefined ? { utilization: quota.utilization } : {}),
      at,
    };
  }
  if (fromText) return fromText;
  if (entry.error !== 'rate_limit') return null;
  return {
    kind: 'rate-limit',
    source: SOURCE,
    severity: 'limit',
    limitKind: entry.apiError === 'usage_limit_reached' ? 'subscription' : 'api_rate_limit',
    resetsAt: null,
    ...(text !== null ? { text } : {}),
    at,
  };
}

interface QuotaLimits {
  status: string;
  rateLimitType: string | null;
  resetsAt: number | null;
  utilization?: number;
}

function quotaLimitsOf(entry: Record<string, unknown>): QuotaLimits | null {
  const params = isRecord(entry.apiErrorParams) ? entry.apiErrorParams : {};
  const info = isRecord(entry.quotaLimits) ? entry.quotaLimits : isRecord(params.rate_limit_info) ? params.rate_limit_info : null;
  if (!info) return null;
  const status = nonEmptyString(info.status);
  if (status !== 'rejected' && status !== 'allowed_warning') return null;
  return {
    status,
    rateLimitType: nonEmptyString(info.rateLimitType),
    resetsAt: isFiniteNumber(info.resetsAt) && info.resetsAt > 0 ? epochMs(info.resetsAt) : null,
    ...(isFiniteNumber(info.utilization) ? { utilization: info.utilization } : {}),
  };
}

function rateLimitFromText(text: string, timeZone: string, at: number): RateLimitObservedFact | null {
  // A reset time like "resets 6am" means the next 6am after the line was written, not after now.
  const match = matchRateLimitText(text, { now: at, timeZone });
  if (!match) return null;
  return {
    kind: 'rate-limit',
    source: SOURCE,
    severity: match.severity,
    limitKind: match.limitKind,
    resetsAt: match.resetsAt,
    resetPrecision: match.resetPrecision,
    text: match.text,
    ...(match.utilization !== undefined ? { utilization: match.utilization } : {}),
    at,
  };
}

/** The reset a limit's text gave, as exact as the text was. */
function resetOfText(fact: RateLimitObservedFact | null): Pick<RateLimitObservedFact, 'resetsAt' | 'resetPrecision'> {
  return fact?.resetsAt == null ? { resetsAt: null } : { resetsAt: fact.resetsAt, ...(fact.resetPrecision ? { resetPrecision: fact.resetPrecision } : {}) };
}

/** The window a `rateLimitType` or representative-claim header names; null for one we do not know. */
function limitKindFromClaim(value: string | null): LimitKind | null {
  return value === null ? null : windowKindOf(value);
}

/** Claude reports resets in epoch seconds; a value already in milliseconds is kept. */
function epochMs(value: number): number {
  return value > 1e12 ? value : value * 1000;
}

function headerString(headers: Record<string, unknown>, name: string): string | null {
  return nonEmptyString(headers[name]);
}

/** Many lines repeat the session id; a fact goes out when it, the cwd, the version or the model is new. */
function identifySession(
  entry: Record<string, unknown>,
  before: TranscriptState,
  state: TranscriptState,
): { fact: SessionIdentifiedFact; state: TranscriptState } | null {
  const claudeSessionId = nonEmptyString(entry.sessionId) ?? nonEmptyString(entry.session_id);
  if (claudeSessionId === null) return null;
  const sameSession = claudeSessionId === before.sessionId;
  const cwd = nonEmptyString(entry.cwd) ?? (sameSession ? before.cwd : null);
  const version = nonEmptyString(entry.version) ?? (sameSession ? before.version : null);
  const changed = !sameSession || cwd !== before.cwd || version !== before.version || state.model !== before.model;
  if (!changed) return null;
  return {
    state: { ...state, sessionId: claudeSessionId, cwd, version },
    fact: {
      kind: 'session-identified',
      source: SOURCE,
      claudeSessionId,
      ...(state.model !== null ? { model: state.model } : {}),
      ...(cwd !== null ? { cwd } : {}),
      ...(version !== null ? { claudeVersion: version } : {}),
    },
  };
}

function isTypedPrompt(entry: Record<string, unknown>): boolean {
  if (entry.isMeta === true || entry.isCompactSummary === true || entry.isVisibleInTranscriptOnly === true) return false;
  if (entry.toolUseResult !== undefined) return false;
  // 2.1.x marks where a user line came from; task notifications and the like are not typed.
  if (isRecord(entry.origin) && entry.origin.kind !== 'human') return false;
  const text = promptText(entry)?.trim();
  if (!text || text.startsWith(INTERRUPTED)) return false;
  // Command output, caveats, task notifications and bash-mode lines all start with a tag.
  if (!text.startsWith('<')) return true;
  const command = /<command-name>\/?([^<\s]+)<\/command-name>/.exec(text)?.[1];
  return command !== undefined && !LOCAL_COMMANDS.has(command.toLowerCase());
}

/** The words of a user line; null when it answers a tool call. */
function promptText(entry: Record<string, unknown>): string | null {
  const message = entry.message;
  if (!isRecord(message)) return null;
  const content = message.content;
  if (Array.isArray(content) && content.some((block) => isRecord(block) && block.type === 'tool_result')) return null;
  return contentText(content);
}

function contentText(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return null;
  const texts = content.filter(isRecord).flatMap((block) => (block.type === 'text' && typeof block.text === 'string' ? [block.text] : []));
  return texts.length > 0 ? texts.join('\n') : null;
}

/** A time, token count or cost no real line holds: the line is rejected whole, like one that is not JSON. */
function impossibleNumber(entry: Record<string, unknown>, at: number, now: number): string | null {
  const time = timeProblem('timestamp', at, now);
  if (time !== null) return time;
  if (entry.type === 'assistant' && isRecord(entry.message) && isRecord(entry.message.usage)) {
    const usage = usageFromApi(entry.message.usage);
    if (typeof usage === 'string') return usage;
  }
  if (isFiniteNumber(entry.costUSD)) return costProblem('costUSD', entry.costUSD);
  return entry.type === 'cost-state' && isFiniteNumber(entry.totalCostUSD) ? costProblem('totalCostUSD', entry.totalCostUSD) : null;
}

function timestampOf(entry: Record<string, unknown>, fallback: number): number {
  const parsed = typeof entry.timestamp === 'string' ? Date.parse(entry.timestamp) : Number.NaN;
  return Number.isFinite(parsed) ? parsed : fallback;
}

function rejected(reason: string, state: TranscriptState): TranscriptLineResult {
  return { facts: [{ kind: 'line-rejected', source: SOURCE, reason }], isUserPrompt: false, state };
}

function shorten(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function nonEmptyString(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export interface TranscriptSummary {
  /** Non-blank lines read. */
  lines: number;
  sessionIds: string[];
  /** Models that answered, in order of first use; `<synthetic>` is not a model. */
  models: string[];
  /** Distinct message keys with usage. */
  messages: number;
  totals: TokenUsage;
  byModel: Record<string, TokenUsage>;
  /** The part of `totals` spent by subagents (sidechain lines). */
  sidechainTotals: TokenUsage;
  prompts: number;
  turns: number;
  rejectedLines: number;
  rejections: string[];
  /** Claude's own cumulative figure, when the transcript carries one. */
  reportedCostUsd: number | null;
  rateLimits: RateLimitObservedFact[];
  apiRetries: number;
}

/** Folds a whole transcript file; repeats of a message key replace each other, so the last (complete) counts win. */
export function summarizeTranscript(lines: Iterable<string>, ctx: { now: number; timeZone: string }): TranscriptSummary {
  const summary: TranscriptSummary = {
    lines: 0,
    sessionIds: [],
    models: [],
    messages: 0,
    totals: { ...ZERO_USAGE },
    byModel: {},
    sidechainTotals: { ...ZERO_USAGE },
    prompts: 0,
    turns: 0,
    rejectedLines: 0,
    rejections: [],
    reportedCostUsd: null,
    rateLimits: [],
    apiRetries: 0,
  };
  const usageByKey = new Map<string, UsageObservedFact>();
  let state = INITIAL_TRANSCRIPT_STATE;
  const fold = (fact: Fact): void => {
    switch (fact.kind) {
      case 'usage':
        usageByKey.set(fact.messageKey, fact);
        if (!summary.models.includes(fact.model) && fact.model !== 'unknown') summary.models.push(fact.model);
        break;
      case 'session-identified':
        if (!summary.sessionIds.includes(fact.claudeSessionId)) summary.sessionIds.push(fact.claudeSessionId);
        break;
      case 'turn-completed':
        summary.turns += 1;
        break;
      case 'line-rejected':
        summary.rejectedLines += 1;
        summary.rejections.push(fact.reason);
        break;
      case 'cost-reported':
        summary.reportedCostUsd = fact.costUsd;
        break;
      case 'rate-limit':
        summary.rateLimits.push(fact);
        break;
      case 'api-retry':
        summary.apiRetries += 1;
        break;
      default:
        break;
    }
  };
  for (const line of lines) {
    if (line.trim() === '') continue;
    summary.lines += 1;
    const result = parseTranscriptLine(line, { ...ctx, state });
    state = result.state;
    if (result.isUserPrompt) summary.prompts += 1;
    result.facts.forEach(fold);
  }
  finishTranscript(state, ctx.now).forEach(fold);

  for (const fact of usageByKey.values()) {
    summary.totals = addUsage(summary.totals, fact.usage);
    summary.byModel[fact.model] = addUsage(summary.byModel[fact.model] ?? { ...ZERO_USAGE }, fact.usage);
    if (fact.sidechain) summary.sidechainTotals = addUsage(summary.sidechainTotals, fact.usage);
  }
  summary.messages = usageByKey.size;
  return summary;
}

