import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRICS } from '../../src/core/metric-names.js';
import { createCounterBirths, MAX_PROJECT_LABELS, projectLabeller, renderPrometheus, type MetricSample } from '../../src/core/metrics.js';
import { instrumentsFromSamples } from '../../src/core/otlp-records.js';
import { openDatabase } from '../../src/store/database.js';
import { Ledger, type LedgerLimit } from '../../src/store/ledger.js';
import { collectMetricSamples } from '../../src/store/metrics-snapshot.js';

describe('renderPrometheus', () => {
  it('writes HELP and TYPE once per metric, in a fixed order, with escaped label values', () => {
    const text = renderPrometheus([
      { key: 'tokens', labels: { model: 'claude-opus-4-5', type: 'input' }, value: 10 },
      { key: 'costUsd', labels: { project: 'a "quoted"\\path\nx' }, value: 1.5 },
      { key: 'tokens', labels: { model: 'claude-opus-4-5', type: 'output' }, value: 3 },
      { key: 'blockUtilization', labels: {}, value: 0.25 },
    ]);
    expect(text).toBe(
      [
        '# HELP claudewatch_cost_usd_total Cost of all recorded usage in US dollars.',
        '# TYPE claudewatch_cost_usd_total counter',
        'claudewatch_cost_usd_total{project="a \\"quoted\\"\\\\path\\nx"} 1.5',
        '# HELP claudewatch_tokens_total Tokens of all recorded usage, by kind.',
        '# TYPE claudewatch_tokens_total counter',
        'claudewatch_tokens_total{model="claude-opus-4-5",type="input"} 10',
        'claudewatch_tokens_total{model="claude-opus-4-5",type="output"} 3',
        `# HELP claudewatch_block_utilization_ratio ${METRICS.blockUtilization.help}`,
        '# TYPE claudewatch_block_utilization_ratio gauge',
        'claudewatch_block_utilization_ratio 0.25',
        '',
      ].join('\n'),
    );
  });

  it('names every metric in Prometheus and OpenTelemetry style, apart from Claude Code’s own', () => {
    for (const metric of Object.values(METRICS)) {
      expect(metric.prometheus).toMatch(/^claudewatch_[a-z_]+$/);
      expect(metric.type === 'counter').toBe(metric.prometheus.endsWith('_total'));
      expect(metric.otel).toMatch(/^claudewatch\.[a-z_.]+$/);
      expect(metric.otel.startsWith('claude_code')).toBe(false);
    }
  });
});

describe('projectLabeller', () => {
  it('keeps the costliest projects by their last folder, the rest as "other"', () => {
    const projects = Array.from({ length: MAX_PROJECT_LABELS + 5 }, (_, index) => `/work/p${index}`);
    const label = projectLabeller(projects);
    expect(label('/work/p0')).toBe('p0');
    expect(label(`/work/p${MAX_PROJECT_LABELS}`)).toBe('other');
    expect(label(null)).toBe('unknown');
  });
});

describe('createCounterBirths', () => {
  const cost = (project: string, value: number): MetricSample => ({ key: 'costUsd', labels: { project }, value });
  const live = (value: number): MetricSample => ({ key: 'liveSessions', labels: {}, value });

  it('reports a counter first seen after the first scrape at 0 once, then its total', () => {
    const births = createCounterBirths();
    expect(births([cost('old', 5), live(1)])).toEqual([cost('old', 5), live(1)]);
    expect(births([cost('old', 6), cost('new', 2), live(2)])).toEqual([cost('old', 6), cost('new', 0), live(2)]);
    expect(births([cost('old', 6), cost('new', 3), live(0)])).toEqual([cost('old', 6), cost('new', 3), live(0)]);
  });

  it('tells label sets apart by every label and by metric', () => {
    const births = createCounterBirths();
    births([cost('a', 1)]);
    const tokens: MetricSample = { key: 'tokens', labels: { project: 'a' }, value: 4 };
    expect(births([cost('a', 1), tokens, { key: 'costUsd', labels: { project: 'a', model: 'm' }, value: 2 }]).map((sample) => sample.value)).toEqual([1, 0, 0]);
  });
});

describe('limit events', () => {
  it('counts one limit Claude reported once, however many sources saw it, in /metrics and in OTLP', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-metrics-'));
    const db = openDatabase(join(dir, 'claudewatch.db'));
    try {
      const ledger = new Ledger(db, () => ({ costUsd: 0, known: true }));
      const at = Date.UTC(2026, 11, 7, 9);
      const report = (fields: Partial<LedgerLimit>): LedgerLimit => ({
        kind: 'five_hour',
        severity: 'limit',
        resetsAt: at + 3_600_000,
        resetPrecision: 'minute',
        text: null,
        source: 'screen',
        utilization: null,
        observedAt: at,
        account: '/home/a/.claude',
        claudeSessionId: 'claude-1',
        runId: 'run-1',
        file: null,
        ...fields,
      });
      // The screen, the stream and, imported later, the transcript: one wall.
      ledger.writeLimit(report({}));
      ledger.writeLimit(report({ source: 'stream-json', resetPrecision: 'second', observedAt: at + 300 }));
      ledger.writeLimit(report({ source: 'transcript', runId: null, file: 't.jsonl', observedAt: at + 150 }));

      const samples = collectMetricSamples(db, { now: at + 60_000 });
      expect(renderPrometheus(samples)).toMatch(/^claudewatch_rate_limit_events_total\{[^}]*kind="five_hour"\} 1$/m);
      const otlp = instrumentsFromSamples(samples).find((instrument) => instrument.key === 'rateLimitEvents');
      expect(otlp?.points.map((point) => [point.attributes.kind, point.value])).toEqual([['five_hour', 1]]);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('another machine’s usage', () => {
  it('stays out of this machine’s metrics: that machine exports its own', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-metrics-'));
    const db = openDatabase(join(dir, 'claudewatch.db'));
    try {
      const at = Date.UTC(2026, 11, 7, 9);
      const message = (id: string) => ({
        messageId: id,
        requestId: `req-${id}`,
        claudeSessionId: `session-${id}`,
        file: null,
        cwd: '/work/app',
        model: 'claude-sonnet-4-5',
        at,
        usage: { inputTokens: 10, outputTokens: 20, cacheCreationTokens: 0, cacheReadTokens: 0 },
        sidechain: false,
        answersPrompt: true,
      });
      const ledger = new Ledger(db, () => ({ costUsd: 1, known: true }));
      ledger.writeMessage(message('ours'), null);
      ledger.writeForeignMessage(message('theirs'), { machine: 'laptop', costUsd: 2, computedCostUsd: 2, priced: true });
      const samples = collectMetricSamples(db, { now: at });
      const sum = (key: MetricSample['key']) => samples.filter((sample) => sample.key === key).reduce((total, sample) => total + sample.value, 0);
      expect(sum('costUsd')).toBe(1);
      expect(sum('turns')).toBe(1);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
