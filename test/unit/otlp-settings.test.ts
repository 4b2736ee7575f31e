import { describe, expect, it } from 'vitest';
import { resolveOtlpSettings, shouldPushOtlp } from '../../src/core/otlp-settings.js';

const ENDPOINT = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };

describe('resolveOtlpSettings', () => {
  it('is off by default, even with an endpoint', () => {
    const settings = resolveOtlpSettings({}, ENDPOINT);
    expect(settings).toMatchObject({ enabled: false, enabledBy: 'default' });
    expect(shouldPushOtlp(settings)).toBe(false);
  });

  it('is on with otlp.enabled in config or CLAUDEWATCH_OTLP=1, and the variable wins either way', () => {
    expect(resolveOtlpSettings({ otlp: { enabled: true } }, ENDPOINT)).toMatchObject({ enabled: true, enabledBy: 'config' });
    expect(resolveOtlpSettings({}, { ...ENDPOINT, CLAUDEWATCH_OTLP: '1' })).toMatchObject({ enabled: true, enabledBy: 'env' });
    expect(resolveOtlpSettings({ otlp: { enabled: true } }, { ...ENDPOINT, CLAUDEWATCH_OTLP: '0' })).toMatchObject({ enabled: false, enabledBy: 'env' });
    // A string "true" in the file is not the boolean the schema asks for.
    expect(resolveOtlpSettings({ otlp: { enabled: 'true' } }, ENDPOINT).enabled).toBe(false);
  });

  it('needs an endpoint to push, and says so', () => {
    const settings = resolveOtlpSettings({ otlp: { enabled: true } }, {});
    expect(shouldPushOtlp(settings)).toBe(false);
    expect(settings.problems).toEqual(['no endpoint: set OTEL_EXPORTER_OTLP_ENDPOINT (e.g. http://localhost:4318)']);
  });

  it('appends v1/metrics and v1/logs to the shared endpoint and takes a signal’s own endpoint as it is', () => {
    expect(resolveOtlpSettings({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).targets).toEqual({
      metrics: { url: 'http://collector:4318/v1/metrics', protocol: 'http/protobuf' },
      logs: { url: 'http://collector:4318/v1/logs', protocol: 'http/protobuf' },
    });
    const own = resolveOtlpSettings({}, { ...ENDPOINT, OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'https://metrics.example/otlp' }).targets;
    expect(own.metrics?.url).toBe('https://metrics.example/otlp');
    expect(own.logs?.url).toBe('http://collector:4318/v1/logs');
    // Only logs configured: metrics are not sent.
    const logsOnly = resolveOtlpSettings({ otlp: { enabled: true } }, { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://logs:4318/v1/logs' });
    expect(logsOnly.targets.metrics).toBeNull();
    expect(shouldPushOtlp(logsOnly)).toBe(true);
  });

  it('takes http/json and http/protobuf, per signal or shared, and refuses grpc with a reason', () => {
    const json = resolveOtlpSettings({}, { ...ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'http/protobuf' });
    expect(json.targets.metrics?.protocol).toBe('http/json');
    expect(json.targets.logs?.protocol).toBe('http/protobuf');
    const grpc = resolveOtlpSettings({ otlp: { enabled: true } }, { ...ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    expect(grpc.targets).toEqual({ metrics: null, logs: null });
    expect(shouldPushOtlp(grpc)).toBe(false);
    expect(grpc.problems[0]).toMatch(/^metrics: protocol "grpc" is not supported/);
  });

  it('refuses an endpoint that is not an http(s) URL', () => {
    const settings = resolveOtlpSettings({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' });
    expect(settings.targets.metrics).toBeNull();
    expect(settings.problems).toContain('metrics: endpoint "collector:4318/v1/metrics" is not an http(s) URL');
  });
});
