import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveOtlpSettings, shouldPushOtlp } from '../core/otlp-settings.js';

/**
 * After Claude exits: when OTLP is on and has an endpoint, a detached `cw otlp push` sends the
 * metrics and this session's events. The shim never loads the SDK and never waits for a collector.
 * Returns whether a push was started.
 */
export function startOtlpPush(options: { config: Record<string, unknown>; env: Record<string, string | undefined>; sessionId: string }): boolean {
  if (!shouldPushOtlp(resolveOtlpSettings(options.config, options.env))) return false;
  const cw = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'cw.js');
  const child = spawn(process.execPath, [cw, 'otlp', 'push', '--session', options.sessionId, '--quiet'], { detached: true, stdio: 'ignore', env: options.env });
  child.on('error', () => {});
  child.unref();
  return true;
}
