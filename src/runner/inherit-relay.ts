import { spawn } from 'node:child_process';
import { relayOfChild, type Relay, type RelayRequest } from './relay.js';

/**
 * Claude with our stdio as its own: nothing to observe, nothing in the way. Used for pipelines
 * that are not print mode, for management subcommands, and as the fallback when anything of
 * ours fails before Claude starts.
 */
export function startInheritRelay(request: RelayRequest): Relay {
  return relayOfChild(spawn(request.file, [...request.args], { cwd: request.cwd, env: request.env, stdio: 'inherit' }));
}
