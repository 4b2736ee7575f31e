import { describe, expect, it } from 'vitest';
import type { Fact } from '../../src/core/facts.js';
import { describeSessionEvents } from '../../src/core/session-events.js';

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);
const at = (seconds: number): number => T0 + seconds * 1000;
const stored = (seconds: number, fact: Fact) => ({ at: at(seconds), fact });

describe('describeSessionEvents', () => {
  it('tells the session in time order, one event per limit however many sources saw it', () => {
    const facts = [
      stored(0, { kind: 'session-started', source: 'runner', at: at(0), mode: 'interactive', cwd: '/w', gitBranch: 'main', place: null }),
      // Stored after the transcript's answer, but the hook says when the prompt was typed.
      stored(6, { kind: 'turn-completed', source: 'transcript', at: at(5) }),
      stored(6, { kind: 'hook', source: 'hook', event: 'UserPromptSubmit', at: at(2) }),
      stored(6, { kind: 'usage', source: 'transcript', messageKey: 'm1', messageId: 'm1', requestId: null, model: 'claude-sonnet-4-5', usage: { inputTokens: 1, outputTokens: 2, cacheCreationTokens: 0, cacheReadTokens: 0 }, at: at(4) }),
      stored(10, { kind: 'rate-limit', source: 'hook', severity: 'limit', limitKind: 'subscription', resetsAt: null, at: at(10) }),
      stored(10, { kind: 'rate-limit', source: 'transcript', severity: 'limit', limitKind: 'five_hour', resetsAt: at(3600), at: at(9) }),
      stored(11, { kind: 'rate-limit', source: 'screen', severity: 'limit', limitKind: 'five_hour', resetsAt: at(3600), at: at(11) }),
      stored(20, { kind: 'rate-limit', source: 'screen', severity: 'warning', limitKind: 'seven_day', resetsAt: at(86_400), utilization: 0.8, at: at(20) }),
      stored(30, { kind: 'git-commits', source: 'runner', at: at(30), commits: [{ hash: 'b'.repeat(40), subject: 'second', at: at(25) }, { hash: 'a'.repeat(40), subject: 'first', at: at(8) }] }),
      stored(30, { kind: 'child-exited', source: 'runner', exitCode: 0, signal: null, at: at(30) }),
    ];
    expect(describeSessionEvents(facts)).toEqual([
      { at: at(0), type: 'start', detail: 'interactive in /w on branch main' },
      { at: at(2), type: 'prompt', detail: 'prompt 1' },
      { at: at(5), type: 'answer', detail: 'answer 1' },
      { at: at(8), type: 'git', detail: 'commit aaaaaaaaaa first' },
      { at: at(9), type: 'limit', detail: `five_hour limit, resets ${new Date(at(3600)).toISOString()} (transcript, hook, screen)` },
      { at: at(20), type: 'warning', detail: `seven_day warning, 80% used, resets ${new Date(at(86_400)).toISOString()} (screen)` },
      { at: at(25), type: 'git', detail: 'commit bbbbbbbbbb second' },
      { at: at(30), type: 'end', detail: 'claude exited 0' },
    ]);
  });

  it('shows a captured prompt’s words, and errors of the API and of print results', () => {
    const events = describeSessionEvents([
      stored(1, { kind: 'hook', source: 'hook', event: 'UserPromptSubmit', text: 'fix the build', at: at(1) }),
      stored(2, { kind: 'api-retry', source: 'transcript', attempt: 1, maxRetries: 10, errorStatus: 529, error: 'overloaded_error', at: at(2) }),
      stored(3, { kind: 'result', source: 'stream-json', subtype: 'success', isError: true, apiError: 'usage_limit_reached' }),
    ]);
    expect(events.map((event) => event.detail)).toEqual(['prompt 1: fix the build', 'API error 529 overloaded_error, retry 1/10', 'result success (usage_limit_reached)']);
  });
});
