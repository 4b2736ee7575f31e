/**
 * What a wrapped session shares with the other sessions of its account (Claude's config
 * directory), chosen with `cw-run --isolation`, CLAUDEWATCH_ISOLATION or "isolation" in
 * config.json:
 * - `complete`: nothing. Limits it meets are kept to itself, it reads none of the others', and it
 *   does not take current_session.json over from a live session (`--no-coordination`).
 * - `shared-learning` (the default): limits any session meets are shown by all until they reset.
 * - `unified`: as shared-learning, and its state file also lists the account's other live
 *   sessions, so one file shows the whole account.
 */
export type Isolation = 'complete' | 'shared-learning' | 'unified';

export const ISOLATION_LEVELS: readonly Isolation[] = ['complete', 'shared-learning', 'unified'];
export const DEFAULT_ISOLATION: Isolation = 'shared-learning';

export function parseIsolation(value: unknown): Isolation | null {
  return typeof value === 'string' && (ISOLATION_LEVELS as readonly string[]).includes(value) ? (value as Isolation) : null;
}

export function sharesLimits(isolation: Isolation): boolean {
  return isolation !== 'complete';
}
