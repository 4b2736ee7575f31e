import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PRICE_TABLE, PRICE_TABLE_VERSION } from '../../src/core/price-table.js';
import { createSandbox, fakeScript, installFakeClaude, recordedSessions, runCw, runProcess, SHIM, type Sandbox } from '../support/sandbox.js';

let sandbox: Sandbox;

beforeEach(() => {
  sandbox = createSandbox();
  installFakeClaude(sandbox);
});

afterEach(() => sandbox.cleanup());

function writeConfig(text: string): void {
  mkdirSync(sandbox.cwHome, { recursive: true });
  writeFileSync(join(sandbox.cwHome, 'config.json'), text);
}

interface PricesJson {
  version: string;
  models: Array<{ id: string; fromConfig: boolean; input: number; output: number; cacheWrite1h: number; pricedOn: string | null }>;
  problems: string[];
}

async function pricesJson(): Promise<{ data: PricesJson; stderr: string; code: number | null }> {
  const result = await runCw(sandbox, ['prices', '--json']);
  return { data: JSON.parse(result.stdout.toString()) as PricesJson, stderr: result.stderr.toString(), code: result.code };
}

/** A print-mode session using one model, with token totals but no cost from Claude, so ClaudeWatch prices it. */
async function recordSession(model: string): Promise<void> {
  const events = [
    { type: 'system', subtype: 'init', session_id: `s-${model}`, model },
    {
      type: 'result',
      subtype: 'success',
      is_error: false,
      num_turns: 1,
      session_id: `s-${model}`,
      modelUsage: { [model]: { inputTokens: 1000, outputTokens: 200, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 } },
    },
  ];
  const out = events.map((event) => `${JSON.stringify(event)}\n`).join('');
  const result = await runProcess(SHIM, ['-p', 'x', '--output-format', 'stream-json'], {
    env: { ...sandbox.env, FAKE_CLAUDE_SCRIPT: fakeScript([{ out }]) },
  });
  expect(result.code).toBe(0);
}

const UNPRICED_NOTE = '! cost excludes unpriced model(s): claude-unknown-9 — add a price in config.json (see `cw prices`)';

describe('cw prices', () => {
  it('prints the built-in table when there is no config.json', async () => {
    const { data, stderr, code } = await pricesJson();
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(data.version).toBe(PRICE_TABLE_VERSION);
    expect(data.problems).toEqual([]);
    expect(data.models.map((row) => row.id)).toEqual(Object.keys(PRICE_TABLE.models));
    expect(data.models.every((row) => !row.fromConfig)).toBe(true);
  });

  it('applies config.json prices, marks their rows and warns about broken entries', async () => {
    writeConfig(
      JSON.stringify({
        prices: {
          'claude-sonnet-4-5': { input: 2.5 },
          'claude-unknown-9': { input: 1, output: 4, cacheWrite5m: 1.25, cacheRead: 0.1 },
          'claude-broken': { output: -1 },
        },
      }),
    );
    const { data, stderr, code } = await pricesJson();
    expect(code).toBe(0);
    expect(stderr).toBe('cw prices: warning: config.json: prices["claude-broken"].output: expected a number ≥ 0 (USD per million tokens), got -1\n');
    expect(data.version).toBe(`${PRICE_TABLE_VERSION}+config`);
    expect(data.problems).toHaveLength(1);
    expect(data.models.filter((row) => row.fromConfig).map((row) => row.id)).toEqual(['claude-sonnet-4-5', 'claude-unknown-9']);
    expect(data.models.find((row) => row.id === 'claude-sonnet-4-5')).toMatchObject({ input: 2.5, output: 15 });
    // No one-hour rate given: those writes cost the 5-minute rate, and the table says so.
    expect(data.models.find((row) => row.id === 'claude-unknown-9')).toMatchObject({ input: 1, cacheWrite1h: 1.25, pricedOn: null });
    expect(data.models.some((row) => row.id === 'claude-broken')).toBe(false);

    const text = (await runCw(sandbox, ['prices'])).stdout.toString();
    expect(text).toContain(`Price table ${PRICE_TABLE_VERSION}+config, USD per million tokens`);
    expect(text).toMatch(/^claude-unknown-9 \*\s+1\s+4\s+1\.25\s+1\.25\s+0\.1\s+-\s+-\s+config\.json prices$/m);
    expect(text).toMatch(/^claude-sonnet-4-0\s+3\s+15\s+3\.75\s+6\s+0\.3\s+>200k: 6\/22\.5\/7\.5\/12\/0\.6\s+2026-11-20\s+Claude Code 2\.1\.330/m);
    expect(text).toContain(`* from ${join(sandbox.cwHome, 'config.json')}`);
  });

  it('warns about a config.json that is not JSON and still prints the built-in table', async () => {
    writeConfig('{"prices": ');
    const { data, stderr, code } = await pricesJson();
    expect(code).toBe(0);
    expect(stderr).toMatch(/^cw prices: warning: .*config\.json is not valid JSON/);
    expect(data.version).toBe(PRICE_TABLE_VERSION);
  });
});

