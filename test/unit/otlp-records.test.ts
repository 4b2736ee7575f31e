import { describe, expect, it } from 'vitest';
import { METRICS } from '../../src/core/metric-names.js';
import type { MetricSample } from '../../src/core/metrics.js';
import { instrumentsFromSamples, logRecordsFromEvents } from '../../src/core/otlp-records.js';
import type { SessionEvent } from '../../src/core/session-events.js';

const machine = { host: 'h1', user: 'ana' };

describe('instrumentsFromSamples', () => {
  it('gives each metric with samples one instrument with its otel name, unit and labels as attributes', () => {
    const samples: MetricSample[] = [
      { key: 'tokens', labels: { ...machine, project: 'api', model: 'claude-sonnet-4-5', type: 'input' }, value: 120 },
      { key: 'costUsd', labels: { ...machine, project: 'api', model: 'claude-sonnet-4-5' }, value: 0.42 },
      { key: 'tokens', labels: { ...machine, project: 'api', model: 'claude-sonnet-4-5', type: 'output' }, value: 30 },
      { key: 'liveSessions', labels: { ...machine, project: 'none', session_kind: 'none' }, value: 0 },
    ];
    expect(instrumentsFromSamples(samples)).toEqual([
      {
        key: 'liveSessions',
        name: 'claudewatch.sessions.live',
        unit: '{session}',
        description: METRICS.liveSessions.help,
        kind: 'gauge',
        valueType: 'int',
        points: [{ attributes: { ...machine, project: 'none', session_kind: 'none' }, value: 0 }],
      },
      { key: 'costUsd', name: 'claudewatch.cost', unit: 'USD', description: METRICS.costUsd.help, kind: 'counter', valueType: 'double', points: [{ attributes: samples[1]!.labels, value: 0.42 }] },
      {
        key: 'tokens',
        name: 'claudewatch.tokens',
        unit: '{token}',
        description: METRICS.tokens.help,
        kind: 'counter',
        valueType: 'int',
        points: [
          { attributes: samples[0]!.labels, value: 120 },
          { attributes: samples[2]!.labels, value: 30 },
        ],
      },
    ]);
  });

  it('follows METRICS for every metric: counters are counters, gauges gauges', () => {
    const samples = (Object.keys(METRICS) as Array<keyof typeof METRICS>).map((key) => ({ key, labels: machine, value: 1 }));
    const instruments = instrumentsFromSamples(samples);
    expect(instruments.map((instrument) => [instrument.name, instrument.unit, instrument.kind])).toEqual(
      Object.values(METRICS).map((metric) => [metric.otel, metric.unit, metric.type]),
    );
  });
});

describe('logRecordsFromEvents', () => {
  const session = { id: 'cw-1', claudeSessionId: 'claude-9', projectPath: '/home/ana/src/api', cwd: '/home/ana/src/api/web', sessionType: null };
  const events: SessionEvent[] = [
    { at: 1000, type: 'start', detail: 'print in /home/ana/src/api' },
    { at: 2000, type: 'prompt', detail: 'prompt 1: delete the secrets file' },
    { at: 3000, type: 'limit', detail: 'five_hour limit, reset time unknown (hook)' },
    { at: 4000, type: 'error', detail: 'API error 529 overloaded_error, retry 1/10' },
    { at: 5000, type: 'end', detail: 'claude exited 0' },
  ];

  it('makes one record per event with the session, Claude’s session, the project and the type', () => {
    const records = logRecordsFromEvents(session, events, { capturePrompts: false });
    expect(records.map((record) => [record.timestampMs, record.eventName, record.severity])).toEqual([
      [1000, 'claudewatch.session.start', 'INFO'],
      [2000, 'claudewatch.session.prompt', 'INFO'],
      [3000, 'claudewatch.session.limit', 'WARN'],
      [4000, 'claudewatch.session.error', 'ERROR'],
      [5000, 'claudewatch.session.end', 'INFO'],
    ]);
    expect(records[2]!.attributes).toEqual({
      'claudewatch.session.id': 'cw-1',
      'claudewatch.claude_session.id': 'claude-9',
      'claudewatch.project': 'api',
      'claudewatch.event.type': 'limit',
    });
  });

  it('sends a prompt’s words only while capturePrompts is on', () => {
    expect(logRecordsFromEvents(session, events, { capturePrompts: false })[1]!.body).toBe('prompt 1');
    expect(logRecordsFromEvents(session, events, { capturePrompts: true })[1]!.body).toBe('prompt 1: delete the secrets file');
  });

  it('leaves out Claude’s session id when it is unknown and names the session kind when there is one', () => {
    const [record] = logRecordsFromEvents({ ...session, claudeSessionId: null, projectPath: null, sessionType: 'review' }, events.slice(0, 1), { capturePrompts: false });
    expect(record!.attributes).toEqual({ 'claudewatch.session.id': 'cw-1', 'claudewatch.project': 'web', 'claudewatch.session.kind': 'review', 'claudewatch.event.type': 'start' });
  });
});
