import type { TokenUsage } from './facts.js';

/**
 * Which reports of an assistant message are the same message, and which of them stands. Every
 * writer of usage (a live run, the history import, a migration) decides both with these two
 * rules, so a message is one row whoever saw it first and however often it was written again.
 */

/** What identifies a message: its API id, and the request that produced it where Claude wrote it down. */
export interface MessageIdentity {
  messageId: string;
  requestId: string | null;
}

/** The key a message is stored under: `message.id:requestId` where both exist, else the id alone. */
export function messageKeyOf(identity: MessageIdentity): string {
  return identity.requestId === null ? identity.messageId : `${identity.messageId}:${identity.requestId}`;
}

/**
 * The stored report a new one is the same message as, among the reports of one message id, or -1.
 * One id with one request is one message. A report without a request id is a copy of a message
 * whose id is known (Claude Code 1.x copies earlier messages into a resumed transcript without
 * it); a report with one matches a stored report that lacked it. One id with two different
 * request ids is two messages (a mock API, or a retried request that reused an id).
 */
export function findSameMessage(report: MessageIdentity, stored: readonly MessageIdentity[]): number {
  const exact = stored.findIndex((candidate) => candidate.messageId === report.messageId && candidate.requestId === report.requestId);
  if (exact !== -1 || report.requestId !== null) {
    return exact !== -1 ? exact : stored.findIndex((candidate) => candidate.messageId === report.messageId && candidate.requestId === null);
  }
  return stored.findIndex((candidate) => candidate.messageId === report.messageId);
}

/**
 * Whether `candidate` says more about a message than `current`. Claude writes a message's line
 * again for each content block while its output grows, and a streamed event carries the count
 * from before the output; the fullest count is the true one. Output decides, then the prompt's
 * side; a report that says no more than the stored one leaves it standing.
 */
export function isMoreComplete(candidate: TokenUsage, current: TokenUsage): boolean {
  if (candidate.outputTokens !== current.outputTokens) return candidate.outputTokens > current.outputTokens;
  return promptTokens(candidate) > promptTokens(current);
}

function promptTokens(usage: TokenUsage): number {
  return usage.inputTokens + usage.cacheCreationTokens + usage.cacheReadTokens;
}