describe('a model without a price', () => {
  it('is priced at 0 and flagged by cw sessions, cw status and cw doctor', async () => {
    await recordSession('claude-sonnet-4-5');
    await recordSession('claude-unknown-9');

    const [unknown, known] = await recordedSessions(sandbox);
    expect(unknown).toMatchObject({ costUsd: 0, costSource: 'computed', unpricedModels: ['claude-unknown-9'] });
    expect(known).toMatchObject({ costSource: 'computed', unpricedModels: [] });

    const sessions = (await runCw(sandbox, ['sessions'])).stdout.toString().split('\n');
    expect(sessions.find((line) => line.startsWith(String(unknown!.id).slice(0, 8)))).toContain('$0.0000!');
    expect(sessions.find((line) => line.startsWith(String(known!.id).slice(0, 8)))).not.toContain('!');
    expect(sessions).toContain(UNPRICED_NOTE);

    const status = await runCw(sandbox, ['status']);
    expect(status.stdout.toString()).toMatch(/^Current: \w{8} COMPLETED print \$0\.0000! /m);
    expect(status.stdout.toString()).toContain(`\n${UNPRICED_NOTE}\n`);
    const statusJson = JSON.parse((await runCw(sandbox, ['status', '--json'])).stdout.toString()) as { current: { data: { unpricedModels: string[] } } };
    expect(statusJson.current.data.unpricedModels).toEqual(['claude-unknown-9']);

    const checks = await doctorChecks();
    expect(checks.get('prices')).toEqual({ level: 'ok', detail: `table ${PRICE_TABLE_VERSION}, ${Object.keys(PRICE_TABLE.models).length} models; no overrides in config.json (see \`cw prices\`)` });
    expect(checks.get('unpriced models')?.level).toBe('warn');
    expect(checks.get('unpriced models')?.detail).toContain('claude-unknown-9: 1 session, priced at $0 by ClaudeWatch');
    expect(checks.get('unpriced models')?.detail).toContain('hint: add its rates under "prices" in');
  });

  it('cw doctor tells when config.json prices a model that recorded sessions lacked, and lists broken entries', async () => {
    await recordSession('claude-unknown-9');
    writeConfig(JSON.stringify({ prices: { 'claude-unknown-9': { input: 1, output: 4, cacheWrite5m: 1.25, cacheRead: 0.1 }, 'claude-foo': { input: 1 } } }));
    const checks = await doctorChecks();
    expect(checks.get('prices')?.detail).toBe(
      `table ${PRICE_TABLE_VERSION}+config, ${Object.keys(PRICE_TABLE.models).length + 1} models; from config.json: claude-unknown-9 (see \`cw prices\`)`,
    );
    expect(checks.get('price overrides')?.level).toBe('warn');
    expect(checks.get('price overrides')?.detail).toContain('config.json: prices["claude-foo"]: not a model in the price table');
    expect(checks.get('unpriced models')?.detail).toContain('hint: it has a price now; sessions recorded before keep $0 for it');
  });

  it('cw doctor is quiet about prices when every session was priced', async () => {
    await recordSession('claude-sonnet-4-5');
    const checks = await doctorChecks();
    expect(checks.get('unpriced models')).toEqual({ level: 'ok', detail: 'every recorded session was priced' });
    expect(checks.has('price overrides')).toBe(false);
  });
});

async function doctorChecks(): Promise<Map<string, { level: string; detail: string }>> {
  const result = await runCw(sandbox, ['doctor', '--json']);
  const { checks } = JSON.parse(result.stdout.toString()) as { checks: Array<{ name: string; level: string; detail: string }> };
  return new Map(checks.map(({ name, level, detail }) => [name, { level, detail }]));
}
