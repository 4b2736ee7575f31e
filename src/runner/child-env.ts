/** Set in Claude's environment so a claude it starts (subagents, hooks) passes straight through. */
export const PARENT_SESSION_VAR = 'CLAUDEWATCH_PARENT_SESSION';
export const REAL_CLAUDE_VAR = 'CLAUDEWATCH_REAL_CLAUDE';
export const SHIM_HOPS_VAR = 'CLAUDEWATCH_SHIM_HOPS';

export function childEnvironment(env: Record<string, string | undefined>, sessionId: string, realClaude: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) out[name] = value;
  out[PARENT_SESSION_VAR] = sessionId;
  // The shim counts its own hops to stop loops; Claude's children start a fresh count.
  delete out[SHIM_HOPS_VAR];
  out[REAL_CLAUDE_VAR] = realClaude;
  return out;
}

export function plainEnvironment(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) out[name] = value;
  return out;
}

/** A claude started by a claude we wrap, or wrapping turned off: run it as if we were not here. */
export function shouldPassThrough(env: Record<string, string | undefined>): boolean {
  return Boolean(env[PARENT_SESSION_VAR]) || env.CLAUDEWATCH_DISABLE === '1';
}
