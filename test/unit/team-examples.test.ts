import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRICS } from '../../src/core/metric-names.js';
import { REPO_ROOT } from '../support/sandbox.js';

const TEAM = join(REPO_ROOT, 'examples', 'team');
const PROMETHEUS_NAMES = new Set<string>(Object.values(METRICS).map((metric) => metric.prometheus));

interface Panel {
  title: string;
  type: string;
  targets?: Array<{ expr: string }>;
  panels?: Panel[];
}

function queriesOf(dashboard: { panels: Panel[]; templating: { list: Array<{ query?: { query: string } | string }> } }): string[] {
  const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
  const exprs = panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
  const variables = dashboard.templating.list.map((variable) => (typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '')));
  return [...exprs, ...variables];
}

describe('examples/team/grafana-dashboard.json', () => {
  const dashboard = JSON.parse(readFileSync(join(TEAM, 'grafana-dashboard.json'), 'utf8'));

  it('queries only metrics that exist in METRICS', () => {
    const used = new Set(queriesOf(dashboard).flatMap((query) => query.match(/\bclaudewatch_[a-z_]+/g) ?? []));
    expect(used.size).toBeGreaterThan(0);
    for (const name of used) expect(PROMETHEUS_NAMES.has(name), `${name} is not a metric of METRICS`).toBe(true);
  });

  it('shows every metric we export', () => {
    const text = queriesOf(dashboard).join('\n');
    for (const name of PROMETHEUS_NAMES) expect(text, name).toMatch(new RegExp(`\\b${name}\\b`));
  });

  it('is a dashboard Grafana imports: a title, a uid, panels with a query each', () => {
    expect(dashboard).toMatchObject({ title: expect.any(String), uid: 'claudewatch-team', schemaVersion: expect.any(Number) });
    const panels = (dashboard.panels as Panel[]).filter((panel) => panel.type !== 'row');
    expect(new Set(panels.map((panel) => (panel as unknown as { id: number }).id)).size).toBe(panels.length);
    for (const panel of panels) expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
  });
  it('picks its Prometheus through a data source variable, so file provisioning works as well as the UI import', () => {
    // ${DS_...} inputs are filled in by the UI import only; a provisioned file keeps them verbatim.
    expect(dashboard.__inputs).toBeUndefined();
    const variables = dashboard.templating.list as Array<{ name: string; type: string; query?: unknown }>;
    expect(variables[0]).toMatchObject({ name: 'datasource', type: 'datasource', query: 'prometheus' });
    const sources: unknown[] = [];
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(collect);
      else if (node !== null && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === 'datasource' && typeof value === 'object') sources.push(value);
          else collect(value);
        }
      }
    };
    collect({ panels: dashboard.panels, templating: dashboard.templating });
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(source).toEqual({ type: 'prometheus', uid: '${datasource}' });
  });
});

describe('examples/team/otel-collector.yaml', () => {
  it('renames each OTLP metric to the Prometheus name `cw serve --metrics` uses', () => {
    const config = readFileSync(join(TEAM, 'otel-collector.yaml'), 'utf8');
    for (const metric of Object.values(METRICS)) {
      expect(config).toContain(`set(name, "${metric.prometheus}") where name == "${metric.otel}"`);
    }
  });
});
