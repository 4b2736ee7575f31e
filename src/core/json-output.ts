/**
 * JSON as we hand it to scripts: every `--json` output, the report and export files, and the
 * state files. One place decides its version, its numbers and its escaping.
 */

/**
 * The version of every JSON shape in docs/json-output.md. It grows when a field is removed,
 * renamed or changes meaning; a new field may appear without it, so readers ignore what they do
 * not know.
 */
export const JSON_SCHEMA_VERSION = 1;

/**
 * The finest price in the table is $0.625 per million tokens, 6.25e-7 a token: nine decimal
 * places hold any cost of whole tokens exactly, and drop the float noise of sums
 * (0.35528600000000005 is 0.355286).
 */
export const USD_DECIMALS = 9;

export function roundUsd(value: number): number {
  return Number(value.toFixed(USD_DECIMALS));
}

/** Money is named `…Usd`, `cost…` or `…Cost…`; token counts `tokens…` or `…Tokens`. */
const MONEY_KEY = /(^cost|Cost|Usd)([A-Z]|$)/;
const TOKENS_KEY = /(^tokens|Tokens)([A-Z]|$)/;

/** A number as it is written under `key`: money to USD_DECIMALS, tokens whole. */
export function roundByName(key: string, value: number): number {
  if (!Number.isFinite(value)) return value;
  if (MONEY_KEY.test(key)) return roundUsd(value);
  if (TOKENS_KEY.test(key)) return Math.round(value);
  return value;
}

/** `body` with the schema version first. */
export function versioned<T extends object>(body: T): { schemaVersion: number } & T {
  return { schemaVersion: JSON_SCHEMA_VERSION, ...body };
}

// C1 controls, line and paragraph separators and bidirectional controls are valid in JSON strings
// but a terminal may act on them: written as \u escapes, the value is the same, the bytes inert.
const INERT = /[\u0080-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** JSON on one line (for a server's answers and events): numbers rounded by their names, every control character escaped. */
export function toJson(value: unknown, indent = 0): string {
  const text = JSON.stringify(value, (key, item: unknown) => (typeof item === 'number' ? roundByName(key, item) : item), indent);
  return text.replace(INERT, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** As `toJson`, indented and ending in a newline: what a command prints and a file holds. */
export function formatJson(value: unknown): string {
  return `${toJson(value, 2)}\n`;
}
