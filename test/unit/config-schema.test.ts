import { describe, expect, it } from 'vitest';
import { configJsonSchema, parseSettingValue, readSetting, SETTINGS, settingOf, validateConfig, writeSetting } from '../../src/core/config-schema.js';

const setting = (key: string) => settingOf(key)!;

describe('validateConfig', () => {
  it('accepts a full, valid config', () => {
    expect(
      validateConfig({
        plan: 'custom',
        planLimits: { tokensPerBlock: 2_000_000, costUsdPerBlock: 40 },
        timezone: 'Europe/Berlin',
        retention: '12w',
        capturePrompts: false,
        isolation: 'unified',
        callbacks: { commands: ['sh ~/bin/x.sh'], webhooks: ['https://example.test/hook'], timeoutMs: 2000 },
        alerts: { dailyCostUsd: 20, blockPercent: 75, bell: false, webhooks: ['http://127.0.0.1:9000/'] },
        analysis: { onStart: false, days: 14 },
        prices: { 'claude-sonnet-4-5': { input: 3, output: 15 } },
      }),
    ).toEqual([]);
  });

  it('names every bad key, with what was expected and what was found', () => {
    expect(
      validateConfig({
        plan: 'gold',
        timezone: 'Mars/Olympus',
        retention: 'forever',
        alerts: { blockPercnt: 80, dailyCostUsd: -1 },
        callbacks: 'sh x.sh',
        prices: { 'claude-x': { input: 'cheap' } },
        colour: true,
      }),
    ).toEqual([
      'plan must be one of pro, max5, max20, team, custom, got "gold"',
      'timezone is not a time zone Intl knows: "Mars/Olympus" (expected a time zone name like Europe/Berlin)',
      'retention is not an age: "forever" (expected an age like 365d, 12w, 6m or 1y)',
      'alerts.blockPercnt is not a setting; did you mean alerts.blockPercent?',
      'alerts.dailyCostUsd must be a number at least 0.01, got -1',
      'callbacks must be an object of settings (callbacks.commands, callbacks.webhooks, callbacks.timeoutMs)',
      expect.stringMatching(/^prices .*claude-x/),
      'colour is not a setting; see `cw config show` for the settings',
    ]);
  });

  it('asks for limits when the plan is custom', () => {
    expect(validateConfig({ plan: 'custom' })).toEqual([expect.stringContaining('planLimits is empty')]);
  });
});

describe('parseSettingValue', () => {
  it('reads command-line text by the setting’s type', () => {
    expect(parseSettingValue(setting('alerts.bell'), 'off')).toEqual({ value: false });
    expect(parseSettingValue(setting('alerts.blockPercent'), '85.5')).toEqual({ value: 85.5 });
    expect(parseSettingValue(setting('analysis.days'), '7')).toEqual({ value: 7 });
    expect(parseSettingValue(setting('plan'), 'max20')).toEqual({ value: 'max20' });
    expect(parseSettingValue(setting('callbacks.commands'), 'a.sh, b.sh')).toEqual({ value: ['a.sh', 'b.sh'] });
    expect(parseSettingValue(setting('callbacks.commands'), '["sh -c \\"x, y\\""]')).toEqual({ value: ['sh -c "x, y"'] });
    expect(parseSettingValue(setting('prices'), '{"claude-new": {"input": 1, "output": 5, "cacheWrite5m": 1.25, "cacheRead": 0.1}}')).toEqual({
      value: { 'claude-new': { input: 1, output: 5, cacheWrite5m: 1.25, cacheRead: 0.1 } },
    });
  });

  it('refuses text that is not a value of the setting', () => {
    expect(parseSettingValue(setting('alerts.bell'), 'maybe')).toEqual({ problem: 'alerts.bell takes true or false, got "maybe"' });
    expect(parseSettingValue(setting('analysis.days'), '7.5')).toEqual({ problem: 'analysis.days must be a whole number from 1 to 365, got 7.5' });
    expect(parseSettingValue(setting('analysis.days'), '')).toMatchObject({ problem: expect.stringContaining('whole number') });
    expect(parseSettingValue(setting('prices'), 'cheap')).toMatchObject({ problem: expect.stringContaining('prices must be') });
  });
});

describe('dotted keys', () => {
  it('read, write and remove nested settings without touching the rest', () => {
    const config = { plan: 'pro', alerts: { bell: false, unknownKept: 1 } };
    expect(readSetting(config, 'alerts.bell')).toBe(false);
    const changed = writeSetting(config, 'alerts.blockPercent', 70);
    expect(changed).toEqual({ plan: 'pro', alerts: { bell: false, unknownKept: 1, blockPercent: 70 } });
    expect(config.alerts).toEqual({ bell: false, unknownKept: 1 }); // a copy, not a change in place
    expect(writeSetting({ analysis: { days: 3 } }, 'analysis.days', undefined)).toEqual({});
  });
});

describe('configJsonSchema', () => {
  it('describes every setting, nested as in the file', () => {
    const schema = configJsonSchema() as { properties: Record<string, any> };
    expect(schema.properties.plan).toMatchObject({ enum: ['pro', 'max5', 'max20', 'team', 'custom'] });
    expect(schema.properties.alerts.properties.blockPercent).toMatchObject({ type: 'number', minimum: 1, maximum: 100, default: 80 });
    const described = Object.entries(schema.properties).flatMap(([key, value]) => (value.properties ? Object.keys(value.properties).map((inner) => `${key}.${inner}`) : [key]));
    expect(described.sort()).toEqual(SETTINGS.map((entry) => entry.key).sort());
  });
});

describe('docs/configuration.md', () => {
  it('documents every setting', async () => {
    const { readFileSync } = await import('node:fs');
    const docs = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    for (const entry of SETTINGS) expect(docs, entry.key).toContain(`| \`${entry.key}\` |`);
  });
});
