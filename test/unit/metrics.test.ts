import { describe, expect, it } from 'vitest';
import { METRICS } from '../../src/core/metric-names.js';
import { MAX_PROJECT_LABELS, projectLabeller, renderPrometheus } from '../../src/core/metrics.js';

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
