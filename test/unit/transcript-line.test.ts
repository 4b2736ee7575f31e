import { describe, expect, it } from 'vitest';
import type { ApiRetryFact, Fact, RateLimitObservedFact, SessionIdentifiedFact, TokenUsage, UsageObservedFact } from '../../src/core/facts.js';
import {
  finishTranscript,
  isInertLine,
  INITIAL_TRANSCRIPT_STATE,
  parseTranscriptLine,
  summarizeTranscript,
  type TranscriptState,
} from '../../src/ingest/transcript-line.js';
import { captureRecord } from '../fixtures/cli-captures.js';
import { fixtureNames, readFixture } from '../support/fixtures.js';

// Lines are read soon after they were written: an hour after the newest capture (a line more than a
// week ahead of the reader's clock is refused as impossible).
const NOW = Math.max(...Object.values(JSON.parse(readFixture('captures.json')) as Record<string, { capturedAt: number }>).map((capture) => capture.capturedAt)) + 3_600_000;
const CTX = { now: NOW, timeZone: 'UTC' };

function readLines(file: string): string[] {
  return readFixture('transcripts', file).split('\n');
}

function summarize(file: string) {
  return summarizeTranscript(readLines(file), CTX);
}

/** Facts of lines read in order, with the state carried along. */
function factsOf(lines: string[], state: TranscriptState = INITIAL_TRANSCRIPT_STATE): Fact[] {
  const facts: Fact[] = [];
  for (const line of lines) {
    const result = parseTranscriptLine(line, { ...CTX, state });
    state = result.state;
    facts.push(...result.facts);
  }
  return facts;
}

function ofKind<K extends Fact['kind']>(facts: Fact[], kind: K): Extract<Fact, { kind: K }>[] {
  return facts.filter((fact): fact is Extract<Fact, { kind: K }> => fact.kind === kind);
}

function tokens(inputTokens: number, outputTokens: number, cacheCreationTokens: number, cacheReadTokens: number, split?: [number, number]): TokenUsage {
  const usage: TokenUsage = { inputTokens, outputTokens, cacheCreationTokens, cacheReadTokens };
  if (split) [usage.cacheCreation5mTokens, usage.cacheCreation1hTokens] = split;
  return usage;
}

const transcriptFiles = fixtureNames('transcripts');

describe('every transcript fixture', () => {
  it('is all there', () => {
    expect(transcriptFiles.length).toBe(25);
  });

  it.each(transcriptFiles)('%s: every line parses, and no valid JSON line is rejected', (file) => {
    let state = INITIAL_TRANSCRIPT_STATE;
    let jsonLines = 0;
    for (const line of readLines(file)) {
      if (line.trim() === '') continue;
      expect(() => JSON.parse(line)).not.toThrow();
      jsonLines += 1;
      const result = parseTranscriptLine(line, { ...CTX, state });
      state = result.state;
      expect(ofKind(result.facts, 'line-rejected')).toEqual([]);
    }
    expect(jsonLines).toBeGreaterThan(0);
    const summary = summarize(file);
    expect(summary.lines).toBe(jsonLines);
    expect(summary.rejectedLines).toBe(0);
    expect(summary.models).not.toContain('<synthetic>');
  });
});

