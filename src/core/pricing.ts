import type { TokenUsage } from './facts.js';
import type { LongContextRates, ModelPrice, PriceTable, TokenRates } from './price-table.js';

/**
 * Prices token usage the way Claude Code computes `total_cost_usd`: model ids are mapped to a
 * canonical id as Claude Code 2.1.330 maps them, and each request is priced on its own.
 */

export interface ResolvedModelPrice {
  /** The table key the model resolved to, e.g. `claude-sonnet-4-5` for `claude-sonnet-4-5-20250929`. */
  modelId: string;
  price: ModelPrice;
}

/** What a user may change per model; a missing field keeps the table's value. */
export interface RateOverride extends Partial<TokenRates> {
  /** `null` removes the table's long-context rates. */
  longContext?: Partial<Omit<LongContextRates, 'source'>> | null;
}

export type PriceOverrides = Readonly<Record<string, RateOverride>>;

export interface CostOptions {
  /**
   * The usage sums many requests (a `modelUsage` total): the long-context threshold cannot be
   * judged on a sum, so base rates are used.
   */
  aggregate?: boolean;
}

export function resolveModelPrice(model: string, table: PriceTable, overrides?: PriceOverrides): ResolvedModelPrice | null {
  const modelId = canonicalModelId(model, table, overrides);
  if (modelId === null) return null;
  const base = ownPrice(table, modelId);
  const override = overrides && Object.hasOwn(overrides, modelId) ? overrides[modelId] : undefined;
  if (!override) return base ? { modelId, price: base } : null;
  const price = applyOverride(base, override);
  return price ? { modelId, price } : null;
}

/** An unknown model costs 0 and says so: a price is never guessed. */
export function computeCostUsd(
  model: string,
  usage: TokenUsage,
  prices: PriceTable,
  options: CostOptions = {},
): { costUsd: number; known: boolean } {
  const resolved = resolveModelPrice(model, prices);
  if (!resolved) return { costUsd: 0, known: false };
  const rates = options.aggregate ? resolved.price : ratesForRequest(resolved.price, usage);
  return { costUsd: costAtRates(rates, usage), known: true };
}

/** Claude Code switches a whole request to the long-context rates once its prompt is over the threshold. */
export function ratesForRequest(price: ModelPrice, usage: TokenUsage): TokenRates {
  const longContext = price.longContext;
  if (!longContext) return price;
  const promptTokens = usage.inputTokens + usage.cacheCreationTokens + usage.cacheReadTokens;
  return promptTokens > longContext.aboveInputTokens ? longContext : price;
}

function costAtRates(rates: TokenRates, usage: TokenUsage): number {
  // Same terms in the same order as Claude Code, so the float sums come out alike.
  return (
    (usage.inputTokens / 1e6) * rates.input +
    (usage.outputTokens / 1e6) * rates.output +
    (usage.cacheReadTokens / 1e6) * rates.cacheRead +
    cacheWriteCost(rates, usage)
  );
}

/** One-hour writes at their own rate when both the split and the rate are known; the rest at 5 minutes. */
function cacheWriteCost(rates: TokenRates, usage: TokenUsage): number {
  const total = usage.cacheCreationTokens;
  const oneHour = clamp(usage.cacheCreation1hTokens ?? 0, 0, total);
  if (rates.cacheWrite1h === undefined || oneHour <= 0) return (total / 1e6) * rates.cacheWrite5m;
  return (oneHour / 1e6) * rates.cacheWrite1h + ((total - oneHour) / 1e6) * rates.cacheWrite5m;
}

