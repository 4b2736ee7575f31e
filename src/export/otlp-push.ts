import { hostname } from 'node:os';
import { configuredTokensPerBlock, readSetting } from '../core/config-schema.js';
import { instrumentsFromSamples, logRecordsFromEvents, type InstrumentSpec, type LogRecordSpec } from '../core/otlp-records.js';
import { resolveOtlpSettings, shouldPushOtlp, type OtlpSettings } from '../core/otlp-settings.js';
import { loadConfig } from '../shared/config.js';
import { describeError, UserError } from '../shared/errors.js';
import { createFileLogger, type Logger } from '../shared/log.js';
import { readPackageVersion } from '../shared/package-info.js';
import { resolvePaths } from '../shared/paths.js';
import type { Db } from '../store/database.js';
import { refreshHistory } from '../history/refresh.js';
import { collectMetricSamples } from '../store/metrics-snapshot.js';
import { openForReading } from '../store/reader.js';
import { readSessionDetail } from '../store/session-detail.js';
import { resolveSessionRef } from '../store/session-list.js';
import { loadOtlpSdk } from './otlp-packages.js';
import type { ExportOutcome } from './otlp-sdk.js';
import { recordOtlpPush, type OtlpState } from './otlp-state.js';

type Env = Record<string, string | undefined>;

/** The most one push may take per signal, retries included: it runs after Claude, but must end. */
export const PUSH_TIMEOUT_MS = 5000;

export interface PushResult {
  settings: OtlpSettings;
  /** Why nothing was sent, when nothing was. */
  skipped: string | null;
  session: string | null;
  outcome: ExportOutcome | null;
  state: OtlpState | null;
}

/**
 * One export: every metric as it is now and, with a session, that session's events as log
 * records. What the collector did not take is dropped and counted, never kept for later.
 */
export async function pushOtlp(options: { sessionId?: string; env?: Env; now?: number }): Promise<PushResult> {
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now();
  const paths = resolvePaths(env);
  const logger = createFileLogger(paths.logFile, { level: env.CLAUDEWATCH_DEBUG ? 'debug' : 'info', env });
  const { config } = loadConfig(paths.configFile);
  const settings = resolveOtlpSettings(config, env);
  for (const problem of settings.problems) logger.warn(`otlp: ${problem}`);
  if (!shouldPushOtlp(settings)) {
    const skipped = settings.enabled ? `nowhere to send: ${settings.problems.join('; ')}` : 'OTLP export is off (otlp.enabled in config.json, or CLAUDEWATCH_OTLP=1)';
    return { settings, skipped, session: null, outcome: null, state: null };
  }

  const { db } = openForReading(env);
  let session: string | null = null;
  let logs: LogRecordSpec[] = [];
  let instruments: InstrumentSpec[];
  try {
    importQuietly(db, config, env, logger);
    const tokensPerBlock = configuredTokensPerBlock(config);
    instruments = instrumentsFromSamples(collectMetricSamples(db, { now, ...(tokensPerBlock === undefined ? {} : { tokensPerBlock }) }));
    if (options.sessionId !== undefined) {
      const found = sessionLogs(db, options.sessionId, readSetting(config, 'capturePrompts') === true);
      if (found === null) {
        logger.warn(`otlp: no session matches "${options.sessionId}"; nothing sent`);
        throw new UserError(`cw otlp push: no session matches "${options.sessionId}".`, 1);
      }
      [session, logs] = [found.id, found.logs];
    }
  } finally {
    db.close();
  }

  let sdk: Awaited<ReturnType<typeof loadOtlpSdk>>;
  try {
    sdk = await loadOtlpSdk();
  } catch (error) {
    logger.warn(`otlp: nothing sent: ${describeError(error)}`);
    throw error;
  }
  const { exportOnce } = sdk;
  const outcome = await exportOnce({
    instruments,
    logs,
    targets: settings.targets,
    resource: { 'service.name': 'claudewatch', 'service.version': readPackageVersion(), 'host.name': hostname() },
    scopeVersion: readPackageVersion(),
    timeoutMs: pushTimeout(env),
    onDiagnostic: (message) => logger.debug(`otlp sdk: ${message}`),
  });
  const state = recordOtlpPush(paths, { at: now, session, outcome });
  logOutcome(logger, settings, outcome, state);
  return { settings, skipped: null, session, outcome, state };
}

/** A run's event log as log records; a Claude session's reference sends its newest run's. */
function sessionLogs(db: Db, reference: string, capturePrompts: boolean): { id: string; logs: LogRecordSpec[] } | null {
  resolveSessionRef(db, reference);
  const detail = readSessionDetail(db, reference);
  if (detail === null) return null;
  if (detail.session.source !== 'wrapped') throw new UserError(`cw otlp push: ${reference} was never run through ClaudeWatch; only runs have an event log to send.`, 1);
  return { id: detail.session.id, logs: logRecordsFromEvents(detail.session, detail.events, { capturePrompts }) };
}

function importQuietly(db: Db, config: Parameters<typeof refreshHistory>[1], env: Env, logger: Logger): void {
  try {
    refreshHistory(db, config, env);
  } catch (error) {
    logger.warn('otlp: transcripts not imported for this push', error);
  }
}

/** OTEL_EXPORTER_OTLP_TIMEOUT may shorten the bound, never lengthen it. */
function pushTimeout(env: Env): number {
  const configured = Number(env.OTEL_EXPORTER_OTLP_TIMEOUT);
  return Number.isFinite(configured) && configured > 0 ? Math.min(configured, PUSH_TIMEOUT_MS) : PUSH_TIMEOUT_MS;
}

function logOutcome(logger: Logger, settings: OtlpSettings, outcome: ExportOutcome, state: OtlpState): void {
  for (const signal of ['metrics', 'logs'] as const) {
    const result = outcome[signal];
    const target = settings.targets[signal];
    if (!result || !target) continue;
    const what = `${result.items} ${signal === 'metrics' ? 'data point(s)' : 'log record(s)'}`;
    if (result.ok) logger.info(`otlp: sent ${what} to ${target.url}`);
    else logger.warn(`otlp: dropped ${what} for ${target.url}: ${result.error ?? 'failed'} (${state.dropped[signal]} ${signal} dropped so far)`);
  }
}
