import { METRICS, type MetricKey } from './metric-names.js';
import type { MetricSample } from './metrics.js';
import type { SessionEvent, SessionEventType } from './session-events.js';
import type { SessionView } from './session-view.js';

/**
 * What one OTLP push sends, as plain data: the SDK module turns it into instruments and log
 * records. Pure, so the mapping is tested without a collector.
 */
export interface InstrumentSpec {
  key: MetricKey;
  name: string;
  unit: string;
  description: string;
  /** Counters are cumulative totals of the whole history; gauges are now. */
  kind: 'counter' | 'gauge';
  /** Counts are whole numbers on the wire (asInt); dollars and ratios are not. */
  valueType: 'int' | 'double';
  points: Array<{ attributes: Readonly<Record<string, string>>; value: number }>;
}

export type LogSeverity = 'INFO' | 'WARN' | 'ERROR';

export interface LogRecordSpec {
  timestampMs: number;
  eventName: string;
  severity: LogSeverity;
  body: string;
  attributes: Record<string, string>;
}

const FRACTIONAL: ReadonlySet<MetricKey> = new Set<MetricKey>(['costUsd', 'blockUtilization']);

/** One instrument per metric that has samples, in METRICS order, named and unitted as METRICS says. */
export function instrumentsFromSamples(samples: readonly MetricSample[]): InstrumentSpec[] {
  const instruments: InstrumentSpec[] = [];
  for (const key of Object.keys(METRICS) as MetricKey[]) {
    const points = samples.filter((sample) => sample.key === key).map((sample) => ({ attributes: sample.labels, value: sample.value }));
    if (points.length === 0) continue;
    const metric = METRICS[key];
    instruments.push({ key, name: metric.otel, unit: metric.unit, description: metric.help, kind: metric.type, valueType: FRACTIONAL.has(key) ? 'double' : 'int', points });
  }
  return instruments;
}

const SEVERITY: Record<SessionEventType, LogSeverity> = {
  start: 'INFO',
  prompt: 'INFO',
  answer: 'INFO',
  limit: 'WARN',
  warning: 'WARN',
  resume: 'INFO',
  error: 'ERROR',
  git: 'INFO',
  end: 'INFO',
};

export type SessionIdentity = Pick<SessionView, 'id' | 'claudeSessionId' | 'projectPath' | 'cwd' | 'sessionType'>;

/**
 * One log record per event. A prompt's words leave the machine only when capturePrompts is on
 * now, whatever was kept when it was recorded; answers are never kept at all.
 */
export function logRecordsFromEvents(session: SessionIdentity, events: readonly SessionEvent[], options: { capturePrompts: boolean }): LogRecordSpec[] {
  const project = session.projectPath ?? session.cwd;
  const common: Record<string, string> = {
    'claudewatch.session.id': session.id,
    'claudewatch.project': project.split('/').filter(Boolean).at(-1) ?? project,
    ...(session.claudeSessionId ? { 'claudewatch.claude_session.id': session.claudeSessionId } : {}),
    ...(session.sessionType ? { 'claudewatch.session.kind': session.sessionType } : {}),
  };
  return events.map((event) => ({
    timestampMs: event.at,
    eventName: `claudewatch.session.${event.type}`,
    severity: SEVERITY[event.type],
    body: event.type === 'prompt' && !options.capturePrompts ? withoutPromptText(event.detail) : event.detail,
    attributes: { ...common, 'claudewatch.event.type': event.type },
  }));
}

/** "prompt 3: the words" → "prompt 3". */
function withoutPromptText(detail: string): string {
  return /^prompt \d+/.exec(detail)?.[0] ?? 'prompt';
}
