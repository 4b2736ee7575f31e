const DAY_MS = 86_400_000;

/** `365d`, `12w`, `6m` (30-day months) or `1y`: how far back something reaches, in ms. */
export function parseAge(text: string): number | null {
  const match = /^(\d+)\s*([dwmy])$/.exec(text.trim());
  if (!match) return null;
  const count = Number(match[1]);
  const days = { d: 1, w: 7, m: 30, y: 365 }[match[2] as 'd' | 'w' | 'm' | 'y'];
  return count > 0 ? count * days * DAY_MS : null;
}
