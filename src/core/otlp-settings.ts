import { readSetting } from './config-schema.js';

/**
 * Whether and where to send OTLP, from config.json (`otlp.enabled`), CLAUDEWATCH_OTLP and the
 * standard OTEL_EXPORTER_OTLP_* variables. Pure, so the shim can decide without the SDK.
 */
export type OtlpSignal = 'metrics' | 'logs';
export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface OtlpTarget {
  url: string;
  protocol: OtlpProtocol;
}

export interface OtlpSettings {
  enabled: boolean;
  /** Why it is on or off, for `cw otlp status`. */
  enabledBy: 'config' | 'env' | 'default';
  targets: Record<OtlpSignal, OtlpTarget | null>;
  problems: string[];
}

type Env = Record<string, string | undefined>;

const SIGNAL_PATHS: Record<OtlpSignal, string> = { metrics: 'v1/metrics', logs: 'v1/logs' };
/** The OTLP specification's default when no protocol is named. */
const DEFAULT_PROTOCOL: OtlpProtocol = 'http/protobuf';

export function resolveOtlpSettings(config: Record<string, unknown>, env: Env): OtlpSettings {
  const problems: string[] = [];
  const switchValue = env.CLAUDEWATCH_OTLP?.trim().toLowerCase();
  let enabled: boolean;
  let enabledBy: OtlpSettings['enabledBy'];
  if (switchValue === '1' || switchValue === 'true') [enabled, enabledBy] = [true, 'env'];
  else if (switchValue === '0' || switchValue === 'false') [enabled, enabledBy] = [false, 'env'];
  else if (readSetting(config, 'otlp.enabled') === true) [enabled, enabledBy] = [true, 'config'];
  else [enabled, enabledBy] = [false, 'default'];
  const targets = { metrics: resolveTarget('metrics', env, problems), logs: resolveTarget('logs', env, problems) };
  if (enabled && !targets.metrics && !targets.logs && problems.length === 0) {
    problems.push('no endpoint: set OTEL_EXPORTER_OTLP_ENDPOINT (e.g. http://localhost:4318)');
  }
  return { enabled, enabledBy, targets, problems };
}

/** On, and somewhere to send at least one signal. */
export function shouldPushOtlp(settings: OtlpSettings): boolean {
  return settings.enabled && (settings.targets.metrics !== null || settings.targets.logs !== null);
}

/**
 * The signal's own endpoint is used as given; the shared one gets `v1/metrics` or `v1/logs`
 * appended, as the OTLP exporter specification says.
 */
function resolveTarget(signal: OtlpSignal, env: Env, problems: string[]): OtlpTarget | null {
  const upper = signal.toUpperCase();
  const own = nonEmpty(env[`OTEL_EXPORTER_OTLP_${upper}_ENDPOINT`]);
  const shared = nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  const url = own ?? (shared === null ? null : `${shared.endsWith('/') ? shared : `${shared}/`}${SIGNAL_PATHS[signal]}`);
  if (url === null) return null;
  if (!/^https?:\/\/[^/]/i.test(url)) {
    problems.push(`${signal}: endpoint "${url}" is not an http(s) URL`);
    return null;
  }
  const named = nonEmpty(env[`OTEL_EXPORTER_OTLP_${upper}_PROTOCOL`]) ?? nonEmpty(env.OTEL_EXPORTER_OTLP_PROTOCOL);
  if (named === null) return { url, protocol: DEFAULT_PROTOCOL };
  if (named === 'http/protobuf' || named === 'http/json') return { url, protocol: named };
  problems.push(`${signal}: protocol "${named}" is not supported; use http/protobuf or http/json (a collector takes both on port 4318)`);
  return null;
}

function nonEmpty(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}
