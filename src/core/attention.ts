import type { HookFact, PromptSeenFact } from './facts.js';

/**
 * Whether Claude works, or waits for the user: mid-turn on a question (a permission prompt, a
 * question it asked, an elicitation), or idle between turns. Read from hooks where the version
 * fires them and from the screen where it does not (and for a prompt denied with Esc, which fires
 * no hook). Pure: a fact in, the new attention out.
 */
export type WaitingReason = 'permission' | 'question' | 'other';

export interface Waiting {
  since: number;
  reason: WaitingReason;
  /** Claude's own words for it ("Claude needs your permission to use Bash"), never the user's. */
  message: string;
}

export type Activity = 'working' | 'idle';

export interface Attention {
  waiting: Waiting | null;
  activity: Activity | null;
}

export const NO_ATTENTION: Attention = { waiting: null, activity: null };

/** Claude's tool for asking the user a question with choices. */
const QUESTION_TOOL = 'AskUserQuestion';
/** Longer words are not Claude's notice but something quoted in it. */
const MAX_MESSAGE_CHARS = 200;
const GENERIC_PERMISSION = 'Claude needs your permission';

export function reduceAttention(attention: Attention, fact: HookFact | PromptSeenFact): Attention {
  return fact.kind === 'hook' ? afterHook(attention, fact) : afterScreen(attention, fact);
}

function afterHook(attention: Attention, fact: HookFact): Attention {
  switch (fact.event) {
    case 'UserPromptSubmit':
      return { waiting: null, activity: 'working' };
    case 'PreToolUse':
      // The question tool waits for the answer as a tool; any other tool starts after one.
      if (fact.toolName === QUESTION_TOOL) return waitFor(attention, 'question', 'Claude asked you a question', fact.at);
      return { waiting: null, activity: 'working' };
    case 'PermissionRequest':
      if (fact.toolName === QUESTION_TOOL) return waitFor(attention, 'question', 'Claude asked you a question', fact.at);
      return waitFor(attention, 'permission', fact.toolName ? `Claude needs your permission to use ${fact.toolName}` : GENERIC_PERMISSION, fact.at);
    case 'PostToolUse':
    case 'PostToolUseFailure':
      return { waiting: null, activity: 'working' };
    case 'Notification':
      return afterNotification(attention, fact);
    case 'Stop':
    case 'StopFailure':
    case 'SessionStart':
    case 'SessionEnd':
      return { waiting: null, activity: 'idle' };
    default:
      return attention;
  }
}

function afterNotification(attention: Attention, fact: HookFact): Attention {
  const message = clip(fact.message);
  // Versions before the notification type said it only in words.
  const type = fact.notificationType ?? (/permission/i.test(message) ? 'permission_prompt' : /waiting for your input/i.test(message) ? 'idle_prompt' : undefined);
  switch (type) {
    case 'permission_prompt':
      return waitFor(attention, 'permission', message || GENERIC_PERMISSION, fact.at);
    case 'elicitation_dialog':
      return waitFor(attention, 'question', message || 'Claude asks for your input', fact.at);
    case 'idle_prompt':
      // Claude has been idle a while: nothing of the turn is pending any more.
      return { waiting: null, activity: 'idle' };
    default:
      return attention;
  }
}

/**
 * The screen tells of a prompt drawn and gone, never of a turn's start or end: where no hook has
 * said what Claude is doing (1.0.x takes none of ours), the activity stays unknown rather than
 * "working" for ever after the first prompt.
 */
function afterScreen(attention: Attention, fact: PromptSeenFact): Attention {
  switch (fact.prompt) {
    case 'permission': {
      const waiting = waitFor(attention, 'permission', GENERIC_PERMISSION, fact.at);
      return attention.activity === null ? { ...waiting, activity: null } : waiting;
    }
    case 'gone':
      // The prompt left the screen: answered. Other questions are cleared by their own hooks.
      return attention.waiting?.reason === 'permission' ? { waiting: null, activity: attention.activity } : attention;
    case 'interrupted':
      return { waiting: null, activity: attention.activity === null ? null : 'idle' };
  }
}

/** A wait already under way keeps its start; the screen's generic words give way to a hook's. */
function waitFor(attention: Attention, reason: WaitingReason, message: string, at: number): Attention {
  const current = attention.waiting;
  if (current?.reason !== reason) return { waiting: { since: at, reason, message }, activity: 'working' };
  const words = current.message === GENERIC_PERMISSION ? message : current.message;
  if (words === current.message && attention.activity === 'working') return attention;
  return { waiting: { ...current, message: words }, activity: 'working' };
}

function clip(message: string | undefined): string {
  const text = (message ?? '').trim();
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS - 1)}…` : text;
}
