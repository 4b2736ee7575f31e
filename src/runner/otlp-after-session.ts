import { resolveOtlpSettings, shouldPushOtlp } from '../core/otlp-settings.js';
import { startDetachedCw } from './detached-cw.js';

/**
 * After Claude exits: when OTLP is on and has an endpoint, a detached `cw otlp push` sends the
 * metrics and this session's events. The shim never loads the SDK and never waits for a collector.
 * Returns whether a push was started.
 */
export function startOtlpPush(options: { config: Record<string, unknown>; env: Record<string, string | undefined>; sessionId: string }): boolean {
  if (!shouldPushOtlp(resolveOtlpSettings(options.config, options.env))) return false;
  startDetachedCw(['otlp', 'push', '--session', options.sessionId, '--quiet'], options.env);
  return true;
}