describe('summarizeTranscript token totals', () => {
  // Expected values were computed by hand, outside this code: a Python script and a jq one-liner
  // over the same files. For each file: keep assistant lines with `message.usage` whose model is
  // not "<synthetic>", key them by message.id + ":" + requestId, let a later line of a key replace
  // an earlier one, then add up input_tokens, output_tokens, cache_creation_input_tokens,
  // cache_read_input_tokens and cache_creation.ephemeral_5m/1h_input_tokens, per model and for
  // isSidechain lines. jq, for instance:
  //   jq -s '[.[]|select(.type=="assistant" and .message.model!="<synthetic>" and .message.usage)]
  //     | reduce .[] as $l ({}; .[$l.message.id+":"+($l.requestId//"")] = $l.message.usage)
  //     | [.[]] | {n: length, in: (map(.input_tokens)|add), out: (map(.output_tokens)|add), ...}'

  it('v1.0.98-repeated-message-ids.jsonl: one message id repeats with growing output counts', () => {
    // msg_018mu4atNCkxSiLt7VVQquTL is on 5 lines with output_tokens 30, 30, 30, 30, 285; only 285
    // counts. msg_01TRqeU69y1vHiBwvYLwpNCZ (30, 146, 146) and msg_01TqDZoU6FcpxB4u2AmpgWfZ (8, 322) too.
    // 15 assistant lines, 7 messages. Summing every line instead would give 2,076 output tokens.
    const summary = summarize('v1.0.98-repeated-message-ids.jsonl');
    expect(summary.messages).toBe(7);
    expect(summary.totals).toEqual(tokens(93, 953, 12_698, 103_219, [12_698, 0]));
    expect(summary.byModel).toEqual({ 'claude-sonnet-4-20250514': tokens(93, 953, 12_698, 103_219, [12_698, 0]) });
    expect(summary.sidechainTotals).toEqual(tokens(0, 0, 0, 0));
  });

  it('v1.0.108-inline-subagents.jsonl: subagent lines inside the parent file count once', () => {
    // 28 assistant lines, 20 messages, 11 of them isSidechain:true (two Task subagents).
    const summary = summarize('v1.0.108-inline-subagents.jsonl');
    expect(summary.messages).toBe(20);
    expect(summary.totals).toEqual(tokens(129, 3_629, 47_747, 324_259, [47_747, 0]));
    expect(summary.sidechainTotals).toEqual(tokens(65, 1_626, 21_673, 133_998, [21_673, 0]));
    expect(summary.models).toEqual(['claude-sonnet-4-20250514']);
  });

  it('v2.1.39-subagent.jsonl: a 2.x subagent file is all sidechain', () => {
    // 15 assistant lines, 3 messages (7, 7 and 1 lines).
    const summary = summarize('v2.1.39-subagent.jsonl');
    expect(summary.messages).toBe(3);
    expect(summary.totals).toEqual(tokens(2_408, 7, 18_814, 29_274, [18_814, 0]));
    expect(summary.sidechainTotals).toEqual(summary.totals);
    expect(summary.models).toEqual(['claude-sonnet-4-5-20250929']);
  });

  it('v2.0.76-subagent-warm-up.jsonl: the Explore subagent warm-up', () => {
    const summary = summarize('v2.0.76-subagent-warm-up.jsonl');
    expect(summary.messages).toBe(1);
    expect(summary.byModel).toEqual({ 'claude-haiku-4-5-20251001': tokens(728, 152, 0, 0, [0, 0]) });
    expect(summary.sidechainTotals).toEqual(summary.totals);
  });

  it('v2.1.156-model-switch.jsonl: two models in one file', () => {
    const summary = summarize('v2.1.156-model-switch.jsonl');
    expect(summary.models).toEqual(['claude-opus-4-8', 'claude-sonnet-4-6']);
    expect(summary.byModel).toEqual({
      'claude-opus-4-8': tokens(6_105, 6, 5_554, 16_737, [0, 5_554]),
      'claude-sonnet-4-6': tokens(3, 6, 11_770, 17_728, [0, 11_770]),
    });
    expect(summary.totals).toEqual(tokens(6_108, 12, 17_324, 34_465, [0, 17_324]));
  });

  it('v2.1.143-three-turns.jsonl: three turns on claude-opus-4-7 with 1h cache writes', () => {
    const summary = summarize('v2.1.143-three-turns.jsonl');
    expect(summary.messages).toBe(3);
    expect(summary.byModel).toEqual({ 'claude-opus-4-7': tokens(18, 18, 13_495, 80_309, [0, 13_495]) });
  });

  it('v1.0.17-init-and-five-prompts.jsonl: 1.0.17 lines without the 5m/1h split', () => {
    // 40 assistant lines, 24 messages.
    const summary = summarize('v1.0.17-init-and-five-prompts.jsonl');
    expect(summary.messages).toBe(24);
    expect(summary.totals).toEqual(tokens(91, 2_266, 16_072, 503_769));
  });

  it('v2.1.39-compaction-excerpt.jsonl: claude-opus-4-6 with 1h cache writes across a compaction', () => {
    const summary = summarize('v2.1.39-compaction-excerpt.jsonl');
    expect(summary.messages).toBe(6);
    expect(summary.byModel).toEqual({ 'claude-opus-4-6': tokens(14, 975, 76_529, 291_451, [0, 76_529]) });
  });

  it('v2.1.148-api-error-placeholders.jsonl: <synthetic> error lines count nothing', () => {
    const summary = summarize('v2.1.148-api-error-placeholders.jsonl');
    expect(summary.messages).toBe(0);
    expect(summary.models).toEqual([]);
    expect(summary.totals).toEqual(tokens(0, 0, 0, 0));
  });
});

