/**
 * Claude API list prices in USD per million tokens. Data only; the logic is in pricing.ts.
 *
 * Most rows are Claude Code's own price list, the one it uses for `total_cost_usd`: the model
 * catalog baked into Claude Code 2.1.330 (`pricing_tiers` and `models[].pricing` in
 * bin/claude.exe). Its 5-minute rates agree with the older list in Claude Code 1.0.60's cli.js
 * wherever both have a model. Rows Claude Code lacks say where they come from instead.
 */
export const PRICE_TABLE_VERSION = '2026-11-22';

export interface TokenRates {
  input: number;
  output: number;
  cacheWrite5m: number;
  /** Absent: one-hour cache writes cost the 5-minute rate, as Claude Code does then. */
  cacheWrite1h?: number;
  cacheRead: number;
}

/** Rates for a whole request whose prompt (input + cache writes + cache reads) is above the threshold. */
export interface LongContextRates extends TokenRates {
  aboveInputTokens: number;
  source: string;
}

export interface ModelPrice extends TokenRates {
  longContext?: LongContextRates;
  /** The day the price was read from its source (YYYY-MM-DD). */
  pricedOn: string;
  source: string;
}

export interface PriceTable {
  version: string;
  /** Keyed by Claude Code's canonical model id, e.g. `claude-sonnet-4-5`, `claude-3-5-haiku`. */
  models: Readonly<Record<string, ModelPrice>>;
  /** Short names Claude Code accepts for `--model`, resolved as its first-party default. */
  aliases: Readonly<Record<string, string>>;
}

const CLAUDE_CODE_2_1_330 = 'Claude Code 2.1.330 built-in price list (model catalog in bin/claude.exe)';
const CLAUDE_CODE_DATE = '2026-11-20'; // BUILD_TIME of 2.1.330
const PRICING_PAGE = 'Anthropic API pricing page, docs.anthropic.com/en/docs/about-claude/pricing';
const PRICING_PAGE_DATE = '2026-11-22';

function rates(input: number, output: number, cacheWrite5m: number, cacheWrite1h: number, cacheRead: number): TokenRates {
  return { input, output, cacheWrite5m, cacheWrite1h, cacheRead };
}

// The tiers of Claude Code's catalog, under its own names.
const TIER_2_10 = rates(2, 10, 2.5, 4, 0.2);
const TIER_2_10_CACHE_READ_0_10 = rates(2, 10, 2.5, 4, 0.1);
const TIER_3_15 = rates(3, 15, 3.75, 6, 0.3);
const TIER_4_20_CACHE_READ_0_20 = rates(4, 20, 5, 8, 0.2);
const TIER_5_25 = rates(5, 25, 6.25, 10, 0.5);
const TIER_8_40_CACHE_READ_0_20 = rates(8, 40, 10, 16, 0.2);
const TIER_10_50 = rates(10, 50, 12.5, 20, 1);
const TIER_10_50_CACHE_READ_0_25 = rates(10, 50, 12.5, 20, 0.25);
const TIER_15_75 = rates(15, 75, 18.75, 30, 1.5);
const HAIKU_35 = rates(0.8, 4, 1, 1.6, 0.08);
const HAIKU_45 = rates(1, 5, 1.25, 2, 0.1);
const HAIKU_55 = rates(0.1, 0.5, 0.125, 0.2, 0.01);

const HAIKU_55_LONG_PROMPT: LongContextRates = {
  aboveInputTokens: 100_000,
  ...rates(0.5, 2.5, 0.625, 1, 0.05),
  source: CLAUDE_CODE_2_1_330,
};

/**
 * Sonnet 4 and 4.5 with the 1M-context beta: the API bills a request whose prompt is over 200K
 * tokens at these rates. Claude Code 2.1.330's list has no such row, so its `total_cost_usd`
 * is lower than the bill for those requests.
 */
const SONNET_4_LONG_CONTEXT: LongContextRates = {
  aboveInputTokens: 200_000,
  ...rates(6, 22.5, 7.5, 12, 0.6),
  source: `${PRICING_PAGE} (long context pricing)`,
};

function fromClaudeCode(tier: TokenRates, longContext?: LongContextRates): ModelPrice {
  return { ...tier, ...(longContext ? { longContext } : {}), pricedOn: CLAUDE_CODE_DATE, source: CLAUDE_CODE_2_1_330 };
}

function fromPricingPage(tier: TokenRates): ModelPrice {
  return { ...tier, pricedOn: PRICING_PAGE_DATE, source: PRICING_PAGE };
}

function withLongContext(price: ModelPrice, longContext: LongContextRates): ModelPrice {
  return { ...price, longContext };
}

export const PRICE_TABLE: PriceTable = {
  version: PRICE_TABLE_VERSION,
  models: {
    // Claude 3: no longer in Claude Code's list, which then prices them as unknown.
    'claude-3-haiku': fromPricingPage(rates(0.25, 1.25, 0.3, 0.5, 0.03)),
    'claude-3-opus': fromPricingPage(TIER_15_75),

    'claude-3-5-haiku': fromClaudeCode(HAIKU_35),
    'claude-3-5-sonnet': fromClaudeCode(TIER_3_15),
    'claude-3-7-sonnet': fromClaudeCode(TIER_3_15),

    'claude-sonnet-4-0': withLongContext(fromClaudeCode(TIER_3_15), SONNET_4_LONG_CONTEXT),
    'claude-sonnet-4-5': withLongContext(fromClaudeCode(TIER_3_15), SONNET_4_LONG_CONTEXT),
    'claude-sonnet-4-6': fromClaudeCode(TIER_3_15),
    'claude-sonnet-5': fromClaudeCode(TIER_2_10),
    'claude-sonnet-5-5': fromClaudeCode(TIER_2_10_CACHE_READ_0_10),

    'claude-haiku-4-5': fromClaudeCode(HAIKU_45),
    'claude-haiku-5-5': fromClaudeCode(HAIKU_55, HAIKU_55_LONG_PROMPT),

    'claude-opus-4-0': fromClaudeCode(TIER_15_75),
    'claude-opus-4-1': fromClaudeCode(TIER_15_75),
    'claude-opus-4-5': fromClaudeCode(TIER_5_25),
    'claude-opus-4-6': fromClaudeCode(TIER_5_25),
    'claude-opus-4-7': fromClaudeCode(TIER_5_25),
    'claude-opus-4-8': fromClaudeCode(TIER_5_25),
    'claude-opus-5': fromClaudeCode(TIER_5_25),
    'claude-opus-5-5': fromClaudeCode(TIER_4_20_CACHE_READ_0_20),

    'claude-fable-5': fromClaudeCode(TIER_10_50),
    'claude-fable-5-1': fromClaudeCode(TIER_10_50_CACHE_READ_0_25),
    'claude-fable-5-2': fromClaudeCode(TIER_8_40_CACHE_READ_0_20),
    'claude-mythos-5': fromClaudeCode(TIER_10_50),
    'claude-mythos-5-1': fromClaudeCode(TIER_10_50_CACHE_READ_0_25),
    'claude-mythos-5-2': fromClaudeCode(TIER_8_40_CACHE_READ_0_20),
  },
  // Claude Code 2.1.330's `aliases[].default`; other providers and versions resolve them differently.
  aliases: {
    opus: 'claude-opus-5-5',
    sonnet: 'claude-sonnet-5-5',
    haiku: 'claude-haiku-5-5',
    fable: 'claude-fable-5-2',
  },
};
