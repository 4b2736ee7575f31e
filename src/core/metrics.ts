import { METRICS, type MetricKey } from './metric-names.js';

/** One value of one metric with its labels: what both exporters (Prometheus, OTLP) are fed. */
export interface MetricSample {
  key: MetricKey;
  labels: Readonly<Record<string, string>>;
  value: number;
}

/** Projects beyond this many (by cost) are labelled "other": a label must not grow without bound. */
export const MAX_PROJECT_LABELS = 20;

/**
 * The Prometheus text exposition format (version 0.0.4): HELP and TYPE once per metric, then its
 * samples, label values escaped. Metrics without samples are left out.
 */
export function renderPrometheus(samples: readonly MetricSample[]): string {
  const byKey = new Map<MetricKey, MetricSample[]>();
  for (const sample of samples) {
    const list = byKey.get(sample.key) ?? [];
    list.push(sample);
    byKey.set(sample.key, list);
  }
  const lines: string[] = [];
  for (const key of Object.keys(METRICS) as MetricKey[]) {
    const list = byKey.get(key);
    if (!list) continue;
    const metric = METRICS[key];
    lines.push(`# HELP ${metric.prometheus} ${metric.help}`, `# TYPE ${metric.prometheus} ${metric.type}`);
    for (const sample of list) lines.push(`${metric.prometheus}${formatLabels(sample.labels)} ${formatValue(sample.value)}`);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function formatLabels(labels: Readonly<Record<string, string>>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([name, value]) => `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/**
 * Holds a counter's label set at 0 on the first scrape that shows it, then reports its total.
 * Our counters are totals of the whole history, so a project or model first seen while a server
 * runs would be born at its full total, and Prometheus' increase() and rate() count nothing
 * before a series' first sample: its cost would never show in a range. Label sets present at the
 * first scrape keep their totals: they existed before this server started, and zeroing them
 * would read as a counter reset, an increase of everything. One scraper per server is assumed:
 * the 0 is served once, to whoever asks first.
 */
export function createCounterBirths(): (samples: readonly MetricSample[]) => MetricSample[] {
  let seen: Set<string> | null = null;
  return (samples) => {
    const first = seen === null;
    const known = (seen ??= new Set());
    return samples.map((sample) => {
      if (METRICS[sample.key].type !== 'counter') return sample;
      const id = `${sample.key}${JSON.stringify(sample.labels)}`;
      if (known.has(id)) return sample;
      known.add(id);
      return first ? sample : { ...sample, value: 0 };
    });
  };
}

/** The last folder of a project path, or "other" past the largest MAX_PROJECT_LABELS: bounded labels. */
export function projectLabeller(projectsByCost: ReadonlyArray<string | null>): (project: string | null) => string {
  const kept = new Set(projectsByCost.filter((project): project is string => project !== null).slice(0, MAX_PROJECT_LABELS));
  return (project) => (project === null ? 'unknown' : kept.has(project) ? project.split('/').filter(Boolean).at(-1) ?? project : 'other');
}