describe('transcripts the real CLI wrote against the mock', () => {
  const sentTotals = (file: string): TokenUsage => {
    const sent = captureRecord(`transcripts/${file}`).mockUsage;
    const sum = (pick: (usage: (typeof sent)[number]) => number | undefined): number => sent.reduce((total, usage) => total + (pick(usage) ?? 0), 0);
    return tokens(
      sum((usage) => usage.input_tokens),
      sum((usage) => usage.output_tokens),
      sum((usage) => usage.cache_creation_input_tokens),
      sum((usage) => usage.cache_read_input_tokens),
      [sum((usage) => usage.cache_creation?.ephemeral_5m_input_tokens), sum((usage) => usage.cache_creation?.ephemeral_1h_input_tokens)],
    );
  };

  it.each([
    ['v1.0.60-tool-use.jsonl', 'claude-sonnet-4-20250514'],
    ['v2.1.330-tool-use.jsonl', 'claude-opus-5-5'],
  ])('%s: each model call once, with the usage the mock sent', (file, model) => {
    const summary = summarize(file);
    expect(summary.messages).toBe(captureRecord(`transcripts/${file}`).mockUsage.length);
    expect(summary.totals).toEqual(sentTotals(file));
    expect(summary.models).toEqual([model]);
  });

  it.each([
    ['v1.0.60-five-hour-limit.jsonl', 'subscription', /^Claude AI usage limit reached\|\d+$/],
    ['v2.1.330-five-hour-limit.jsonl', 'five_hour', /^You've hit your 5-hour limit · resets \d/],
  ])('%s: the limit with the reset the mock announced, and no usage', (file, limitKind, text) => {
    const facts = factsOf(readLines(file));
    expect(ofKind(facts, 'usage')).toEqual([]);
    const limits = ofKind(facts, 'rate-limit');
    expect(limits).toHaveLength(1);
    expect(limits[0]).toMatchObject({ severity: 'limit', limitKind, resetsAt: captureRecord(`transcripts/${file}`).mockResetAt });
    expect(limits[0]?.text).toMatch(text);
  });
});

describe('prompts and turns', () => {
  // Counted by hand from each file (see the rule at the top of transcript-line.ts).
  const counted: Array<[file: string, prompts: number, turns: number]> = [
    // 1 prompt: the /init command line; the last line carries stop_reason end_turn.
    ['v1.0.98-repeated-message-ids.jsonl', 1, 1],
    // 1 prompt (a custom command); no turn marker in 1.0.108, so the end of the file ends it.
    ['v1.0.108-inline-subagents.jsonl', 1, 1],
    // 5 typed prompts, each ended by a stop_hook_summary; /compact and its output are not prompts.
    ['v2.0.76-compaction-and-stop-hooks.jsonl', 5, 5],
    ['v2.0.76-subagent-warm-up.jsonl', 0, 0],
    // Three typed prompts; only the first was answered (turn_duration); the others hit 429s, one was
    // interrupted.
    ['v2.1.143-api-error-429-retries.jsonl', 3, 1],
    ['v2.1.143-compaction.jsonl', 2, 2],
    // end_turn and turn_duration end the same turn: counted once.
    ['v2.1.143-foreground-subagent.jsonl', 1, 1],
    ['v2.1.143-three-turns.jsonl', 3, 3],
    // Both prompts were answered only by API-error placeholders.
    ['v2.1.148-api-error-placeholders.jsonl', 2, 0],
    // /model lines are local commands.
    ['v2.1.156-model-switch.jsonl', 2, 2],
    // end_turn, stop_hook_summary and turn_duration all end the one turn.
    ['v2.1.235-stop-hook-turn-end.jsonl', 1, 1],
    ['v1.0.9-assistant-line.jsonl', 0, 1],
    ['v1.0.17-aborted-request.jsonl', 0, 0],
    ['summary-only.jsonl', 0, 0],
    // /init and 5 typed prompts; 1.0.17 writes no marker, so each next prompt (and the end) ends a turn.
    ['v1.0.17-init-and-five-prompts.jsonl', 6, 6],
    // The first prompt's tool use was interrupted; the second prompt was answered.
    ['v1.0.17-interrupted-tool-use.jsonl', 2, 1],
    ['v2.1.38-local-command.jsonl', 1, 0],
    ['v2.1.38-tool-heavy.jsonl', 2, 0],
    // Two typed prompts, the first ended by stop_hook_summary + turn_duration; the
    // <task-notification> line and the compact summary are not prompts, nor is the turn it starts.
    ['v2.1.39-compaction-excerpt.jsonl', 2, 2],
    ['v2.1.39-subagent.jsonl', 0, 0],
    ['v2.1.39-compaction-subagent.jsonl', 0, 0],
    // Captured: one prompt answered after a tool call; one prompt answered only by the limit.
    ['v1.0.60-tool-use.jsonl', 1, 1],
    ['v2.1.330-tool-use.jsonl', 1, 1],
    ['v1.0.60-five-hour-limit.jsonl', 1, 0],
    ['v2.1.330-five-hour-limit.jsonl', 1, 0],
  ];
  it.each(counted)('%s: %i prompts, %i turns', (file, prompts, turns) => {
    const summary = summarize(file);
    expect(summary.prompts).toBe(prompts);
    expect(summary.turns).toBe(turns);
  });

  it('covers every fixture file', () => {
    expect(counted.map(([file]) => file).sort()).toEqual(transcriptFiles);
  });

  const line = (fields: Record<string, unknown>): string =>
    JSON.stringify({ isSidechain: false, sessionId: 's1', timestamp: '2026-05-18T21:09:21.000Z', ...fields });
  const prompt = (text: string, extra: Record<string, unknown> = {}): string => line({ type: 'user', message: { role: 'user', content: text }, ...extra });
  const answer = (id: string, stopReason: string | null = null, extra: Record<string, unknown> = {}): string =>
    line({
      type: 'assistant',
      requestId: `req_${id}`,
      message: { id, model: 'claude-sonnet-4-5', role: 'assistant', stop_reason: stopReason, content: [{ type: 'text', text: 'hi' }], usage: { input_tokens: 1, output_tokens: 1 } },
      ...extra,
    });
  const marker = (subtype: string): string => line({ type: 'system', subtype });
  const turns = (lines: string[]): number => summarizeTranscript(lines, CTX).turns;

  it('counts a turn-end marker read on its own', () => {
    expect(ofKind(parseTranscriptLine(marker('turn_duration'), CTX).facts, 'turn-completed')).toEqual([
      { kind: 'turn-completed', source: 'transcript', at: Date.parse('2026-05-18T21:09:21.000Z') },
    ]);
    expect(ofKind(parseTranscriptLine(marker('stop_hook_summary'), CTX).facts, 'turn-completed')).toHaveLength(1);
  });

  it('ends a turn once, whichever markers follow', () => {
    expect(turns([prompt('a'), answer('m1', 'end_turn'), marker('stop_hook_summary'), marker('turn_duration')])).toBe(1);
    expect(turns([prompt('a'), answer('m1'), marker('stop_hook_summary'), marker('turn_duration'), prompt('b')])).toBe(1);
  });

  it('does not count a Stop-hook continuation, a subagent end_turn or a notification-driven answer as a turn', () => {
    expect(turns([prompt('a'), answer('m1'), marker('stop_hook_summary'), answer('m2'), marker('stop_hook_summary')])).toBe(1);
    expect(turns([prompt('a'), answer('m1', 'end_turn', { isSidechain: true }), answer('m2', 'end_turn')])).toBe(1);
    const notification = prompt('<task-notification>\n<task-id>x</task-id>');
    expect(turns([prompt('a'), answer('m1'), marker('turn_duration'), notification, answer('m2'), marker('stop_hook_summary')])).toBe(1);
  });

  it('closes an interrupted turn without counting it', () => {
    const interrupted = line({ type: 'user', message: { role: 'user', content: [{ type: 'text', text: '[Request interrupted by user for tool use]' }] } });
    expect(turns([prompt('a'), answer('m1'), interrupted, prompt('b')])).toBe(0);
  });

  it('lets the end of the file end the last answered turn', () => {
    const { state } = parseTranscriptLine(answer('m1'), { ...CTX, state: parseTranscriptLine(prompt('a'), CTX).state });
    expect(finishTranscript(state, NOW)).toEqual([{ kind: 'turn-completed', source: 'transcript', at: Date.parse('2026-05-18T21:09:21.000Z') }]);
    expect(finishTranscript(INITIAL_TRANSCRIPT_STATE, NOW)).toEqual([]);
  });

  it.each([
    ['a typed prompt', prompt('fix the bug'), true],
    ['a prompt in content blocks', line({ type: 'user', message: { role: 'user', content: [{ type: 'text', text: 'fix it' }] } }), true],
    ['a prompt command (/init)', prompt('<command-message>init is analyzing your codebase…</command-message>\n<command-name>/init</command-name>'), true],
    ['a local command (/compact)', prompt('<command-name>/compact</command-name>\n<command-message>compact</command-message>'), false],
    ['command output', prompt('<local-command-stdout>Set model to Opus</local-command-stdout>'), false],
    ['a tool result', line({ type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'ok' }] } }), false],
    ['a tool result with toolUseResult only', prompt('ok', { toolUseResult: { stdout: 'ok' } }), false],
    ['a meta line', prompt('Caveat: …', { isMeta: true }), false],
    ['a compact summary', prompt('This session is being continued…', { isCompactSummary: true }), false],
    ['a subagent task', prompt('Search hex.pm', { isSidechain: true }), false],
    ['a line of another origin', prompt('scheduled', { origin: { kind: 'task-notification' } }), false],
    ['a human-origin line', prompt('hello', { origin: { kind: 'human' } }), true],
    ['an interruption', prompt('[Request interrupted by user]'), false],
    ['an empty prompt', prompt('   '), false],
    ['an assistant line', answer('m1'), false],
  ])('%s → isUserPrompt %s', (_name, text, expected) => {
    expect(parseTranscriptLine(text, CTX).isUserPrompt).toBe(expected);
  });
});

