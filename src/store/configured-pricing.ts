import { loadPriceTable } from '../core/price-config.js';
import { computeCostUsd } from '../core/pricing.js';
import type { PriceUsage } from '../core/session-state.js';
import { loadConfig } from '../shared/config.js';
import type { Paths } from '../shared/paths.js';

/** Prices as a session is costed at: the built-in table with config.json's corrections. */
export function configuredPricing(paths: Pick<Paths, 'configFile'>): PriceUsage {
  const { table } = loadPriceTable(loadConfig(paths.configFile).config);
  return (model, usage, options) => computeCostUsd(model, usage, table, options);
}
