import { parseAge } from './age.js';
import { isTimeZone } from './calendar.js';
import { ISOLATION_LEVELS } from './isolation.js';
import { PRICE_TABLE } from './price-table.js';
import { mergePriceOverrides } from './pricing.js';

/**
 * Every setting of config.json: its type, default and meaning, in one table. Validation, `cw
 * config`, the JSON Schema and the docs all come from it, so they cannot disagree. Settings in a
 * group are nested in the file: `alerts.blockPercent` is `{"alerts": {"blockPercent": 80}}`.
 */

export type SettingKind =
  | { type: 'boolean' }
  | { type: 'string'; check?: (value: string) => string | null; hint: string }
  | { type: 'number'; min: number; max?: number; integer?: boolean }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'strings'; check?: (value: string) => string | null; hint: string }
  | { type: 'object'; check: (value: unknown) => string[]; hint: string };

export interface Setting {
  key: string;
  kind: SettingKind;
  default?: unknown;
  description: string;
}

export const PLANS = ['pro', 'max5', 'max20', 'team', 'custom'] as const;
export type Plan = (typeof PLANS)[number];

const MAX_CALLBACK_TIMEOUT_MS = 600_000;

export const SETTINGS: readonly Setting[] = [
  { key: 'plan', kind: { type: 'enum', values: PLANS }, description: 'Your Claude plan; "custom" takes its limits from planLimits.' },
  { key: 'planLimits.tokensPerBlock', kind: { type: 'number', min: 1, integer: true }, description: 'Tokens a 5-hour block allows (custom plan).' },
  { key: 'planLimits.costUsdPerBlock', kind: { type: 'number', min: 0.01 }, description: 'Cost in USD a 5-hour block allows (custom plan).' },
  { key: 'planLimits.messagesPerBlock', kind: { type: 'number', min: 1, integer: true }, description: 'Messages a 5-hour block allows (custom plan).' },
  { key: 'timezone', kind: { type: 'string', check: (zone) => (isTimeZone(zone) ? null : 'is not a time zone Intl knows'), hint: 'a time zone name like Europe/Berlin' }, description: 'The zone every time is shown in (reports, blocks, sessions, events, alerts, the live views); else TZ, else the system’s.' },
  { key: 'retention', kind: { type: 'string', check: (age) => (parseAge(age) === null ? 'is not an age' : null), hint: 'an age like 365d, 12w, 6m or 1y' }, default: '365d', description: 'How long `cw prune` keeps history by default.' },
  { key: 'capturePrompts', kind: { type: 'boolean' }, default: false, description: 'Keep the text of prompts in session events. Answer text is never kept.' },
  { key: 'hooks', kind: { type: 'boolean' }, default: true, description: 'Pass Claude a hook (through --settings) that reports each prompt, answer and session start.' },
  { key: 'changeClaudeArgs', kind: { type: 'boolean' }, default: true, description: 'Allow adding --settings or --session-id to Claude’s arguments to follow a session.' },
  { key: 'isolation', kind: { type: 'enum', values: ISOLATION_LEVELS }, default: 'shared-learning', description: 'What sessions share: limits (shared-learning), everything (unified) or nothing (complete).' },
  { key: 'realClaude', kind: { type: 'string', check: (path) => (path.startsWith('/') ? null : 'must be an absolute path'), hint: 'an absolute path' }, description: 'The real claude binary, when it is not found on PATH.' },
  { key: 'callbacks.commands', kind: { type: 'strings', hint: 'a list of shell commands' }, default: [], description: 'Commands run with each session status change, and each start and end of a wait for you, as JSON on stdin.' },
  { key: 'callbacks.webhooks', kind: { type: 'strings', check: urlProblem, hint: 'a list of http(s) URLs' }, default: [], description: 'URLs that get each session status change, and each start and end of a wait for you, as a JSON POST.' },
  { key: 'callbacks.timeoutMs', kind: { type: 'number', min: 1, max: MAX_CALLBACK_TIMEOUT_MS, integer: true }, default: 5000, description: 'How long one callback may take.' },
  { key: 'alerts.dailyCostUsd', kind: { type: 'number', min: 0.01 }, description: 'Alert when a day’s cost passes this.' },
  { key: 'alerts.weeklyCostUsd', kind: { type: 'number', min: 0.01 }, description: 'Alert when a week’s cost (Monday to Sunday) passes this.' },
  { key: 'alerts.blockPercent', kind: { type: 'number', min: 1, max: 100 }, default: 80, description: 'Alert when the open 5-hour block passes this share of its limit.' },
  { key: 'alerts.burnRate', kind: { type: 'boolean' }, default: true, description: 'Alert when the burn rate would reach the limit before the block ends.' },
  { key: 'alerts.limitReached', kind: { type: 'boolean' }, default: true, description: 'Alert when Claude reports a usage limit.' },
  { key: 'alerts.windows', kind: { type: 'boolean' }, default: true, description: 'Alert when one of Claude’s limit windows passes alerts.windowPercent.' },
  { key: 'alerts.windowPercent', kind: { type: 'number', min: 1, max: 99 }, default: 80, description: 'The share of a limit window (5-hour, weekly, …) Claude reports that raises an alert.' },
  { key: 'alerts.sessionErrors', kind: { type: 'boolean' }, default: true, description: 'Alert when a session fails.' },
  { key: 'alerts.minIntervalMinutes', kind: { type: 'number', min: 0, integer: true }, default: 30, description: 'The least time between two alerts of one condition (a rule about one window or threshold).' },
  { key: 'alerts.bell', kind: { type: 'boolean' }, default: true, description: 'Ring the terminal bell with an alert’s notice.' },
  { key: 'alerts.desktop', kind: { type: 'boolean' }, default: true, description: 'Show alerts as desktop notifications where notify-send exists.' },
  { key: 'alerts.webhooks', kind: { type: 'strings', check: urlProblem, hint: 'a list of http(s) URLs' }, default: [], description: 'URLs that get each alert as a JSON POST.' },
  { key: 'notify.waiting', kind: { type: 'enum', values: ['off', 'desktop', 'bell'] }, default: 'off', description: 'Tell you when a session starts waiting for you: a desktop notification (notify-send) or the terminal bell.' },
  { key: 'resumeAfterLimit.enabled', kind: { type: 'boolean' }, default: false, description: 'After a usage limit, continue once it resets (as cw-run --resume-after-limit): a cw-run print run is run again with --resume; an interactive session gets the prompt typed into its screen, unless Claude continues by itself.' },
  { key: 'resumeAfterLimit.prompt', kind: { type: 'string', check: (prompt) => (prompt.trim() === '' ? 'must not be empty' : null), hint: 'the words to send, like "continue"' }, default: 'continue', description: 'The prompt that continues a session after its limit reset.' },
  { key: 'analysis.onStart', kind: { type: 'boolean' }, default: true, description: 'Run `cw analyze` at most once a day when cw starts.' },
  { key: 'analysis.days', kind: { type: 'number', min: 1, max: 365, integer: true }, default: 30, description: 'How many days `cw analyze` reads.' },
  { key: 'otlp.enabled', kind: { type: 'boolean' }, default: false, description: 'Send metrics and session events over OTLP after each session, to the OTEL_EXPORTER_OTLP_* endpoint.' },
  {
    key: 'prices',
    kind: { type: 'object', check: (value) => mergePriceOverrides(PRICE_TABLE, value).errors, hint: 'an object of model id → rates in USD per million tokens' },
    default: {},
    description: 'Price overrides per model, over the built-in table (see `cw prices`).',
  },
];

