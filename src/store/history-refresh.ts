import { loadPriceTable } from '../core/price-config.js';
import { computeCostUsd } from '../core/pricing.js';
import type { RunnerConfig } from '../shared/config.js';
import type { Db } from './database.js';
import { importTranscripts, transcriptRoots, type ImportProgress, type ImportSummary } from './history-import.js';

type Env = Record<string, string | undefined>;

/**
 * Brings the history up to date with Claude's transcripts: what every report does first, so a
 * report is never older than the files it describes. Only what is new is read.
 */
export function refreshHistory(
  db: Db,
  config: RunnerConfig & Record<string, unknown>,
  env: Env = process.env,
  onProgress?: (progress: ImportProgress) => void,
): ImportSummary {
  const { table } = loadPriceTable(config);
  return importTranscripts(db, {
    roots: transcriptRoots(env),
    priceUsage: (model, usage, options) => computeCostUsd(model, usage, table, options),
    now: () => Date.now(),
    timeZone: env.TZ || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    ...(onProgress ? { onProgress } : {}),
  });
}
