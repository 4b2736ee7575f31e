import { formatJson, versioned } from '../core/json-output.js';
import { existsSync, renameSync } from 'node:fs';
import { configJsonSchema, parseSettingValue, readSetting, SETTINGS, settingOf, unknownSetting, validateConfig, writeSetting } from '../core/config-schema.js';
import { loadConfig, saveConfig } from '../shared/config.js';
import { UserError } from '../shared/errors.js';
import { resolvePaths } from '../shared/paths.js';
import { printable, printableLines } from '../core/text-escape.js';
import { outputWidth } from '../ui/format.js';
import { renderRows } from '../ui/table.js';
import { type CommandOptions, parseCommandArgs } from './options/parse.js';

const USAGE = `Usage: cw config <show|get|set|reset|path|schema> ...

  cw config show [--json]      every setting: its value, where it comes from, and any problem
  cw config get KEY            one setting's value (JSON for lists and objects)
  cw config set KEY VALUE      change a setting; lists take JSON or a,b,c; objects take JSON
  cw config reset KEY          back to the default
  cw config reset --all --yes  every setting back to its default (the old file is kept as .bak)
  cw config path               where config.json is
  cw config schema             its JSON Schema, for editors

Settings in a group are nested in the file: alerts.blockPercent is {"alerts": {"blockPercent": 80}}.
`;

export interface SettingRow {
  key: string;
  value: unknown;
  source: 'config.json' | 'default' | 'unset';
  description: string;
}

export interface ConfigShow {
  file: string;
  settings: SettingRow[];
  problems: string[];
}

export function showConfig(env = process.env): ConfigShow {
  const file = resolvePaths(env).configFile;
  const { config, problem } = loadConfig(file);
  const settings = SETTINGS.map((setting): SettingRow => {
    const value = readSetting(config, setting.key);
    if (value !== undefined) return { key: setting.key, value, source: 'config.json', description: setting.description };
    return { key: setting.key, value: setting.default ?? null, source: setting.default === undefined ? 'unset' : 'default', description: setting.description };
  });
  return { file, settings, problems: problem ? [problem] : validateConfig(config) };
}

/** The file's settings, or a clear error when it cannot be read: never overwrite what we cannot parse. */
function editableConfig(file: string): Record<string, unknown> {
  const { config, problem } = loadConfig(file);
  if (problem) throw new UserError(`cw config: ${problem}. Fix it by hand, or start over with \`cw config reset --all --yes\`.`, 1);
  return config;
}

export function setConfig(key: string, text: string, env = process.env): unknown {
  const setting = settingOf(key);
  if (!setting) throw new UserError(`cw config: ${unknownSetting(key)}`, 2);
  const parsed = parseSettingValue(setting, text);
  if ('problem' in parsed) throw new UserError(`cw config: ${parsed.problem}.`, 2);
  const file = resolvePaths(env).configFile;
  const next = writeSetting(editableConfig(file), key, parsed.value);
  // Settings depend on each other (plan "custom" needs planLimits): say so, but a half-done change is still saved.
  saveConfig(file, next);
  return parsed.value;
}

export function resetConfig(key: string | null, env = process.env): void {
  const file = resolvePaths(env).configFile;
  if (key === null) {
    if (existsSync(file)) renameSync(file, `${file}.bak`);
    return;
  }
  if (!settingOf(key) && readSetting(loadConfig(file).config, key) === undefined) throw new UserError(`cw config: ${unknownSetting(key)}`, 2);
  saveConfig(file, writeSetting(editableConfig(file), key, undefined));
}

/** The options `cw config` takes, for its parser and for shell completion. */
export const OPTIONS = { json: { type: 'boolean' }, all: { type: 'boolean' }, yes: { type: 'boolean', short: 'y' } } as const satisfies CommandOptions;

/** What the first word after the command may be, for shell completion. */
export const ARGUMENTS: readonly string[] = ['show', 'get', 'set', 'reset', 'path', 'schema'];

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('config', argv, OPTIONS);
  const [action, key, ...rest] = positionals;
  if (values.help || action === undefined) {
    process.stdout.write(USAGE);
    return action === undefined && !values.help ? 2 : 0;
  }
  switch (action) {
    case 'show': {
      const shown = showConfig();
      if (values.json) {
        process.stdout.write(formatJson(versioned(shown)));
      } else {
        const rows = shown.settings.map((row) => [row.key, row.source === 'unset' ? '-' : JSON.stringify(row.value), row.source === 'config.json' ? 'set' : row.source]);
        const table = renderRows(['SETTING', { header: 'VALUE', elastic: true }, 'FROM'], rows, { width: outputWidth() });
        process.stdout.write(`${printable(shown.file)}\n\n${table.text}`);
        if (shown.problems.length > 0) process.stdout.write(`\nProblems in this file:\n${shown.problems.map((problem) => `  ${printableLines(problem)}`).join('\n')}\n`);
      }
      return shown.problems.length > 0 ? 1 : 0;
    }
    case 'get': {
      if (key === undefined) throw new UserError('cw config get: which setting? e.g. cw config get alerts.blockPercent', 2);
      const setting = settingOf(key);
      const file = resolvePaths().configFile;
      const value = readSetting(loadConfig(file).config, key) ?? setting?.default;
      if (value === undefined) {
        if (!setting) throw new UserError(`cw config: ${unknownSetting(key)}`, 2);
        return 1; // A known setting that is not set and has no default: nothing to print, like `git config`.
      }
      process.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value)}\n`);
      return 0;
    }
    case 'set': {
      if (key === undefined || rest.length !== 1) throw new UserError('cw config set: give a setting and one value, e.g. cw config set plan max5 (quote a value with spaces).', 2);
      const value = setConfig(key, rest[0]!);
      process.stdout.write(`${key} = ${JSON.stringify(value)}\n`);
      const problems = validateConfig(loadConfig(resolvePaths().configFile).config);
      if (problems.length > 0) process.stderr.write(`Note: ${problems.join('; ')}\n`);
      return 0;
    }
    case 'reset': {
      if (values.all) {
        if (!values.yes) throw new UserError('cw config reset --all: add --yes to put every setting back to its default (the old file is kept as config.json.bak).', 2);
        resetConfig(null);
        process.stdout.write('Every setting is back to its default; the old file is config.json.bak.\n');
        return 0;
      }
      if (key === undefined) throw new UserError('cw config reset: which setting? Or --all --yes for every one.', 2);
      resetConfig(key);
      process.stdout.write(`${key} is back to its default.\n`);
      return 0;
    }
    case 'path':
      process.stdout.write(`${resolvePaths().configFile}\n`);
      return 0;
    case 'schema':
      process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
      return 0;
    default:
      throw new UserError(`cw config: unknown action "${action}"; use show, get, set, reset, path or schema.`, 2);
  }
}
