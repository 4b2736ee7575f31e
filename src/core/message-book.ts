import type { TokenUsage, UsageObservedFact } from './facts.js';
import { ZERO_USAGE } from './facts.js';
import { findSameMessage, isMoreComplete, messageKeyOf, type MessageIdentity } from './message-identity.js';

/**
 * The messages one run has seen, so each usage report becomes a difference the session's running
 * totals can take in constant time: a new message adds its counts, a fuller report of one adds
 * what it says more, a copy of earlier work (a resumed transcript) adds nothing. The book asks the
 * ledger once per message id what it already holds; what it decides is checked again when the
 * ledger writes it, and corrected if the ledger knew better.
 */

/** A message as the ledger holds it, for the book to place new reports against. */
export interface StoredMessage extends MessageIdentity {
  model: string;
  usage: TokenUsage;
  answersPrompt: boolean;
  /** The run that added it; null for one only imported. */
  runId: string | null;
  at: number;
}

/** A message as this run knows it: the standing report, and whether it counts as this run's. */
export interface BookEntry extends MessageIdentity {
  model: string;
  usage: TokenUsage;
  at: number | null;
  claudeSessionId: string | null;
  sidechain: boolean;
  answersPrompt: boolean;
  /** Earlier work this run only saw again: never counted. */
  inherited: boolean;
  /** Whether the run's totals hold it yet. */
  counted: boolean;
}

export type LookupStored = (messageId: string) => readonly StoredMessage[];

/**
 * Messages the ledger holds from before the run are earlier work, unless nobody claimed them and
 * they were answered after the run began (an import that ran meanwhile got there first). Copies
 * carry new times, so the stored message's own time decides, not the copy's.
 */
export function isClaimable(stored: Pick<StoredMessage, 'runId' | 'at'>, runId: string, runStartedAt: number): boolean {
  return stored.runId === runId || (stored.runId === null && stored.at >= runStartedAt);
}

export class MessageBook {
  private readonly byId = new Map<string, BookEntry[]>();
  private readonly dirty = new Set<BookEntry>();

  constructor(
    private readonly runId: string,
    private readonly runStartedAt: number,
  ) {}

  /**
   * The report placed: with the standing counts and what they replace, or null when it changes
   * nothing. `lookup` is asked once per message id, the first time the book sees it.
   */
  place(fact: UsageObservedFact, lookup?: LookupStored): UsageObservedFact | null {
    const entries = this.entriesOf(fact.messageId, lookup);
    const index = findSameMessage(fact, entries);
    if (index === -1) {
      const entry = entryOf(fact);
      entries.push(entry);
      this.dirty.add(entry);
      return { ...fact, placement: { kind: 'new' } };
    }
    const entry = entries[index]!;
    const before = { model: entry.model, usage: entry.usage, answersPrompt: entry.answersPrompt, requestId: entry.requestId };
    mergeInto(entry, fact);
    const changed =
      entry.usage !== before.usage || entry.answersPrompt !== before.answersPrompt || entry.requestId !== before.requestId || entry.model !== before.model;
    if (changed) this.dirty.add(entry);
    const standing = { ...fact, requestId: entry.requestId, model: entry.model, usage: entry.usage, answersPrompt: entry.answersPrompt };
    if (entry.inherited) return changed ? { ...standing, placement: { kind: 'inherited' } } : null;
    if (!entry.counted) {
      entry.counted = true;
      this.dirty.add(entry);
      return { ...standing, placement: { kind: 'new' } };
    }
    if (entry.usage === before.usage && entry.answersPrompt === before.answersPrompt && entry.model === before.model) return null;
    return { ...standing, placement: { kind: 'replaces', model: before.model, usage: before.usage, answersPrompt: before.answersPrompt } };
  }

  /** Entries changed since the last call, for the ledger to write. */
  takeDirty(): BookEntry[] {
    const entries = [...this.dirty];
    this.dirty.clear();
    return entries;
  }

  /** Entries handed out by `takeDirty` whose write did not happen: offered again next time. */
  restoreDirty(entries: readonly BookEntry[]): void {
    for (const entry of entries) this.dirty.add(entry);
  }

  /**
   * The ledger found a message the book counted to be earlier work after all (a copy of a message
   * the book could not look up): the fact that takes it back out of the run's totals.
   */
  markInherited(entry: BookEntry): UsageObservedFact | null {
    if (entry.inherited) return null;
    entry.inherited = true;
    if (!entry.counted) return null;
    entry.counted = false;
    return {
      kind: 'usage',
      source: 'runner',
      messageKey: messageKeyOf(entry),
      messageId: entry.messageId,
      requestId: entry.requestId,
      model: entry.model,
      usage: { ...ZERO_USAGE },
      placement: { kind: 'withdrawn', model: entry.model, usage: entry.usage, answersPrompt: entry.answersPrompt },
    };
  }

  private entriesOf(messageId: string, lookup: LookupStored | undefined): BookEntry[] {
    let entries = this.byId.get(messageId);
    if (entries) return entries;
    entries = (lookup?.(messageId) ?? []).map((stored) => this.entryOfStored(stored));
    this.byId.set(messageId, entries);
    return entries;
  }

  private entryOfStored(stored: StoredMessage): BookEntry {
    return {
      messageId: stored.messageId,
      requestId: stored.requestId,
      model: stored.model,
      usage: stored.usage,
      at: stored.at,
      claudeSessionId: null,
      sidechain: false,
      answersPrompt: stored.answersPrompt,
      inherited: !isClaimable(stored, this.runId, this.runStartedAt),
      counted: false,
    };
  }
}

function entryOf(fact: UsageObservedFact): BookEntry {
  return {
    messageId: fact.messageId,
    requestId: fact.requestId,
    model: fact.model,
    usage: fact.usage,
    at: fact.at ?? null,
    claudeSessionId: fact.claudeSessionId ?? null,
    sidechain: fact.sidechain === true,
    answersPrompt: fact.answersPrompt === true,
    inherited: false,
    counted: true,
  };
}

/** A report of a message the entry already holds: the fuller counts win, and what either says alone is kept. */
function mergeInto(entry: BookEntry, fact: UsageObservedFact): void {
  if (isMoreComplete(fact.usage, entry.usage)) {
    entry.usage = fact.usage;
    if (isRealModel(fact.model)) entry.model = fact.model;
  }
  if (!isRealModel(entry.model) && isRealModel(fact.model)) entry.model = fact.model;
  entry.requestId ??= fact.requestId;
  entry.claudeSessionId ??= fact.claudeSessionId ?? null;
  entry.answersPrompt ||= fact.answersPrompt === true;
  entry.sidechain ||= fact.sidechain === true;
  if (fact.at !== undefined && (entry.at === null || fact.at < entry.at)) entry.at = fact.at;
}

function isRealModel(model: string): boolean {
  return model !== 'unknown' && model !== '<synthetic>';
}
