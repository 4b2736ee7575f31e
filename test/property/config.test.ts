/**
 * The config file's readers: loadConfig (src/shared/config.ts) on random file contents written to
 * a temporary file, and validateConfig / parseSettingValue (src/core/config-schema.ts) on random
 * JSON values and typed text. None throws; each gives a clear result: a config object and at
 * most one problem, a list of problems that each name their key, a value or a problem.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSettingValue, SETTINGS, validateConfig } from '../../src/core/config-schema.js';
import { loadConfig } from '../../src/shared/config.js';
import { oddJsonValue } from './support/fixtures.js';
import { checkProperty, timeoutFor } from './support/fuzz.js';

const dir = mkdtempSync(join(tmpdir(), 'cw-fuzz-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KEYS = SETTINGS.map((setting) => setting.key);

/** A config object: known keys (nested as the file nests them) with random values, and some unknown keys. */
const configObject: fc.Arbitrary<Record<string, unknown>> = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 12 })), oddJsonValue), { maxLength: 8 })
  .map((entries) => {
    let config: Record<string, unknown> = {};
    for (const [key, value] of entries) {
      const [head, ...rest] = key.split('.');
      if (rest.length === 0) config = { ...config, [key]: value };
      else {
        const group = config[head!];
        config = { ...config, [head!]: { ...(group !== null && typeof group === 'object' && !Array.isArray(group) ? group : {}), [rest.join('.')]: value } };
      }
    }
    return config;
  });

describe('validateConfig and parseSettingValue properties', () => {
  it(
    'lists problems for any config without throwing, each naming a key it was given',
    () => {
      checkProperty(
        'config-schema',
        fc.oneof(configObject, fc.dictionary(fc.string({ maxLength: 8 }), oddJsonValue, { maxKeys: 5 })),
        (config) => {
          const problems = validateConfig(config);
          expect(Array.isArray(problems)).toBe(true);
          const topKeys = Object.keys(config);
          for (const problem of problems) {
            expect(typeof problem).toBe('string');
            expect(topKeys.some((key) => problem.startsWith(key)) || problem.startsWith('plan is "custom"')).toBe(true);
          }
        },
        { share: 0.6 },
      );
    },
    timeoutFor(1, 0.6),
  );

  it(
    'reads any typed text for any setting as a value the setting accepts, or a problem naming the setting',
    () => {
      const typed = fc.oneof(
        fc.string({ unit: 'binary', maxLength: 40 }),
        oddJsonValue.map((value) => JSON.stringify(value) ?? ''),
        fc.constantFrom('true', 'OFF', '80', ' 1e3 ', '0x10', 'Infinity', '-0', '[]', '["a", ""]', 'a,,b', '{}', '{"x":1}', 'Europe/Berlin', '365d', '/usr/bin/claude', 'https://x.test'),
      );
      checkProperty(
        'config-schema',
        fc.tuple(fc.nat(SETTINGS.length - 1), typed),
        ([index, text]) => {
          const setting = SETTINGS[index]!;
          const parsed = parseSettingValue(setting, text);
          if ('problem' in parsed) expect(parsed.problem.startsWith(setting.key)).toBe(true);
          else expect(validateConfig(writeNested(setting.key, parsed.value)).filter((problem) => problem.startsWith(setting.key))).toEqual([]);
        },
        { share: 0.4 },
      );
    },
    timeoutFor(1, 0.4),
  );
});

function writeNested(key: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = key.split('.');
  return rest.length === 0 ? { [key]: value } : { [head!]: { [rest.join('.')]: value } };
}

describe('loadConfig properties', () => {
  let count = 0;
  it(
    'reads any file contents into a config object and at most one problem that names the file',
    () => {
      const contents = fc.oneof(
        configObject.map((config) => JSON.stringify(config)),
        fc.jsonValue().map((value) => JSON.stringify(value)),
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
        configObject.map((config) => JSON.stringify(config, null, 2).slice(0, -1)),
        fc.constantFrom('', '\ufeff{}', '{"realClaude": 1}', '{"__proto__": {"realClaude": 5}}', 'null', '[]', '{"realClaude": "/x"}'),
      );
      checkProperty(
        'config-loader',
        contents,
        (content) => {
          const file = join(dir, `config-${count++}.json`);
          try {
            writeFileSync(file, content);
            const loaded = loadConfig(file);
            expect(loaded.config !== null && typeof loaded.config === 'object' && !Array.isArray(loaded.config)).toBe(true);
            if (loaded.problem !== undefined) expect(loaded.problem).toContain(file);
            // Values are checked where they are used (a realClaude that is no path is not taken); what
            // the loader must not do is let a "__proto__" key reach every object's prototype.
            else expect(Object.getPrototypeOf(loaded.config) === Object.prototype && ({} as Record<string, unknown>).realClaude === undefined).toBe(true);
          } finally {
            rmSync(file, { force: true });
          }
        },
        { normal: 100 },
      );
    },
    timeoutFor(2),
  );
});
