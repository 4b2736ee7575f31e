import { formatJson, versioned } from '../core/json-output.js';
import { loadPriceTable } from '../core/price-config.js';
import type { LongContextRates, ModelPrice } from '../core/price-table.js';
import { loadConfig } from '../shared/config.js';
import { resolvePaths } from '../shared/paths.js';
import { printable } from '../core/text-escape.js';
import { createPainter, outputWidth } from '../ui/format.js';
import { wrapToWidth } from '../ui/screen-text.js';
import { hiddenColumnsNote, renderRows } from '../ui/table.js';
import { type CommandOptions, parseCommandArgs } from './options/parse.js';

export interface PriceRow {
  id: string;
  fromConfig: boolean;
  input: number;
  output: number;
  cacheWrite5m: number;
  /** The rate one-hour writes are charged at: the 5-minute rate when the table has none of its own. */
  cacheWrite1h: number;
  cacheRead: number;
  longContext: LongContextRates | null;
  pricedOn: string | null;
  source: string;
}

export interface PricesData {
  version: string;
  unit: 'USD per million tokens';
  configFile: string;
  models: PriceRow[];
  aliases: Record<string, string>;
  /** Problems with config.json; the entries they name are not in `models`. */
  problems: string[];
}

export function collectPrices(env = process.env): PricesData {
  const paths = resolvePaths(env);
  const { config, problem } = loadConfig(paths.configFile);
  const { table, problems, fromConfig } = loadPriceTable(config);
  const models = Object.entries(table.models).map(([id, price]) => priceRow(id, price, fromConfig.includes(id)));
  return {
    version: table.version,
    unit: 'USD per million tokens',
    configFile: paths.configFile,
    models,
    aliases: { ...table.aliases },
    problems: problem ? [problem, ...problems] : problems,
  };
}

function priceRow(id: string, price: ModelPrice, fromConfig: boolean): PriceRow {
  return {
    id,
    fromConfig,
    input: price.input,
    output: price.output,
    cacheWrite5m: price.cacheWrite5m,
    cacheWrite1h: price.cacheWrite1h ?? price.cacheWrite5m,
    cacheRead: price.cacheRead,
    longContext: price.longContext ?? null,
    pricedOn: price.pricedOn === '' ? null : price.pricedOn,
    source: price.source,
  };
}

/** The options `cw prices` takes, for its parser and for shell completion. */
export const OPTIONS = { json: { type: 'boolean' } } as const satisfies CommandOptions;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('prices', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(
      'Usage: cw prices [--json]\n\nThe prices sessions are costed at: the built-in table with the "prices" of config.json applied.\n',
    );
    return 0;
  }
  const data = collectPrices();
  // A broken config never hides the table: the problems go to stderr, the usable prices to stdout.
  for (const problem of data.problems) process.stderr.write(`cw prices: warning: ${problem}\n`);
  process.stdout.write(values.json ? formatJson(versioned(data)) : renderPrices(data));
  return 0;
}

const CONFIG_MARK = '*';

export function renderPrices(data: PricesData, width = outputWidth()): string {
  const paint = createPainter();
  const rows = data.models.map((row) => [
    row.fromConfig ? `${row.id} ${CONFIG_MARK}` : row.id,
    ...[row.input, row.output, row.cacheWrite5m, row.cacheWrite1h, row.cacheRead].map(String),
    row.longContext ? formatLongContext(row.longContext) : '-',
    row.pricedOn ?? '-',
    shortSource(row.source),
  ]);
  const rate = (header: string) => ({ header, align: 'right' as const });
  const { text, dropped } = renderRows(
    [
      { header: 'MODEL', elastic: true },
      rate('INPUT'),
      rate('OUTPUT'),
      rate('CACHE 5M'),
      rate('CACHE 1H'),
      rate('CACHE READ'),
      { header: 'LONG CONTEXT', dropOrder: 3 },
      { header: 'PRICED ON', dropOrder: 2 },
      { header: 'SOURCE', dropOrder: 1, elastic: true },
    ],
    rows,
    { width, headerStyle: paint.bold },
  );
  const out = [
    paint.bold(`Price table ${data.version}, ${data.unit}`),
    text.trimEnd(),
    ...hiddenColumnsNote(dropped, '--json', width),
    '',
    'LONG CONTEXT: a request whose prompt is over the threshold is charged input/output/cache 5m/cache 1h/cache read at these rates.',
  ];
  if (data.models.some((row) => row.fromConfig)) out.push(`${CONFIG_MARK} from ${printable(data.configFile)}`);
  out.push(printable(`Aliases: ${Object.entries(data.aliases).map(([alias, id]) => `${alias} → ${id}`).join(', ')}`));
  out.push('A model none of these rows matches is priced at 0 and marked ! in `cw status` and `cw sessions`.');
  return `${out.flatMap((line) => wrapToWidth(line, width)).join('\n')}\n`;
}

function formatLongContext(rates: LongContextRates): string {
  const threshold = rates.aboveInputTokens % 1000 === 0 ? `${rates.aboveInputTokens / 1000}k` : String(rates.aboveInputTokens);
  const cacheWrite1h = rates.cacheWrite1h ?? rates.cacheWrite5m;
  return `>${threshold}: ${[rates.input, rates.output, rates.cacheWrite5m, cacheWrite1h, rates.cacheRead].join('/')}`;
}

/** The name of a source without its details: `Anthropic API pricing page, docs…` → `Anthropic API pricing page`. */
function shortSource(source: string): string {
  return source.split(/ \(|, /)[0] ?? source;
}