describe('parseTranscriptLine facts', () => {
  it('reads an assistant line: usage under message id + requestId, the model, the split, the time', () => {
    // 1.0.9, the first version without costUSD.
    const [line = ''] = readLines('v1.0.9-assistant-line.jsonl');
    const facts = parseTranscriptLine(line, CTX).facts;
    expect(ofKind(facts, 'session-identified')).toEqual<SessionIdentifiedFact[]>([
      {
        kind: 'session-identified',
        source: 'transcript',
        claudeSessionId: '0a9a8045-53e9-44b1-83fb-aafc6e1f4f0b',
        model: 'claude-opus-4-20250514',
        cwd: '/home/dev/projects/browser-tools',
        claudeVersion: '1.0.9',
      },
    ]);
    expect(ofKind(facts, 'usage')).toEqual<UsageObservedFact[]>([
      {
        kind: 'usage',
        source: 'transcript',
        messageKey: 'msg_018vkDifij3YKNQ5gzjtvbXz:req_011CPkCWc21qrE6dGwSHMcw1',
        messageId: 'msg_018vkDifij3YKNQ5gzjtvbXz',
        requestId: 'req_011CPkCWc21qrE6dGwSHMcw1',
        model: 'claude-opus-4-20250514',
        usage: tokens(3, 97, 161, 89_356),
        claudeSessionId: '0a9a8045-53e9-44b1-83fb-aafc6e1f4f0b',
        answersPrompt: true,
        at: Date.parse('2025-06-02T22:40:37.397Z'),
      },
    ]);
  });

  it('keys a line without requestId by its message id alone', () => {
    // v2.1.143-api-error-429-retries.jsonl was written against a mock API that gave no request id.
    const usage = ofKind(factsOf(readLines('v2.1.143-api-error-429-retries.jsonl')), 'usage');
    expect(usage.map((fact) => fact.messageKey)).toEqual(['msg_mock_001']);
    expect(usage[0]?.usage).toEqual(tokens(12, 3, 0, 0, [0, 0]));
  });

  it('marks subagent usage as sidechain', () => {
    const usage = ofKind(factsOf(readLines('v2.0.76-subagent-warm-up.jsonl')), 'usage');
    expect(usage).toHaveLength(1);
    expect(usage[0]?.sidechain).toBe(true);
  });

  it('identifies the session again only when the model, cwd or version changes', () => {
    const facts = factsOf(readLines('v2.1.156-model-switch.jsonl'));
    // The first line (type "mode") has only the session id; the first user line adds cwd and version.
    expect(ofKind(facts, 'session-identified').map((fact) => [fact.model ?? null, fact.claudeVersion ?? null])).toEqual([
      [null, null],
      [null, '2.1.156'],
      ['claude-opus-4-8', '2.1.156'],
      ['claude-sonnet-4-6', '2.1.156'],
    ]);
  });

  it('turns each system/api_error retry into an api-retry and, for a 429, a rate-limit', () => {
    // v2.1.143-api-error-429-retries.jsonl: ten 429 retries, attempts 1-5 twice, of 10.
    const facts = factsOf(readLines('v2.1.143-api-error-429-retries.jsonl'));
    const retries = ofKind(facts, 'api-retry');
    expect(retries.map((fact) => fact.attempt)).toEqual([1, 2, 3, 4, 5, 1, 2, 3, 4, 5]);
    expect(retries[0]).toEqual<ApiRetryFact>({
      kind: 'api-retry',
      source: 'transcript',
      attempt: 1,
      maxRetries: 10,
      retryDelayMs: 535,
      errorStatus: 429,
      error: 'rate_limit_error',
      at: Date.parse('2026-05-18T21:09:24.413Z'),
    });
    const limits = ofKind(facts, 'rate-limit');
    expect(limits).toHaveLength(10);
    expect(limits[0]).toMatchObject({ severity: 'limit', limitKind: 'api_rate_limit', at: Date.parse('2026-05-18T21:09:24.413Z') });
    expect(limits[0]?.text).toContain('per-minute rate limit');
  });

  it('takes the window and reset from unified headers when the subscription limit rejected the call', () => {
    const apiError = JSON.stringify({
      type: 'system',
      subtype: 'api_error',
      timestamp: '2026-05-18T21:09:24.413Z',
      error: {
        status: 429,
        headers: {
          'anthropic-ratelimit-unified-status': 'rejected',
          'anthropic-ratelimit-unified-representative-claim': 'seven_day',
          'anthropic-ratelimit-unified-reset': '1795328611',
        },
        error: { type: 'error', error: { type: 'rate_limit_error', message: 'Rate limited' } },
      },
      retryInMs: 0,
      retryAttempt: 1,
      maxRetries: 0,
    });
    expect(ofKind(parseTranscriptLine(apiError, CTX).facts, 'rate-limit')).toEqual<RateLimitObservedFact[]>([
      { kind: 'rate-limit', source: 'transcript', severity: 'limit', limitKind: 'seven_day', resetsAt: 1_795_328_611_000, text: 'Rate limited', at: Date.parse('2026-05-18T21:09:24.413Z') },
    ]);
  });

  it('reads the structured quotaLimits of a limit placeholder', () => {
    // The shape Claude Code 2.1.330 writes: error "rate_limit", apiError, quotaLimits (resetsAt in seconds).
    const limitLine = JSON.stringify({
      type: 'assistant',
      timestamp: '2026-11-20T10:00:00.000Z',
      message: { id: 'x', model: '<synthetic>', role: 'assistant', content: [{ type: 'text', text: "You've hit your 5-hour limit · resets 3pm (UTC)" }], usage: { input_tokens: 0, output_tokens: 0 } },
      error: 'rate_limit',
      apiError: 'usage_limit_reached',
      quotaLimits: { status: 'rejected', resetsAt: 1_795_359_600, rateLimitType: 'five_hour', utilization: 1 },
      isApiErrorMessage: true,
    });
    const facts = parseTranscriptLine(limitLine, CTX).facts;
    expect(ofKind(facts, 'usage')).toEqual([]);
    expect(ofKind(facts, 'rate-limit')).toEqual<RateLimitObservedFact[]>([
      {
        kind: 'rate-limit',
        source: 'transcript',
        severity: 'limit',
        limitKind: 'five_hour',
        resetsAt: 1_795_359_600_000,
        text: "You've hit your 5-hour limit · resets 3pm (UTC)",
        utilization: 1,
        at: Date.parse('2026-11-20T10:00:00.000Z'),
      },
    ]);
  });

  it('reads the limit text of an old error placeholder', () => {
    // The 0.2.x/1.0.x -p wording, as 1.0.60 writes it (transcripts/v1.0.60-five-hour-limit.jsonl).
    const limitLine = JSON.stringify({
      type: 'assistant',
      timestamp: '2025-06-12T15:25:11.533Z',
      message: { id: 'x', model: '<synthetic>', role: 'assistant', content: [{ type: 'text', text: 'Claude AI usage limit reached|1795328611' }], usage: { input_tokens: 0, output_tokens: 0 } },
      isApiErrorMessage: true,
    });
    const [limit] = ofKind(parseTranscriptLine(limitLine, CTX).facts, 'rate-limit');
    expect(limit).toMatchObject({ severity: 'limit', resetsAt: 1_795_328_611_000, at: Date.parse('2025-06-12T15:25:11.533Z') });
  });

  it('reads a reset time in the text relative to when the line was written, not to now', () => {
    const limitLine = JSON.stringify({
      type: 'assistant',
      timestamp: '2026-11-20T10:00:00.000Z',
      message: { id: 'x', model: '<synthetic>', role: 'assistant', content: [{ type: 'text', text: "You've hit your 5-hour limit · resets 3pm (UTC)" }], usage: { input_tokens: 0, output_tokens: 0 } },
      error: 'rate_limit',
      isApiErrorMessage: true,
    });
    expect(ofKind(parseTranscriptLine(limitLine, CTX).facts, 'rate-limit')).toEqual<RateLimitObservedFact[]>([
      {
        kind: 'rate-limit',
        source: 'transcript',
        severity: 'limit',
        limitKind: 'five_hour',
        resetsAt: Date.parse('2026-11-20T15:00:00.000Z'),
        resetPrecision: 'minute',
        text: "You've hit your 5-hour limit · resets 3pm (UTC)",
        at: Date.parse('2026-11-20T10:00:00.000Z'),
      },
    ]);
  });

  it('reads the limit text of a system line', () => {
    // The interactive screen writes this line when it offers to continue after the reset.
    const systemLine = JSON.stringify({
      type: 'system',
      subtype: 'informational',
      content: 'Usage limit reached · set to continue automatically at 6:05am (UTC)',
      timestamp: '2026-11-20T04:00:00.000Z',
    });
    const [limit] = ofKind(parseTranscriptLine(systemLine, CTX).facts, 'rate-limit');
    expect(limit).toMatchObject({ severity: 'limit', limitKind: 'subscription', resetsAt: Date.parse('2026-11-20T06:05:00.000Z') });
  });

  it('sees no limit in other API errors', () => {
    // v1.0.17-aborted-request.jsonl: "API Error: Request was aborted."
    const facts = factsOf(readLines('v1.0.17-aborted-request.jsonl'));
    expect(ofKind(facts, 'rate-limit')).toEqual([]);
    expect(ofKind(facts, 'usage')).toEqual([]);
  });

  it('reports the cumulative cost of a cost-state line', () => {
    // No fixture has one; this is the shape Claude Code 2.1.330 writes (type "cost-state").
    const costState = JSON.stringify({
      type: 'cost-state',
      sessionId: 's1',
      totalCostUSD: 1.2345,
      totalAPIDuration: 1000,
      modelUsage: { 'claude-opus-5-5': { inputTokens: 1, outputTokens: 2, cacheReadInputTokens: 0, cacheCreationInputTokens: 0, costUSD: 1.2345 } },
    });
    expect(ofKind(parseTranscriptLine(costState, CTX).facts, 'cost-reported')).toEqual([{ kind: 'cost-reported', source: 'transcript', costUsd: 1.2345 }]);
    expect(summarizeTranscript([costState], CTX).reportedCostUsd).toBe(1.2345);
  });

  it('sums the per-message costUSD of versions up to 1.0.8, a repeated message replacing itself', () => {
    // No fixture has one: no verbatim line of those versions is public (test/fixtures/SOURCES.md, Gaps).
    const legacy = (id: string, costUSD: number): string =>
      JSON.stringify({ type: 'assistant', requestId: `req_${id}`, costUSD, message: { id, model: 'claude-3-7-sonnet-20250219', usage: { input_tokens: 1, output_tokens: 1 } } });
    const costs = ofKind(factsOf([legacy('m1', 0.01), legacy('m1', 0.015), legacy('m2', 0.1)]), 'cost-reported').map((fact) => fact.costUsd);
    expect(costs).toHaveLength(3);
    expect(costs[0]).toBeCloseTo(0.01, 12);
    expect(costs[1]).toBeCloseTo(0.015, 12);
    expect(costs[2]).toBeCloseTo(0.115, 12);
  });

  it.each([
    ['not json', 'not JSON: '],
    ['{"type":"assistant"', 'not JSON: '],
    ['[1,2]', 'not a JSON object (an array)'],
    ['42', 'not a JSON object (number)'],
    ['null', 'not a JSON object (null)'],
    ['"text"', 'not a JSON object (string)'],
  ])('rejects %j with a reason', (text, reason) => {
    const result = parseTranscriptLine(text, CTX);
    expect(result.facts).toHaveLength(1);
    expect(result.facts[0]).toMatchObject({ kind: 'line-rejected', source: 'transcript' });
    expect(result.facts[0]?.kind === 'line-rejected' && result.facts[0].reason.startsWith(reason)).toBe(true);
    expect(summarizeTranscript([text, ''], CTX)).toMatchObject({ lines: 1, rejectedLines: 1 });
  });

  it('ignores blank lines', () => {
    expect(parseTranscriptLine('  \r', CTX)).toEqual({ facts: [], isUserPrompt: false, state: INITIAL_TRANSCRIPT_STATE });
  });

  it('never throws on odd shapes', () => {
    const odd = [
      { type: 'assistant' },
      { type: 'assistant', message: null },
      { type: 'assistant', message: { usage: 'lots' } },
      { type: 'assistant', message: { id: 5, usage: { input_tokens: 'x' } } },
      { type: 'assistant', message: { content: 7, usage: {} }, isApiErrorMessage: true, quotaLimits: 'x' },
      { type: 'assistant', isApiErrorMessage: true, quotaLimits: { status: 'rejected' }, message: { content: [null, 1, { type: 'text' }] } },
      { type: 'user', message: { content: [null, { type: 'tool_result' }] } },
      { type: 'user', message: 'hello', origin: null },
      { type: 'system', subtype: 'api_error', error: null },
      { type: 'system', subtype: 'api_error', error: { status: 429, headers: null, error: 'x' } },
      { type: 'system', content: 42 },
      { type: 'cost-state', totalCostUSD: 'a lot' },
      { type: 42, sessionId: 7, timestamp: 'yesterday' },
      {},
    ];
    for (const entry of odd) expect(() => summarizeTranscript([JSON.stringify(entry)], CTX)).not.toThrow();
    const [usage] = ofKind(parseTranscriptLine(JSON.stringify({ type: 'assistant', uuid: 'u1', message: { usage: { input_tokens: 4 } } }), CTX).facts, 'usage');
    expect(usage).toMatchObject({ messageKey: 'u1', model: 'unknown', usage: tokens(4, 0, 0, 0), at: NOW });
  });
});