const BY_KEY = new Map(SETTINGS.map((setting) => [setting.key, setting]));
const GROUPS = new Set(SETTINGS.filter((setting) => setting.key.includes('.')).map((setting) => setting.key.split('.')[0]!));

export function settingOf(key: string): Setting | undefined {
  return BY_KEY.get(key);
}

type ConfigObject = Record<string, unknown>;

/** A custom plan's token limit per block, when the config gives one. */
export function configuredTokensPerBlock(config: ConfigObject): number | undefined {
  const tokens = readSetting(config, 'planLimits.tokensPerBlock');
  return config.plan === 'custom' && typeof tokens === 'number' ? tokens : undefined;
}

/** The value at a dotted key, or undefined. */
export function readSetting(config: ConfigObject, key: string): unknown {
  let node: unknown = config;
  for (const part of key.split('.')) {
    if (!isObject(node)) return undefined;
    node = node[part];
  }
  return node;
}

/** A copy with the value at a dotted key set; `undefined` removes it (and an emptied group). */
export function writeSetting(config: ConfigObject, key: string, value: unknown): ConfigObject {
  const [head, ...rest] = key.split('.');
  const copy: ConfigObject = { ...config };
  if (rest.length === 0) {
    if (value === undefined) delete copy[head!];
    else copy[head!] = value;
    return copy;
  }
  const child = writeSetting(isObject(copy[head!]) ? (copy[head!] as ConfigObject) : {}, rest.join('.'), value);
  if (Object.keys(child).length === 0) delete copy[head!];
  else copy[head!] = child;
  return copy;
}

/** Every problem of a config, each naming its key; an empty list is a valid config. */
export function validateConfig(config: ConfigObject): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (GROUPS.has(key)) {
      if (!isObject(value)) {
        problems.push(`${key} must be an object of settings (${SETTINGS.filter((s) => s.key.startsWith(`${key}.`)).map((s) => s.key).join(', ')})`);
        continue;
      }
      for (const [inner, innerValue] of Object.entries(value)) checkValue(`${key}.${inner}`, innerValue, problems);
    } else {
      checkValue(key, value, problems);
    }
  }
  if (config.plan === 'custom' && readSetting(config, 'planLimits') === undefined) {
    problems.push('plan is "custom" but planLimits is empty: set planLimits.tokensPerBlock, costUsdPerBlock or messagesPerBlock');
  }
  return problems;
}

function checkValue(key: string, value: unknown, problems: string[]): void {
  const setting = BY_KEY.get(key);
  if (!setting) {
    problems.push(unknownSetting(key));
    return;
  }
  const problem = valueProblem(setting, value);
  if (problem !== null) problems.push(`${key} ${problem}`);
}

