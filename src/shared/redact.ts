/**
 * Secrets must never reach our files. Keys and tokens look alike across providers, so we mask
 * anything shaped like one rather than trying to list every variable that might hold one.
 */
const SECRET_PATTERNS: RegExp[] = [
  /sk-ant-[A-Za-z0-9_-]{8,}/g,
  /\bsk-[A-Za-z0-9_-]{16,}/g,
  /\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /((?:api[_-]?key|token|secret|password|authorization)["']?\s*[:=]\s*["']?)[^\s"',}]{6,}/gi,
];

export function redactSecrets(text: string, extraSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of extraSecrets) {
    if (secret.length >= 6) out = out.split(secret).join('[REDACTED]');
  }
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (match, prefix: unknown) =>
      typeof prefix === 'string' && match.startsWith(prefix) && prefix !== match ? `${prefix}[REDACTED]` : '[REDACTED]',
    );
  }
  return out;
}

/** Values of the environment that are secrets by name, so they can be masked wherever they appear. */
export function secretsFromEnv(env: Record<string, string | undefined>): string[] {
  const names = /(KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL)/i;
  return Object.entries(env)
    .filter(([name, value]) => names.test(name) && typeof value === 'string' && value.length >= 6)
    .map(([, value]) => value as string);
}
