import { formatJson, versioned } from '../core/json-output.js';
import { resolveOtlpSettings, type OtlpSettings } from '../core/otlp-settings.js';
import { pushOtlp, type PushResult } from '../export/otlp-push.js';
import { otlpStateFile, readOtlpState, type OtlpState } from '../export/otlp-state.js';
import { loadConfig } from '../shared/config.js';
import { UserError } from '../shared/errors.js';
import { resolvePaths } from '../shared/paths.js';
import { type CommandOptions, parseCommandArgs } from './options/parse.js';

const USAGE = `Usage: cw otlp <status|push> [--session ID] [--json] [--quiet]

  cw otlp status           whether OTLP export is on, where it sends, and what was dropped so far
  cw otlp push             send every metric now (and with --session ID, that session's events as logs)

Off unless config.json has {"otlp": {"enabled": true}} or CLAUDEWATCH_OTLP=1, and an endpoint is
set: OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_METRICS_ENDPOINT / _LOGS_ENDPOINT), with
OTEL_EXPORTER_OTLP_PROTOCOL http/protobuf (default) or http/json, OTEL_EXPORTER_OTLP_HEADERS,
OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES. When on, each session run through the shim ends
with a detached push, so Claude never waits for the collector; what a collector that is down
does not take is dropped and counted here. See docs/team-monitoring.md.
`;

export interface OtlpStatus {
  settings: OtlpSettings;
  stateFile: string;
  state: OtlpState;
}

export function collectOtlpStatus(env = process.env): OtlpStatus {
  const paths = resolvePaths(env);
  return { settings: resolveOtlpSettings(loadConfig(paths.configFile).config, env), stateFile: otlpStateFile(paths), state: readOtlpState(paths) };
}

/** The options `cw otlp` takes, for its parser and for shell completion. */
export const OPTIONS = { json: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' }, session: { type: 'string', short: 's' } } as const satisfies CommandOptions;

/** What the first word after the command may be, for shell completion. */
export const ARGUMENTS: readonly string[] = ['status', 'push'];

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('otlp', argv, OPTIONS);
  const [action = 'status'] = positionals;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  switch (action) {
    case 'status': {
      const status = collectOtlpStatus();
      process.stdout.write(values.json ? formatJson(versioned(status)) : renderStatus(status));
      return 0;
    }
    case 'push': {
      const result = await pushOtlp(values.session === undefined ? {} : { sessionId: values.session });
      if (values.json) process.stdout.write(formatJson(versioned(result)));
      else if (!values.quiet) process.stdout.write(renderPush(result));
      return result.skipped === null && result.outcome !== null && !Object.values(result.outcome).some((signal) => signal?.ok === false) ? 0 : 1;
    }
    default:
      throw new UserError(`cw otlp: unknown action "${action}"; use status or push.`, 2);
  }
}

function renderStatus({ settings, stateFile, state }: OtlpStatus): string {
  const switchedBy = settings.enabledBy === 'env' ? 'CLAUDEWATCH_OTLP' : settings.enabledBy === 'config' ? 'otlp.enabled in config.json' : 'the default';
  const lines = [`OTLP export: ${settings.enabled ? 'on' : 'off'} (${switchedBy})`];
  for (const signal of ['metrics', 'logs'] as const) {
    const target = settings.targets[signal];
    lines.push(`  ${signal.padEnd(7)} ${target ? `${target.url} (${target.protocol})` : 'no endpoint'}`);
  }
  for (const problem of settings.problems) lines.push(`  problem: ${problem}`);
  lines.push(
    `Pushes: ${state.pushes}, ${state.failedPushes} with drops; dropped so far: ${state.dropped.metrics} data point(s), ${state.dropped.logs} log record(s)`,
  );
  if (state.lastPush) lines.push(`Last push: ${state.lastPush.at}${state.lastPush.session ? ` (session ${state.lastPush.session})` : ''}`);
  if (state.lastError) lines.push(`Last drop: ${state.lastError.at}: ${state.lastError.message}`);
  lines.push(`(Settings as this shell's environment sees them; counts from ${stateFile}.)`);
  return `${lines.join('\n')}\n`;
}

function renderPush(result: PushResult): string {
  if (result.skipped !== null) return `Nothing sent: ${result.skipped}.\n`;
  const lines: string[] = [];
  for (const signal of ['metrics', 'logs'] as const) {
    const outcome = result.outcome?.[signal];
    const target = result.settings.targets[signal];
    if (!outcome || !target) continue;
    const what = `${outcome.items} ${signal === 'metrics' ? 'data point(s)' : 'log record(s)'}`;
    lines.push(outcome.ok ? `Sent ${what} to ${target.url}.` : `Dropped ${what} for ${target.url}: ${outcome.error ?? 'failed'}.`);
  }
  if (lines.length === 0) lines.push('Nothing to send.');
  if (result.state && (result.state.dropped.metrics > 0 || result.state.dropped.logs > 0)) {
    lines.push(`Dropped so far: ${result.state.dropped.metrics} data point(s), ${result.state.dropped.logs} log record(s) (cw otlp status).`);
  }
  return `${lines.join('\n')}\n`;
}