/** The skip as first written, on decoded text: six searches a line. */
function inertByWords(line: string): boolean {
  const text = line.trim();
  if (!text.startsWith('{') || !text.endsWith('}')) return false;
  if (line.includes('"toolUseResult"')) return true;
  return !['"usage"', '"type":"user"', '"type":"system"', '"cost-state"', '"costUSD"', '"isApiErrorMessage"'].some((word) => line.includes(word));
}

const inert = (line: string | Buffer): boolean => isInertLine(typeof line === 'string' ? Buffer.from(line) : line);

describe('isInertLine', () => {
  it('skips only lines whose absence changes nothing: every transcript fixture summarizes the same', () => {
    let skipped = 0;
    for (const file of transcriptFiles) {
      const lines = readLines(file);
      const kept = lines.filter((line) => !inert(line));
      skipped += lines.length - kept.length;
      const all = summarizeTranscript(lines, CTX);
      const some = summarizeTranscript(kept, CTX);
      expect({ ...some, lines: 0 }, file).toEqual({ ...all, lines: 0 });
    }
    // It must skip something worth skipping.
    expect(skipped).toBeGreaterThan(100);
  });

  it('skips exactly the lines the search for each word on decoded text skipped, on every transcript fixture', () => {
    for (const file of transcriptFiles) {
      for (const line of readLines(file)) expect(inert(line), line.slice(0, 80)).toBe(inertByWords(line));
    }
  });

  it('finds a tool result after other words, and nothing in escaped text', () => {
    expect(inert('{"type":"user","message":{"content":[]},"toolUseResult":{"stdout":"x"}}')).toBe(true);
    expect(inert('{"type":"user","message":{"content":"say \\"toolUseResult\\""}}')).toBe(false);
    expect(inert('{"type":"user","message":{"content":"é 😀"}}')).toBe(false);
    expect(inert('{"type":"file-history-snapshot","snapshot":{}}')).toBe(true);
  });

  it('parses what is not whole, and bytes that do not decode', () => {
    const snapshot = '{"type":"file-history-snapshot"}';
    expect(inert(`  ${snapshot}\t\r`)).toBe(true);
    expect(inert(snapshot.slice(0, -1))).toBe(false);
    expect(inert('')).toBe(false);
    // A stray continuation byte decodes to U+FFFD, which no trim removes: parsed, so it is reported.
    expect(inert(Buffer.concat([Buffer.from(snapshot), Buffer.from([0xa0])]))).toBe(false);
    expect(inert(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(snapshot)]))).toBe(false);
  });
});
