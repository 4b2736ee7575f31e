import type { Fact, RateLimitObservedFact } from '../core/facts.js';
import { isRecord } from '../core/print-events.js';
import { matchRateLimitText } from '../core/rate-limit-text.js';
import { factsFromStatusline } from './statusline.js';

/**
 * Reads the lines our hook command appends to a session's inbox (see shims/claudewatch-hook): Claude's
 * hook input, reduced to metadata. Pure; never throws.
 *
 * - SessionStart names the Claude session and its transcript (again after `/clear` or a resume).
 * - StopFailure with `error: "rate_limit"` is a limit; its text, when given, names the window.
 * - Every event is kept as a `hook` fact for the session's history; the tool, the notification's
 *   type and its words say what Claude waits for (core/attention.ts).
 * - A `statusline` line is what `cw statusline` passed on from Claude's statusline input: only its
 *   limit windows are taken (see runner/statusline-inbox.ts), and it is no hook event.
 */
export interface HookLine {
  event: string;
  at: number;
  claudeSessionId: string | null;
  transcriptPath: string | null;
}

export function parseHookLine(line: string, ctx: { now: number; timeZone: string }): { hook: HookLine | null; facts: Fact[] } {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return { hook: null, facts: line.trim() === '' ? [] : [{ kind: 'line-rejected', source: 'hook', reason: 'hook inbox line is not JSON' }] };
  }
  if (isRecord(entry) && isRecord(entry.statusline)) {
    const at = typeof entry.at === 'number' && Number.isFinite(entry.at) ? entry.at : ctx.now;
    return { hook: null, facts: factsFromStatusline(entry.statusline, at).filter(isLimitFact) };
  }
  if (!isRecord(entry) || typeof entry.hook_event_name !== 'string') {
    return { hook: null, facts: [{ kind: 'line-rejected', source: 'hook', reason: 'hook inbox line has no event name' }] };
  }
  const at = typeof entry.at === 'number' && Number.isFinite(entry.at) ? entry.at : ctx.now;
  const hook: HookLine = {
    event: entry.hook_event_name,
    at,
    claudeSessionId: text(entry.session_id),
    transcriptPath: text(entry.transcript_path),
  };
  const facts: Fact[] = [
    {
      kind: 'hook',
      source: 'hook',
      event: hook.event,
      at,
      ...(text(entry.reason) ? { detail: text(entry.reason)! } : {}),
      ...(hook.event === 'UserPromptSubmit' && text(entry.prompt) ? { text: text(entry.prompt)! } : {}),
      ...(text(entry.tool_name) ? { toolName: text(entry.tool_name)! } : {}),
      ...(text(entry.notification_type) ? { notificationType: text(entry.notification_type)! } : {}),
      ...(hook.event === 'Notification' && text(entry.message) ? { message: text(entry.message)! } : {}),
    },
  ];
  if (hook.event === 'SessionStart' && hook.claudeSessionId !== null) {
    facts.push({
      kind: 'session-identified',
      source: 'hook',
      claudeSessionId: hook.claudeSessionId,
      ...(hook.transcriptPath !== null ? { transcriptPath: hook.transcriptPath } : {}),
      ...(text(entry.cwd) ? { cwd: text(entry.cwd)! } : {}),
      ...(text(entry.model) ? { model: text(entry.model)! } : {}),
    });
  }
  if (hook.event === 'StopFailure') {
    const limit = limitOfFailure(entry, at, ctx.timeZone);
    if (limit) facts.push(limit);
  }
  return { hook, facts };
}

function limitOfFailure(entry: Record<string, unknown>, at: number, timeZone: string): RateLimitObservedFact | null {
  const messages = Object.entries(entry)
    .filter(([field, value]) => field !== 'error' && /error/i.test(field) && typeof value === 'string')
    .map(([, value]) => value as string);
  for (const message of messages) {
    const match = matchRateLimitText(message, { now: at, timeZone });
    if (match) {
      return {
        kind: 'rate-limit',
        source: 'hook',
        severity: match.severity,
        limitKind: match.limitKind,
        resetsAt: match.resetsAt,
        resetPrecision: match.resetPrecision,
        text: match.text,
        ...(match.utilization !== undefined ? { utilization: match.utilization } : {}),
        at,
      };
    }
  }
  if (entry.error !== 'rate_limit') return null;
  // The hook says a limit stopped the turn but not which one: the transcript or screen will tell.
  return { kind: 'rate-limit', source: 'hook', severity: 'limit', limitKind: 'subscription', resetsAt: null, at };
}

/** Cost from the statusline is left out: it counts what a resumed session spent before we started. */
function isLimitFact(fact: Fact): boolean {
  return fact.kind === 'limit-window' || fact.kind === 'rate-limit';
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}
