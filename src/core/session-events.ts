import type { Fact } from './facts.js';
import { limitDetail as reportDetail, SAME_LIMIT_EVENT_MS } from './limit-event.js';
import { windowName } from './limit-windows.js';

/**
 * A session's history as a person reads it: start, prompts, answers, limits, errors, end. The
 * recorder stores every fact; most (token counts, repeated identifications) are bookkeeping,
 * and this picks and words the ones that tell what happened. Pure.
 */
export type SessionEventType = 'start' | 'prompt' | 'answer' | 'limit' | 'warning' | 'resume' | 'error' | 'git' | 'end';

export interface SessionEvent {
  at: number;
  type: SessionEventType;
  detail: string;
}

export interface StoredFact {
  at: number;
  fact: Fact;
}

/** Instants in an event's words, as readers who did not say otherwise get them: ISO, in UTC. */
export const ISO_TIME = (at: number): string => new Date(at).toISOString();

/** `time` writes the instants the words name (a limit's reset): the reader's display zone. */
export function describeSessionEvents(facts: readonly StoredFact[], time: (at: number) => string = ISO_TIME): SessionEvent[] {
  const ordered = [...facts].sort((a, b) => timeOf(a) - timeOf(b));
  const events: SessionEvent[] = [];
  const limits: LimitEvent[] = [];
  let prompts = 0;
  let answers = 0;
  for (const stored of ordered) {
    if (stored.fact.kind === 'rate-limit') {
      addLimit(stored.fact, limits, events);
      continue;
    }
    for (const event of describe(stored.fact, stored.at, { prompts, answers }, time)) {
      if (event.type === 'prompt') prompts += 1;
      if (event.type === 'answer') answers += 1;
      events.push(event);
    }
  }
  for (const limit of limits) limit.event.detail = limitDetail(limit.best, [...limit.sources], time);
  // Commits are read at the end but happened during the session: the log is in time order.
  return events.sort((a, b) => a.at - b.at);
}

/** Facts carry their own time where the source gave one (a transcript line, a hook); else when they were stored. */
function timeOf({ at, fact }: StoredFact): number {
  return 'at' in fact && typeof fact.at === 'number' ? fact.at : at;
}

type RateLimitFact = Extract<Fact, { kind: 'rate-limit' }>;

interface LimitEvent {
  event: SessionEvent;
  best: RateLimitFact;
  sources: Set<string>;
}

/**
 * The transcript, a hook and the screen often report the same limit: the log shows it once, in
 * the words of its most exact report, naming every source that saw it.
 */
function addLimit(fact: RateLimitFact, limits: LimitEvent[], events: SessionEvent[]): void {
  const same = limits.find((limit) => limit.event.type === fact.severity && fact.at - limit.event.at <= SAME_LIMIT_EVENT_MS);
  if (same) {
    same.sources.add(fact.source);
    if (exactness(fact) > exactness(same.best)) same.best = fact;
    return;
  }
  const event: SessionEvent = { at: fact.at, type: fact.severity, detail: '' };
  limits.push({ event, best: fact, sources: new Set([fact.source]) });
  events.push(event);
}

/** How much a report says (core/limit-event.ts); an exact reset instant beats one read off text. */
function exactness(fact: RateLimitFact): number {
  return reportDetail({ kind: fact.limitKind, resetsAt: fact.resetsAt, source: fact.source }) * 2 + (fact.resetPrecision === 'minute' ? 0 : 1);
}

function limitDetail(fact: RateLimitFact, sources: string[], time: (at: number) => string): string {
  const reset = fact.resetsAt === null ? 'reset time unknown' : `resets ${time(fact.resetsAt)}`;
  const used = fact.utilization === undefined ? '' : `, ${Math.round(fact.utilization * 100)}% used`;
  return `${fact.limitKind} ${fact.severity}${used}, ${reset} (${sources.join(', ')})`;
}

function describe(fact: Fact, at: number, counts: { prompts: number; answers: number }, time: (at: number) => string): SessionEvent[] {
  switch (fact.kind) {
    case 'session-started':
      return [{ at: fact.at, type: 'start', detail: describeStart(fact) }];
    case 'hook':
      if (fact.event === 'UserPromptSubmit') {
        const words = fact.text === undefined ? '' : `: ${fact.text}`;
        return [{ at: fact.at, type: 'prompt', detail: `prompt ${counts.prompts + 1}${words}` }];
      }
      if (fact.event === 'StopFailure') return [{ at: fact.at, type: 'error', detail: 'the turn stopped on an API error' }];
      return [];
    case 'turn-completed':
      return [{ at: fact.at, type: 'answer', detail: `answer ${counts.answers + 1}` }];
    case 'result':
      if (fact.isError) return [{ at, type: 'error', detail: `result ${fact.subtype}${fact.apiError ? ` (${fact.apiError})` : ''}` }];
      return [{ at, type: 'answer', detail: `result after ${fact.numTurns ?? '?'} turn(s)` }];
    case 'api-retry':
      return [
        {
          at: fact.at,
          type: 'error',
          detail: `API error${fact.errorStatus ? ` ${fact.errorStatus}` : ''}${fact.error ? ` ${fact.error}` : ''}, retry ${fact.attempt}${fact.maxRetries ? `/${fact.maxRetries}` : ''}`,
        },
      ];
    case 'git-commits':
      // Oldest first, like everything else in the log.
      return [...fact.commits].reverse().map((commit) => ({ at: commit.at, type: 'git' as const, detail: `commit ${commit.hash.slice(0, 10)} ${commit.subject}` }));
    case 'limit-resume':
      return describeResume(fact, time);
    case 'child-exited':
      return [{ at: fact.at, type: 'end', detail: `claude exited ${fact.exitCode}${fact.signal ? ` (${fact.signal})` : ''}` }];
    default:
      return [];
  }
}

/** The opt-in continue after a limit: when it will type, that it did, or why it did not. */
function describeResume(fact: Extract<Fact, { kind: 'limit-resume' }>, time: (at: number) => string): SessionEvent[] {
  const limit = `${windowName(fact.limitKind)} limit`;
  switch (fact.stage) {
    case 'planned':
      return fact.resumeAt === null ? [] : [{ at: fact.at, type: 'resume', detail: `continue after the ${limit} planned for ${time(fact.resumeAt)}` }];
    case 'typed':
      return [{ at: fact.at, type: 'resume', detail: `continued after the ${limit}: the resume prompt typed` }];
    case 'skipped':
      return [{ at: fact.at, type: 'resume', detail: `not continued after the ${limit}: ${fact.reason ?? 'reason unknown'}` }];
  }
}

function describeStart(fact: Extract<Fact, { kind: 'session-started' }>): string {
  const branch = fact.gitBranch === null ? '' : ` on branch ${fact.gitBranch}`;
  const place = fact.place === null ? '' : `, ${fact.place.kind} (${fact.place.isolationKey})`;
  return `${fact.mode} in ${fact.cwd}${branch}${place}`;
}