function ownPrice(table: PriceTable, modelId: string): ModelPrice | undefined {
  return Object.hasOwn(table.models, modelId) ? table.models[modelId] : undefined;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

interface ModelVersion {
  family: string;
  major: number;
  minor: number | undefined;
  /** `claude-3-5-sonnet` style (version before family). */
  versionFirst: boolean;
  base: string;
}

const BEDROCK_REGIONS = new Set(['us', 'eu', 'apac', 'jp', 'au', 'us-gov', 'global']);
const NEW_STYLE = /^claude-([a-z]+)-(\d{1,2})(?!\d)(?:-(\d{1,2})(?!\d))?/;
const VERSION_FIRST = /^claude-(\d{1,2})(?!\d)(?:-(\d{1,2})(?!\d))?-([a-z]+)/;
/** What may follow the version: `-latest`, a date (`-20250929`, `@20250929`, `-v2@20241022`), a Bedrock `-v1:0`. */
const ALLOWED_TRAILER = /^(?:-fast|-latest)?(?:-v\d{1,3}@\d{8}|[-@]\d{8})?(?:-v\d{1,3}(?::\d{1,3})?)?$/;

/**
 * Maps any spelling Claude Code accepts to a table key: dated ids, `[1m]` suffixes, dotted
 * versions (`claude-opus-4.5`), Bedrock (`eu.anthropic.claude-…-v1:0`), Vertex (`…@20250929`),
 * gateway paths (`anthropic/claude-…`) and aliases. Returns null for a model the table lacks.
 */
export function canonicalModelId(model: string, table: PriceTable, overrides?: PriceOverrides): string | null {
  if (overrides) return findCanonicalId(model, table, overrides);
  // Totals are re-priced often; a table's answers never change, so they are remembered.
  let cache = canonicalIds.get(table);
  if (!cache) {
    cache = new Map();
    canonicalIds.set(table, cache);
  }
  const cached = cache.get(model);
  if (cached !== undefined) return cached;
  const id = findCanonicalId(model, table);
  if (cache.size < 1000) cache.set(model, id);
  return id;
}

const canonicalIds = new WeakMap<PriceTable, Map<string, string | null>>();

function findCanonicalId(model: string, table: PriceTable, overrides?: PriceOverrides): string | null {
  const id = normalizeModelId(model);
  const known = (key: string): boolean => Object.hasOwn(table.models, key) || (overrides !== undefined && Object.hasOwn(overrides, key));
  if (id === '') return null;
  if (known(id)) return id;
  const alias = Object.hasOwn(table.aliases, id) ? table.aliases[id] : undefined;
  if (alias !== undefined && known(alias)) return alias;

  const strict = parseStrict(id);
  if (strict) {
    const match = findByVersion(strict, table, overrides);
    if (match) return match;
  }
  for (const version of scanVersions(id)) {
    const match = findByVersion(version, table, overrides);
    if (match) return match;
  }
  const undated = id.replace(/-\d{8}$/, '');
  return known(undated) ? undated : null;
}

export function normalizeModelId(model: string): string {
  return model
    .trim()
    .toLowerCase()
    .replace(/\[[12]m\]/g, '')
    .replace(/(claude-(?:[a-z]+-)?\d{1,2})\.(?=\d)/g, '$1-');
}

function parseStrict(id: string): ModelVersion | null {
  let rest = id.slice(id.lastIndexOf('/') + 1);
  const provider = /^(?:([a-z-]+)\.)?anthropic\.(claude-.*)$/.exec(rest);
  if (provider) {
    if (provider[1] !== undefined && !BEDROCK_REGIONS.has(provider[1])) return null;
    rest = provider[2] ?? '';
  }
  const version = parseVersion(rest);
  if (!version || !ALLOWED_TRAILER.test(rest.slice(version.base.length))) return null;
  return version;
}

function parseVersion(id: string): ModelVersion | null {
  const newStyle = NEW_STYLE.exec(id);
  if (newStyle) {
    const [base, family = '', major = '', minor] = newStyle;
    return { family, major: Number(major), minor: minor === undefined ? undefined : Number(minor), versionFirst: false, base };
  }
  const versionFirst = VERSION_FIRST.exec(id);
  if (versionFirst) {
    const [base, major = '', minor, family = ''] = versionFirst;
    return { family, major: Number(major), minor: minor === undefined ? undefined : Number(minor), versionFirst: true, base };
  }
  return null;
}

/** Like Claude Code's last resort: a known model name anywhere in an id it cannot parse. */
function* scanVersions(id: string): Generator<ModelVersion> {
  for (const match of id.matchAll(/claude-[a-z0-9-]+/g)) {
    const version = parseVersion(match[0]);
    if (version) yield version;
  }
}

function findByVersion(wanted: ModelVersion, table: PriceTable, overrides?: PriceOverrides): string | null {
  const keys = overrides ? [...Object.keys(table.models), ...Object.keys(overrides)] : Object.keys(table.models);
  for (const key of keys) {
    const version = parseVersion(key);
    if (version && version.base === key && sameVersion(version, wanted)) return key;
  }
  return null;
}

function sameVersion(a: ModelVersion, b: ModelVersion): boolean {
  return a.family === b.family && a.versionFirst === b.versionFirst && a.major === b.major && (a.minor ?? 0) === (b.minor ?? 0);
}

const RATE_FIELDS = ['input', 'output', 'cacheWrite5m', 'cacheWrite1h', 'cacheRead'] as const;
const REQUIRED_RATE_FIELDS = ['input', 'output', 'cacheWrite5m', 'cacheRead'] as const;
const OVERRIDE_FIELDS: readonly string[] = [...RATE_FIELDS, 'longContext'];
const LONG_CONTEXT_FIELDS: readonly string[] = [...RATE_FIELDS, 'aboveInputTokens'];
const OVERRIDE_SOURCE = 'config.json prices';
/** The config.json key the overrides live under, so messages name what the user wrote. */
const CONFIG_KEY = 'prices';

export interface OverrideValidation {
  /** Keyed by the table key each entry resolved to (or the entry's own id for a new model). */
  overrides: Record<string, RateOverride>;
  errors: string[];
}

/**
 * Checks `prices` from config.json: model id → partial rates in USD per million tokens.
 * A bad entry is reported and left out; the others still apply.
 */
export function validatePriceOverrides(table: PriceTable, raw: unknown): OverrideValidation {
  // Null-prototype maps: a user key such as "__proto__" must stay a plain key.
  const result: OverrideValidation = { overrides: Object.create(null) as Record<string, RateOverride>, errors: [] };
  if (raw === undefined || raw === null) return result;
  if (!isPlainObject(raw)) {
    result.errors.push(`${CONFIG_KEY} must be an object of model id → rates, e.g. {"claude-sonnet-4-5": {"input": 3, "output": 15}}`);
    return result;
  }
  const firstKeyFor = new Map<string, string>();
  for (const [key, value] of Object.entries(raw)) {
    const errors: string[] = [];
    const override = readOverride(key, value, errors);
    const modelId = normalizeModelId(key) === '' ? null : (canonicalModelId(key, table) ?? normalizeModelId(key));
    if (modelId === null) errors.push(`${CONFIG_KEY}: an empty model id is not allowed`);
    // Completeness is judged only on an entry whose fields are all valid, so each problem is told once.
    if (override && modelId !== null && errors.length === 0) checkComplete(key, override, ownPrice(table, modelId), table.version, errors);
    const earlier = modelId === null ? undefined : firstKeyFor.get(modelId);
    if (earlier !== undefined) errors.push(`${entryPath(key)}: names the same model as ${JSON.stringify(earlier)} (${modelId}); the first one is used`);
    if (errors.length > 0 || !override || modelId === null) {
      result.errors.push(...errors);
      continue;
    }
    firstKeyFor.set(modelId, key);
    result.overrides[modelId] = override;
  }
  return result;
}

/** Returns the table with valid overrides applied, and every problem found, worded for the user. */
export function mergePriceOverrides(table: PriceTable, raw: unknown): { table: PriceTable; errors: string[] } {
  const { overrides, errors } = validatePriceOverrides(table, raw);
  const ids = Object.keys(overrides);
  if (ids.length === 0) return { table, errors };
  const models: Record<string, ModelPrice> = Object.assign(Object.create(null) as Record<string, ModelPrice>, table.models);
  for (const id of ids) {
    const override = overrides[id];
    const price = override ? applyOverride(ownPrice(table, id), override) : null;
    if (price) models[id] = price;
  }
  return { table: { ...table, version: `${table.version}+config`, models }, errors };
}

function applyOverride(base: ModelPrice | undefined, override: RateOverride): ModelPrice | null {
  const rates = { ...base, ...pickRates(override) };
  if (!hasRequired(rates)) return null;
  const merged: ModelPrice = {
    ...rates,
    ...(base?.longContext ? { longContext: base.longContext } : {}),
    pricedOn: base?.pricedOn ?? '',
    source: base ? `${OVERRIDE_SOURCE} over ${base.source}` : OVERRIDE_SOURCE,
  };
  if (override.longContext === null) {
    delete merged.longContext;
  } else if (override.longContext !== undefined) {
    const longContext = { ...base?.longContext, ...override.longContext, source: OVERRIDE_SOURCE };
    if (isCompleteLongContext(longContext)) merged.longContext = longContext;
  }
  return merged;
}

function readOverride(key: string, value: unknown, errors: string[]): RateOverride | null {
  const where = entryPath(key);
  if (!isPlainObject(value)) {
    errors.push(`${where}: expected an object of USD prices per million tokens, e.g. {"input": 3, "output": 15}`);
    return null;
  }
  const override: RateOverride = {};
  for (const [field, fieldValue] of Object.entries(value)) {
    if (field === 'longContext') {
      const longContext = readLongContext(`${where}.longContext`, fieldValue, errors);
      if (longContext !== undefined) override.longContext = longContext;
      continue;
    }
    if (!OVERRIDE_FIELDS.includes(field)) {
      errors.push(`${where}.${field}: unknown field; the fields are ${OVERRIDE_FIELDS.join(', ')}`);
      continue;
    }
    const rate = readRate(`${where}.${field}`, fieldValue, errors);
    if (rate !== null) override[field as (typeof RATE_FIELDS)[number]] = rate;
  }
  return override;
}

function readLongContext(where: string, value: unknown, errors: string[]): RateOverride['longContext'] | undefined {
  if (value === null) return null;
  if (!isPlainObject(value)) {
    errors.push(`${where}: expected an object such as {"aboveInputTokens": 200000, "input": 6, "output": 22.5}, or null to remove it`);
    return undefined;
  }
  const longContext: NonNullable<RateOverride['longContext']> = {};
  for (const [field, fieldValue] of Object.entries(value)) {
    if (!LONG_CONTEXT_FIELDS.includes(field)) {
      errors.push(`${where}.${field}: unknown field; the fields are ${LONG_CONTEXT_FIELDS.join(', ')}`);
      continue;
    }
    if (field === 'aboveInputTokens') {
      if (typeof fieldValue === 'number' && Number.isInteger(fieldValue) && fieldValue > 0) longContext.aboveInputTokens = fieldValue;
      else errors.push(`${where}.aboveInputTokens: expected a whole number of tokens above 0, got ${describe(fieldValue)}`);
      continue;
    }
    const rate = readRate(`${where}.${field}`, fieldValue, errors);
    if (rate !== null) longContext[field as (typeof RATE_FIELDS)[number]] = rate;
  }
  return longContext;
}

function readRate(where: string, value: unknown, errors: string[]): number | null {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  errors.push(`${where}: expected a number ≥ 0 (USD per million tokens), got ${describe(value)}`);
  return null;
}

function checkComplete(key: string, override: RateOverride, base: ModelPrice | undefined, version: string, errors: string[]): void {
  const where = entryPath(key);
  if (!base) {
    const missing = REQUIRED_RATE_FIELDS.filter((field) => override[field] === undefined);
    if (missing.length > 0) {
      errors.push(`${where}: not a model in the price table (version ${version}), so it needs ${missing.join(', ')} as well`);
    }
  }
  const longContext = override.longContext;
  if (longContext && !isCompleteLongContext({ ...(base?.longContext ?? {}), ...longContext })) {
    const fields = ['aboveInputTokens', ...REQUIRED_RATE_FIELDS] as const;
    const missing = fields.filter((field) => longContext[field] === undefined && base?.longContext?.[field] === undefined);
    errors.push(`${where}.longContext: this model has no long-context rates to start from, so it needs ${missing.join(', ')}`);
  }
}

/** `prices["claude-foo"]`: JSON spelling, so odd ids (spaces, quotes) stay readable. */
function entryPath(key: string): string {
  return `${CONFIG_KEY}[${JSON.stringify(key)}]`;
}

function pickRates(override: RateOverride): Partial<TokenRates> {
  const rates: Partial<TokenRates> = {};
  for (const field of RATE_FIELDS) {
    const value = override[field];
    if (value !== undefined) rates[field] = value;
  }
  return rates;
}

function hasRequired(rates: Partial<TokenRates>): rates is TokenRates {
  return REQUIRED_RATE_FIELDS.every((field) => rates[field] !== undefined);
}

function isCompleteLongContext(value: Partial<LongContextRates>): value is LongContextRates {
  return value.aboveInputTokens !== undefined && hasRequired(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  // JSON writes every value config.json can hold; anything else is named by its type.
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