/** Null when `value` is right for the setting; else what is wrong, in words. */
export function valueProblem(setting: Setting, value: unknown): string | null {
  const kind = setting.kind;
  const got = `, got ${shown(value)}`;
  switch (kind.type) {
    case 'boolean':
      return typeof value === 'boolean' ? null : `must be true or false${got}`;
    case 'enum':
      return typeof value === 'string' && kind.values.includes(value) ? null : `must be one of ${kind.values.join(', ')}${got}`;
    case 'number': {
      const range = kind.max === undefined ? `at least ${kind.min}` : `from ${kind.min} to ${kind.max}`;
      const ok = typeof value === 'number' && Number.isFinite(value) && value >= kind.min && (kind.max === undefined || value <= kind.max) && (!kind.integer || Number.isInteger(value));
      return ok ? null : `must be ${kind.integer ? 'a whole number' : 'a number'} ${range}${got}`;
    }
    case 'string': {
      if (typeof value !== 'string' || value === '') return `must be ${kind.hint}${got}`;
      const problem = kind.check?.(value) ?? null;
      return problem === null ? null : `${problem}: ${shown(value)} (expected ${kind.hint})`;
    }
    case 'strings': {
      if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string' || entry === '')) return `must be ${kind.hint}${got}`;
      for (const entry of value as string[]) {
        const problem = kind.check?.(entry) ?? null;
        if (problem !== null) return `has ${shown(entry)}, which ${problem}`;
      }
      return null;
    }
    case 'object': {
      if (!isObject(value)) return `must be ${kind.hint}${got}`;
      const problems = kind.check(value);
      return problems.length === 0 ? null : problems.join('; ');
    }
  }
}

/**
 * Reads a value typed on a command line for a setting: `true`, `80`, `pro`, a list as JSON or
 * comma-separated, an object as JSON. Returns the value or the reason it is not one.
 */
export function parseSettingValue(setting: Setting, text: string): { value: unknown } | { problem: string } {
  const kind = setting.kind;
  let value: unknown = text;
  if (kind.type === 'boolean') {
    if (!['true', 'false', 'on', 'off', 'yes', 'no'].includes(text.toLowerCase())) return { problem: `${setting.key} takes true or false, got "${text}"` };
    value = ['true', 'on', 'yes'].includes(text.toLowerCase());
  } else if (kind.type === 'number') {
    value = text.trim() === '' ? NaN : Number(text);
  } else if (kind.type === 'strings') {
    value = text.trim().startsWith('[') ? safeJson(text) : text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  } else if (kind.type === 'object') {
    value = safeJson(text);
  }
  const problem = valueProblem(setting, value);
  return problem === null ? { value } : { problem: `${setting.key} ${problem}` };
}

/** A JSON Schema (draft 2020-12) of config.json, for editors and other tools. */
export function configJsonSchema(): Record<string, unknown> {
  const properties: Record<string, Record<string, unknown>> = {};
  for (const setting of SETTINGS) {
    const [group, inner] = setting.key.includes('.') ? setting.key.split('.') : [null, setting.key];
    const schema = { description: setting.description, ...schemaOf(setting.kind), ...(setting.default === undefined ? {} : { default: setting.default }) };
    if (group === null) {
      properties[inner] = schema;
    } else {
      const node = (properties[group] ??= { type: 'object', additionalProperties: false, properties: {} });
      (node.properties as Record<string, unknown>)[inner] = schema;
    }
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'ClaudeWatch config.json',
    type: 'object',
    additionalProperties: false,
    properties,
  };
}

function schemaOf(kind: SettingKind): Record<string, unknown> {
  switch (kind.type) {
    case 'boolean':
      return { type: 'boolean' };
    case 'enum':
      return { enum: [...kind.values] };
    case 'number':
      return { type: kind.integer ? 'integer' : 'number', minimum: kind.min, ...(kind.max === undefined ? {} : { maximum: kind.max }) };
    case 'string':
      return { type: 'string', minLength: 1 };
    case 'strings':
      return { type: 'array', items: { type: 'string', minLength: 1 } };
    case 'object':
      return { type: 'object' };
  }
}

function urlProblem(text: string): string | null {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? null : 'is not an http(s) URL';
  } catch {
    return 'is not a URL';
  }
}

/** "alert.blockPercent is not a setting; did you mean alerts.blockPercent?" */
export function unknownSetting(key: string): string {
  return `${key} is not a setting${suggestion(key)}`;
}

function suggestion(key: string): string {
  // A typo is a letter or two off: the nearest setting within two edits, if there is one.
  let best: { key: string; distance: number } | null = null;
  for (const setting of SETTINGS) {
    const distance = editDistance(key.toLowerCase(), setting.key.toLowerCase());
    if (distance <= 2 && (best === null || distance < best.distance)) best = { key: setting.key, distance };
  }
  return best ? `; did you mean ${best.key}?` : '; see `cw config show` for the settings';
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** A value as the file has it, escaped by JSON and cut short: enough to find it, never a whole file's worth. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text;
}

const SHOWN_CHARS = 40;

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isObject(value: unknown): value is ConfigObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
