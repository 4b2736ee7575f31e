import { analyzeHistory, type Analysis } from '../core/analysis.js';
import { identifyBlocks } from '../core/blocks.js';
import type { Calendar } from '../core/calendar.js';
import { configuredTokensPerBlock, readSetting } from '../core/config-schema.js';
import { loadPriceTable } from '../core/price-config.js';
import type { LoadedConfig } from '../shared/config.js';
import { loadLimitEvents } from '../store/limit-history.js';
import { openForReading } from '../store/reader.js';
import { loadUsageRecords } from '../store/usage-records.js';
import { refreshHistory } from './refresh.js';

/** The model routine Opus work is priced at for comparison. */
const CHEAPER_MODEL = 'claude-sonnet-4-5';

/** What `cw analyze` and the daily note show: the history's last days, read through the pure analysis. */
export function collectAnalysis(options: { calendar: Calendar; days: number; now: number; project: string | null; skipImport: boolean; config: LoadedConfig['config'] }, env = process.env): Analysis {
  const { db } = openForReading(env);
  try {
    if (!options.skipImport) refreshHistory(db, options.config, env);
    const records = loadUsageRecords(db, options.project ? { project: options.project } : {});
    const timeline = identifyBlocks(records, options.now, loadLimitEvents(db));
    const config = options.config as Record<string, unknown>;
    const numberAt = (key: string): number | undefined => (typeof readSetting(config, key) === 'number' ? (readSetting(config, key) as number) : undefined);
    const rates = loadPriceTable(options.config).table.models[CHEAPER_MODEL]!;
    return analyzeHistory({
      records,
      timeline,
      calendar: options.calendar,
      now: options.now,
      days: options.days,
      config: {
        ...(typeof config.plan === 'string' ? { plan: config.plan } : {}),
        ...(configuredTokensPerBlock(config) === undefined ? {} : { tokensPerBlock: configuredTokensPerBlock(config)! }),
        blockPercent: numberAt('alerts.blockPercent') ?? 80,
        ...(numberAt('alerts.dailyCostUsd') !== undefined ? { dailyCostUsd: numberAt('alerts.dailyCostUsd')! } : {}),
        ...(numberAt('alerts.weeklyCostUsd') !== undefined ? { weeklyCostUsd: numberAt('alerts.weeklyCostUsd')! } : {}),
      },
      cheaperRates: { model: CHEAPER_MODEL, rates },
    });
  } finally {
    db.close();
  }
}
