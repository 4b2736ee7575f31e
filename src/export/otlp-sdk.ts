import { diag, DiagLogLevel, ValueType } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtobufLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtobufMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { defaultResource, detectResources, envDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { LoggerProvider, type LogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import type { InstrumentSpec, LogRecordSpec, LogSeverity } from '../core/otlp-records.js';
import type { OtlpSignal, OtlpTarget } from '../core/otlp-settings.js';

/**
 * The one home of the OpenTelemetry SDK: builds a meter and a logger provider, records what one
 * push sends, exports it once per signal and reports what was sent or dropped. Nothing here
 * retries past the deadline or queues for later: a collector that is down costs the data, never time.
 */
export interface ExportRequest {
  instruments: readonly InstrumentSpec[];
  logs: readonly LogRecordSpec[];
  targets: Record<OtlpSignal, OtlpTarget | null>;
  /** Attributes of the resource; OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override them. */
  resource: Record<string, string>;
  scopeVersion: string;
  /** For each signal's request, retries included. */
  timeoutMs: number;
  onDiagnostic?: (message: string) => void;
}

export interface SignalOutcome {
  /** Data points or log records in the request. */
  items: number;
  ok: boolean;
  error: string | null;
}

export type ExportOutcome = Record<OtlpSignal, SignalOutcome | null>;

const SEVERITY_NUMBER: Record<LogSeverity, SeverityNumber> = { INFO: SeverityNumber.INFO, WARN: SeverityNumber.WARN, ERROR: SeverityNumber.ERROR };

export async function exportOnce(request: ExportRequest): Promise<ExportOutcome> {
  if (request.onDiagnostic) routeDiagnostics(request.onDiagnostic);
  const resource = buildResource(request.resource);
  const [metrics, logs] = await Promise.all([
    request.targets.metrics && request.instruments.length > 0 ? exportMetrics(request, request.targets.metrics, resource) : null,
    request.targets.logs && request.logs.length > 0 ? exportLogs(request, request.targets.logs, resource) : null,
  ]);
  return { metrics, logs };
}

function buildResource(attributes: Record<string, string>): Resource {
  return defaultResource().merge(resourceFromAttributes(attributes)).merge(detectResources({ detectors: [envDetector] }));
}

/** A reader that collects only when asked: one push, one collection, no timer left behind. */
class OneShotReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

async function exportMetrics(request: ExportRequest, target: OtlpTarget, resource: Resource): Promise<SignalOutcome> {
  const reader = new OneShotReader();
  const provider = new MeterProvider({ resource, readers: [reader] });
  const meter = provider.getMeter('claudewatch', request.scopeVersion);
  let items = 0;
  for (const instrument of request.instruments) {
    const options = { unit: instrument.unit, description: instrument.description, valueType: instrument.valueType === 'int' ? ValueType.INT : ValueType.DOUBLE };
    const observable = instrument.kind === 'counter' ? meter.createObservableCounter(instrument.name, options) : meter.createObservableGauge(instrument.name, options);
    observable.addCallback((result) => {
      for (const point of instrument.points) result.observe(point.value, point.attributes);
    });
    items += instrument.points.length;
  }
  const { resourceMetrics, errors } = await reader.collect({ timeoutMillis: request.timeoutMs });
  if (errors.length > 0) request.onDiagnostic?.(`metrics collection: ${errors.map(String).join('; ')}`);
  const options = { url: target.url, timeoutMillis: request.timeoutMs };
  const exporter = target.protocol === 'http/json' ? new JsonMetricExporter(options) : new ProtobufMetricExporter(options);
  const outcome = await send((done) => exporter.export(resourceMetrics, done), items, request.timeoutMs);
  void exporter.shutdown().catch(() => {});
  void provider.shutdown().catch(() => {});
  return outcome;
}

async function exportLogs(request: ExportRequest, target: OtlpTarget, resource: Resource): Promise<SignalOutcome> {
  const records: ReadableLogRecord[] = [];
  const collector: LogRecordProcessor = {
    onEmit: (record) => void records.push(record),
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  const provider = new LoggerProvider({ resource, processors: [collector] });
  const logger = provider.getLogger('claudewatch', request.scopeVersion);
  for (const log of request.logs) {
    logger.emit({
      eventName: log.eventName,
      timestamp: log.timestampMs,
      severityNumber: SEVERITY_NUMBER[log.severity],
      severityText: log.severity,
      body: log.body,
      attributes: log.attributes,
    });
  }
  const options = { url: target.url, timeoutMillis: request.timeoutMs };
  const exporter = target.protocol === 'http/json' ? new JsonLogExporter(options) : new ProtobufLogExporter(options);
  const outcome = await send((done) => exporter.export(records, done), records.length, request.timeoutMs);
  void exporter.shutdown().catch(() => {});
  void provider.shutdown().catch(() => {});
  return outcome;
}

/** The exporter's callback as a promise, bounded: a request still hanging at the deadline counts as dropped. */
function send(start: (done: (result: { code: number; error?: Error }) => void) => void, items: number, timeoutMs: number): Promise<SignalOutcome> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ items, ok: false, error: `no answer within ${timeoutMs} ms` }), timeoutMs + 250);
    timer.unref();
    try {
      start((result) => {
        clearTimeout(timer);
        // ExportResultCode.SUCCESS is 0.
        resolve(result.code === 0 ? { items, ok: true, error: null } : { items, ok: false, error: result.error?.message ?? 'export failed' });
      });
    } catch (error) {
      clearTimeout(timer);
      resolve({ items, ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  });
}

function routeDiagnostics(write: (message: string) => void): void {
  const forward = (message: string, ...args: unknown[]): void => write([message, ...args.map(String)].join(' '));
  diag.setLogger({ error: forward, warn: forward, info: () => {}, debug: () => {}, verbose: () => {} }, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
}
