import { loadPriceTable } from '../core/price-config.js';
import { computeCostUsd } from '../core/pricing.js';
import type { RunnerConfig } from '../shared/config.js';
import { localTimeZone } from '../shared/time-zone.js';
import type { Db } from '../store/database.js';
import { importTranscripts, transcriptRoots, type ImportProgress, type ImportSummary } from './import.js';
import { readingThreads } from './reading-pool.js';

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
  tuneForImport(db);
  return importTranscripts(db, {
    roots: transcriptRoots(env),
    priceUsage: (model, usage, options) => computeCostUsd(model, usage, table, options),
    now: () => Date.now(),
    timeZone: localTimeZone(env),
    threads: (bytes) => readingThreads(env, bytes),
    ...(onProgress ? { onProgress } : {}),
  });
}

/**
 * Settings for this connection only, which may write a lot: statement journals (an upsert in a
 * transaction keeps one) in memory instead of a temporary file, a page cache that holds the
 * indexes being written, and fewer, larger checkpoints. Durability stays what openDatabase set.
 */
function tuneForImport(db: Db): void {
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -16384');
  db.pragma('wal_autocheckpoint = 10000');
}
