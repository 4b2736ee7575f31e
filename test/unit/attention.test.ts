import { describe, expect, it } from 'vitest';
import { NO_ATTENTION, reduceAttention, type Attention } from '../../src/core/attention.js';
import type { HookFact, PromptSeenFact } from '../../src/core/facts.js';

const T0 = Date.UTC(2026, 11, 7, 9, 0, 0);
const hook = (event: string, at: number, extra: Partial<HookFact> = {}): HookFact => ({ kind: 'hook', source: 'hook', event, at: T0 + at, ...extra });
const screen = (prompt: PromptSeenFact['prompt'], at: number): PromptSeenFact => ({ kind: 'prompt-seen', source: 'screen', prompt, at: T0 + at });
const replay = (facts: Array<HookFact | PromptSeenFact>, from: Attention = NO_ATTENTION): Attention[] => {
  const seen: Attention[] = [];
  facts.reduce((attention, fact) => {
    const next = reduceAttention(attention, fact);
    seen.push(next);
    return next;
  }, from);
  return seen;
};

describe('reduceAttention', () => {
  it('2.1.330 accepting a prompt: PermissionRequest waits, the 6 s notice keeps its start, PostToolUse and Stop end it', () => {
    const steps = replay([
      hook('SessionStart', 0),
      hook('UserPromptSubmit', 1000),
      hook('PreToolUse', 2000, { toolName: 'Bash' }),
      hook('PermissionRequest', 2200, { toolName: 'Bash' }),
      screen('permission', 2300),
      hook('Notification', 8200, { notificationType: 'permission_prompt', message: 'Claude needs your permission to use Bash' }),
      screen('gone', 9000),
      hook('PostToolUse', 9100, { toolName: 'Bash' }),
      hook('Stop', 10_000),
      hook('Notification', 70_000, { notificationType: 'idle_prompt', message: 'Claude is waiting for your input' }),
    ]);
    expect(steps.map((step) => step.activity)).toEqual(['idle', 'working', 'working', 'working', 'working', 'working', 'working', 'working', 'idle', 'idle']);
    const wait = { since: T0 + 2200, reason: 'permission', message: 'Claude needs your permission to use Bash' };
    expect(steps.slice(3, 6).map((step) => step.waiting)).toEqual([wait, wait, wait]);
    expect(steps.slice(6).map((step) => step.waiting)).toEqual([null, null, null, null]);
  });

  it('denied with Esc (no hook fires): the screen clears the wait and ends the turn', () => {
    const steps = replay([hook('UserPromptSubmit', 0), hook('PermissionRequest', 500, { toolName: 'Bash' }), screen('gone', 3000), screen('interrupted', 3000)]);
    expect(steps[1]!.waiting?.reason).toBe('permission');
    expect(steps[2]).toEqual({ waiting: null, activity: 'working' });
    expect(steps[3]).toEqual({ waiting: null, activity: 'idle' });
  });

  it('a version without PermissionRequest: the screen tells first, the notice adds its words, not a new start', () => {
    const steps = replay([hook('UserPromptSubmit', 0), screen('permission', 400), hook('Notification', 6400, { message: 'Claude needs your permission to use Bash' })]);
    expect(steps[1]!.waiting).toEqual({ since: T0 + 400, reason: 'permission', message: 'Claude needs your permission' });
    expect(steps[2]!.waiting).toEqual({ since: T0 + 400, reason: 'permission', message: 'Claude needs your permission to use Bash' });
  });

  it('a version without our hooks (1.0.60): the screen sets and clears the wait, the activity stays unknown', () => {
    const steps = replay([screen('permission', 400), screen('gone', 3000), screen('permission', 5000), screen('gone', 6000), screen('interrupted', 6000)]);
    expect(steps.map((step) => step.activity)).toEqual([null, null, null, null, null]);
    expect(steps.map((step) => step.waiting?.since ?? null)).toEqual([T0 + 400, null, T0 + 5000, null, null]);
  });

  it('a question Claude asks, and an elicitation, are questions; a new prompt ends any wait', () => {
    const asked = replay([hook('PreToolUse', 0, { toolName: 'AskUserQuestion' })]).at(-1)!;
    expect(asked.waiting).toMatchObject({ reason: 'question', since: T0 });
    const elicited = replay([hook('Notification', 0, { notificationType: 'elicitation_dialog', message: 'Server wants your login' })]).at(-1)!;
    expect(elicited.waiting).toMatchObject({ reason: 'question', message: 'Server wants your login' });
    expect(reduceAttention(elicited, hook('UserPromptSubmit', 5))).toEqual({ waiting: null, activity: 'working' });
    // The screen's prompt leaving says nothing of a question it did not show.
    expect(reduceAttention(asked, screen('gone', 5))).toBe(asked);
  });

  it('events that say nothing of attention change nothing', () => {
    const working: Attention = { waiting: null, activity: 'working' };
    expect(reduceAttention(working, hook('SubagentStop', 0))).toBe(working);
    expect(reduceAttention(working, hook('Notification', 0, { notificationType: 'auth_success', message: 'Signed in' }))).toBe(working);
  });
});
