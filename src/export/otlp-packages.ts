import { UserError } from '../shared/errors.js';
import type * as OtlpSdk from './otlp-sdk.js';

/**
 * The OpenTelemetry packages the SDK module imports, at the versions it is built against. They
 * are optional peer dependencies: about 28 MB that only OTLP export needs, so a plain install
 * leaves them out and whoever turns OTLP on installs them beside claudewatch.
 */
export const OTEL_PACKAGES = {
  '@opentelemetry/api': '1.9.1',
  '@opentelemetry/api-logs': '0.223.0',
  '@opentelemetry/exporter-logs-otlp-http': '0.223.0',
  '@opentelemetry/exporter-logs-otlp-proto': '0.223.0',
  '@opentelemetry/exporter-metrics-otlp-http': '0.223.0',
  '@opentelemetry/exporter-metrics-otlp-proto': '0.223.0',
  '@opentelemetry/resources': '2.12.0',
  '@opentelemetry/sdk-logs': '0.223.0',
  '@opentelemetry/sdk-metrics': '2.12.0',
} as const;

/** The packages this installation cannot find, without loading any of them. */
export function missingOtelPackages(): string[] {
  return Object.keys(OTEL_PACKAGES).filter((name) => {
    try {
      import.meta.resolve(name);
      return false;
    } catch {
      return true;
    }
  });
}

/** What to run to get them: global beside a global claudewatch, else in the project that has it. */
export function otelInstallHint(): string {
  const list = Object.entries(OTEL_PACKAGES)
    .map(([name, version]) => `${name}@${version}`)
    .join(' ');
  return `OTLP export needs the OpenTelemetry packages, which a plain install of claudewatch leaves out. Install them where claudewatch is installed:\n  npm install -g ${list}\n(without -g where claudewatch is a project's dependency).`;
}

/** The SDK module, or a UserError that says how to install what it needs. */
export async function loadOtlpSdk(): Promise<typeof OtlpSdk> {
  const missing = missingOtelPackages();
  if (missing.length > 0) throw new UserError(`cw otlp: ${missing.length === 1 ? `${missing[0]} is` : `${missing.length} packages are`} missing. ${otelInstallHint()}`, 1);
  return import('./otlp-sdk.js');
}
