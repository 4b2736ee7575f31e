import { PRICE_TABLE, type PriceTable } from './price-table.js';
import { mergePriceOverrides, type PriceOverrides } from './pricing.js';

export interface LoadedPriceTable {
  /** The built-in table with the user's valid entries applied; the built-in table itself when there are none. */
  table: PriceTable;
  /** One message per broken entry, naming the file and the entry; those entries are left out. */
  problems: string[];
  /** Table keys whose rates come from config.json, sorted. */
  fromConfig: string[];
}

/**
 * The price table sessions are priced with: config.json's `prices` over the built-in table. A
 * broken entry never stops the others, and never stops a session from being recorded.
 */
export function loadPriceTable(config: { prices?: PriceOverrides }, base: PriceTable = PRICE_TABLE): LoadedPriceTable {
  const { table, errors } = mergePriceOverrides(base, config.prices);
  // mergePriceOverrides copies only the rows it changes, so a new object marks a config row.
  const fromConfig = Object.keys(table.models)
    .filter((id) => table.models[id] !== (Object.hasOwn(base.models, id) ? base.models[id] : undefined))
    .sort();
  return { table, problems: errors.map((error) => `config.json: ${error}`), fromConfig };
}
