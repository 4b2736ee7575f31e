import type { TokenUsage } from './facts.js';

/** The sum of two usages; the 5 min / 1 h cache-write split is kept when either side has it. */
export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  const sum: TokenUsage = {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheCreationTokens: a.cacheCreationTokens + b.cacheCreationTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
  };
  if (a.cacheCreation5mTokens !== undefined || b.cacheCreation5mTokens !== undefined) {
    sum.cacheCreation5mTokens = (a.cacheCreation5mTokens ?? 0) + (b.cacheCreation5mTokens ?? 0);
  }
  if (a.cacheCreation1hTokens !== undefined || b.cacheCreation1hTokens !== undefined) {
    sum.cacheCreation1hTokens = (a.cacheCreation1hTokens ?? 0) + (b.cacheCreation1hTokens ?? 0);
  }
  return sum;
}

/** `a` less `b`: what remains of a total when one report it held is taken out. */
export function subtractUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  const negated: TokenUsage = {
    inputTokens: -b.inputTokens,
    outputTokens: -b.outputTokens,
    cacheCreationTokens: -b.cacheCreationTokens,
    cacheReadTokens: -b.cacheReadTokens,
  };
  if (b.cacheCreation5mTokens !== undefined) negated.cacheCreation5mTokens = -b.cacheCreation5mTokens;
  if (b.cacheCreation1hTokens !== undefined) negated.cacheCreation1hTokens = -b.cacheCreation1hTokens;
  return addUsage(a, negated);
}
