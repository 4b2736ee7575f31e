/**
 * OTLP export end to end: a wrapped session through the shim ends with a detached push that
 * reaches a receiver on 127.0.0.1 with our metrics and the session's events as logs. With the
 * collector down, the session is as fast as without OTLP, and the drop is counted.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { METRICS } from '../../src/core/metric-names.js';
import { createSandbox, fakeScript, installFakeClaude, runCw, runProcess, SHIM, type Sandbox } from '../support/sandbox.js';
import { until } from '../support/until.js';

interface Received {
  path: string;
  contentType: string;
  body: Buffer;
}

interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
}
type Attributes = Array<{ key: string; value: AnyValue }>;
interface DataPoint {
  attributes: Attributes;
  asInt?: string | number;
  asDouble?: number;
}
interface OtlpMetric {
  name: string;
  unit: string;
  sum?: { dataPoints: DataPoint[]; isMonotonic: boolean; aggregationTemporality: number };
  gauge?: { dataPoints: DataPoint[] };
}
interface OtlpLog {
  eventName?: string;
  severityText: string;
  body: AnyValue;
  attributes: Attributes;
}

let sandbox: Sandbox;
let server: Server | null = null;
let received: Received[];

beforeEach(() => {
  sandbox = createSandbox();
  installFakeClaude(sandbox);
  received = [];
  mkdirSync(sandbox.cwHome, { recursive: true });
});
afterEach(async () => {
  if (server) await new Promise((resolve) => server!.close(resolve));
  server = null;
  sandbox.cleanup();
});

async function startReceiver(): Promise<string> {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', contentType: String(request.headers['content-type']), body: Buffer.concat(chunks) });
      const json = String(request.headers['content-type']).includes('json');
      response.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? '{}' : undefined);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}`;
}

const RESETS_AT = Math.floor(Date.now() / 1000) + 3600;
const session = fakeScript([
  { out: '{"type":"system","subtype":"init","session_id":"claude-otlp-1","model":"claude-sonnet-4-5"}\n' },
  { out: '{"type":"assistant","message":{"id":"m-1","model":"claude-sonnet-4-5","usage":{"input_tokens":100,"output_tokens":40}},"session_id":"claude-otlp-1"}\n' },
  { out: `{"type":"rate_limit_event","rate_limit_info":{"status":"rejected","rateLimitType":"five_hour","resetsAt":${RESETS_AT}}}\n` },
  { out: '{"type":"result","subtype":"success","is_error":false,"num_turns":1,"total_cost_usd":0.25,"session_id":"claude-otlp-1"}\n' },
]);
const quickSession = fakeScript([{ out: '{"type":"result","subtype":"success","is_error":false,"num_turns":1,"total_cost_usd":0.01,"session_id":"s-quick"}\n' }]);

function runShim(env: Record<string, string>, script = session) {
  return runProcess(SHIM, ['-p', 'go', '--output-format', 'stream-json', '--verbose'], { env: { ...sandbox.env, FAKE_CLAUDE_SCRIPT: script, ...env } });
}

const WAIT = { timeoutMs: 20_000, seen: () => received.map((request) => request.path) };

async function otlpState(env: Record<string, string>): Promise<{ pushes: number; dropped: { metrics: number; logs: number }; lastError: { message: string } | null }> {
  const result = await runCw(sandbox, ['otlp', 'status', '--json'], env);
  expect(result.code, result.stderr.toString()).toBe(0);
  return (JSON.parse(result.stdout.toString()) as { state: Awaited<ReturnType<typeof otlpState>> }).state;
}

const text = (attributes: Attributes, key: string): string | undefined => attributes.find((attribute) => attribute.key === key)?.value.stringValue;
const labels = (point: DataPoint): Record<string, string> => Object.fromEntries(point.attributes.map((attribute) => [attribute.key, attribute.value.stringValue ?? '']));
const valueOf = (point: DataPoint): number => Number(point.asInt ?? point.asDouble);

describe('cw otlp', () => {
  it('sends the metrics and the session’s events as logs over HTTP/JSON after a wrapped session', async () => {
    const endpoint = await startReceiver();
    writeFileSync(join(sandbox.cwHome, 'config.json'), JSON.stringify({ otlp: { enabled: true } }));
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'claudewatch-ci',
      OTEL_RESOURCE_ATTRIBUTES: 'team=platform',
    };
    const run = await runShim(env);
    expect(run.code).toBe(0);
    expect(run.stderr.toString()).toBe('');

    const [metricsRequest, logsRequest] = await until(() => {
      const metrics = received.find((request) => request.path === '/v1/metrics');
      const logs = received.find((request) => request.path === '/v1/logs');
      return metrics && logs ? [metrics, logs] : null;
    }, 'metrics and logs', WAIT);
    expect(metricsRequest.contentType).toBe('application/json');

    const metricsBody = JSON.parse(metricsRequest.body.toString()) as {
      resourceMetrics: Array<{ resource: { attributes: Attributes }; scopeMetrics: Array<{ scope: { name: string }; metrics: OtlpMetric[] }> }>;
    };
    const resource = metricsBody.resourceMetrics[0]!.resource.attributes;
    expect(text(resource, 'service.name')).toBe('claudewatch-ci');
    expect(text(resource, 'team')).toBe('platform');
    const metrics = metricsBody.resourceMetrics[0]!.scopeMetrics.flatMap((scope) => scope.metrics);
    const byName = new Map(metrics.map((metric) => [metric.name, metric]));
    const allNames = new Set<string>(Object.values(METRICS).map((metric) => metric.otel));
    for (const metric of metrics) expect(allNames.has(metric.name), metric.name).toBe(true);

    for (const metric of Object.values(METRICS)) {
      const sent = byName.get(metric.otel);
      if (!sent) continue;
      expect(sent.unit, metric.otel).toBe(metric.unit);
      if (metric.type === 'counter') expect(sent.sum, metric.otel).toMatchObject({ isMonotonic: true, aggregationTemporality: 2 });
      else expect(sent.gauge, metric.otel).toBeDefined();
    }

    const cost = byName.get('claudewatch.cost')!.sum!.dataPoints;
    expect(cost).toHaveLength(1);
    expect(labels(cost[0]!)).toMatchObject({ project: 'home', model: 'claude-sonnet-4-5' });
    expect(Object.keys(labels(cost[0]!)).sort()).toEqual(['host', 'model', 'project', 'user']);
    expect(valueOf(cost[0]!)).toBeCloseTo(0.25, 9);

    const tokens = byName.get('claudewatch.tokens')!.sum!.dataPoints;
    expect(Object.fromEntries(tokens.map((point) => [labels(point).type, valueOf(point)]))).toEqual({ input: 100, output: 40, cache_creation: 0, cache_read: 0 });
    expect(tokens.every((point) => point.asInt !== undefined)).toBe(true);

    const sessions = byName.get('claudewatch.sessions')!.gauge!.dataPoints;
    expect(sessions.map((point) => [labels(point).status, valueOf(point)])).toEqual([['completed', 1]]);
    expect(byName.get('claudewatch.rate_limit.events')!.sum!.dataPoints.map((point) => [labels(point).kind, valueOf(point)])).toEqual([['five_hour', 1]]);
    const reset = valueOf(byName.get('claudewatch.rate_limit.reset')!.gauge!.dataPoints[0]!);
    expect(reset).toBeGreaterThan(3000);
    expect(reset).toBeLessThanOrEqual(3600);
    // Labels stay bounded: no session id anywhere in the metrics.
    expect(metricsRequest.body.toString()).not.toContain('claude-otlp-1');

    const logsBody = JSON.parse(logsRequest.body.toString()) as { resourceLogs: Array<{ scopeLogs: Array<{ logRecords: OtlpLog[] }> }> };
    const logs = logsBody.resourceLogs[0]!.scopeLogs.flatMap((scope) => scope.logRecords);
    expect(logs.map((log) => [log.eventName, log.severityText])).toEqual([
      ['claudewatch.session.start', 'INFO'],
      ['claudewatch.session.limit', 'WARN'],
      ['claudewatch.session.answer', 'INFO'],
      ['claudewatch.session.end', 'INFO'],
    ]);
    const sessionsJson = (JSON.parse((await runCw(sandbox, ['sessions', '--json'])).stdout.toString()) as { sessions: Array<{ id: string }> }).sessions;
    for (const log of logs) {
      expect(text(log.attributes, 'claudewatch.session.id')).toBe(sessionsJson[0]!.id);
      expect(text(log.attributes, 'claudewatch.claude_session.id')).toBe('claude-otlp-1');
      expect(text(log.attributes, 'claudewatch.project')).toBe('home');
      expect(text(log.attributes, 'claudewatch.event.type')).toBe(log.eventName!.split('.').at(-1));
    }
    expect(logs[1]!.body.stringValue).toMatch(/^five_hour limit, resets /);
    // One record per event of `cw events`, worded the same.
    const events = JSON.parse((await runCw(sandbox, ['events', '--json'])).stdout.toString()) as { events: Array<{ type: string; detail: string }> };
    expect(logs.map((log) => [text(log.attributes, 'claudewatch.event.type'), log.body.stringValue])).toEqual(events.events.map((event) => [event.type, event.detail]));

    await until(async () => (await otlpState({})).pushes === 1, 'the push to be recorded', WAIT);
    expect((await otlpState({})).dropped).toEqual({ metrics: 0, logs: 0 });
  });

  it('speaks HTTP/protobuf, the default protocol, and pushes on demand', async () => {
    const endpoint = await startReceiver();
    expect((await runShim({}, quickSession)).code).toBe(0);
    const push = await runCw(sandbox, ['otlp', 'push', '--json'], { CLAUDEWATCH_OTLP: '1', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
    expect(push.code, push.stderr.toString()).toBe(0);
    expect(JSON.parse(push.stdout.toString()).outcome).toMatchObject({ metrics: { ok: true }, logs: null });
    expect(received.map((request) => [request.path, request.contentType])).toEqual([['/v1/metrics', 'application/x-protobuf']]);
    // Protobuf keeps strings as they are: the names can be found without decoding.
    expect(received[0]!.body.includes('claudewatch.cost')).toBe(true);
  });

  it('does nothing when off, and says why', async () => {
    const endpoint = await startReceiver();
    expect((await runShim({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, quickSession)).code).toBe(0);
    const push = await runCw(sandbox, ['otlp', 'push'], { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
    expect(push.code).toBe(1);
    expect(push.stdout.toString()).toBe('Nothing sent: OTLP export is off (otlp.enabled in config.json, or CLAUDEWATCH_OTLP=1).\n');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(received).toEqual([]);
  });

  it('with the collector down, a session ends as fast as without OTLP and the drop is counted', async () => {
    const down = { CLAUDEWATCH_OTLP: '1', OTEL_EXPORTER_OTLP_ENDPOINT: await closedPort(), OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' };
    const off = { CLAUDEWATCH_OTLP: '0' };
    const RUNS = 5;
    const timings: Record<'down' | 'off', number[]> = { down: [], off: [] };
    // Warm the disk cache and the database before measuring; alternate so drift hits both alike.
    await runShim(off, quickSession);
    for (let i = 0; i < RUNS; i++) {
      for (const [name, env] of [['off', off], ['down', down]] as const) {
        const started = performance.now();
        const run = await runShim(env, quickSession);
        timings[name].push(performance.now() - started);
        expect(run.code).toBe(0);
        expect(run.stderr.toString()).toBe('');
      }
    }
    const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    console.log(`shim wall time, median of ${RUNS}: OTLP off ${median(timings.off).toFixed(0)} ms, collector down ${median(timings.down).toFixed(0)} ms`);
    expect(median(timings.down) - median(timings.off)).toBeLessThan(150);

    // The detached pushes give up within their bound and count what they dropped.
    const state = await until(async () => {
      const current = await otlpState(down);
      return current.pushes === RUNS ? current : null;
    }, 'every push to give up', { ...WAIT, timeoutMs: 30_000 });
    expect(state.dropped.metrics).toBeGreaterThan(0);
    expect(state.dropped.logs).toBeGreaterThanOrEqual(RUNS * 2);
    expect(state.lastError?.message).toMatch(/ECONNREFUSED/);
    const status = await runCw(sandbox, ['otlp', 'status'], down);
    expect(status.stdout.toString()).toMatch(/^OTLP export: on \(CLAUDEWATCH_OTLP\)\n/);
    expect(status.stdout.toString()).toContain(`Pushes: ${RUNS}, ${RUNS} with drops; dropped so far: ${state.dropped.metrics} data point(s), ${state.dropped.logs} log record(s)`);
    const log = await runProcess('cat', [join(sandbox.cwHome, 'logs', 'claudewatch.log')], { env: sandbox.env });
    expect(log.stdout.toString()).toMatch(/WARN otlp: dropped \d+ log record\(s\) for http:\/\/127\.0\.0\.1:\d+\/v1\/logs: connect ECONNREFUSED/);
  });
});
