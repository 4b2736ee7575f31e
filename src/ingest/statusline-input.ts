/**
 * What the statusline shows, read from the JSON Claude Code pipes to a statusline command. Unlike
 * factsFromStatusline (which feeds the session's record), this keeps Claude's display name for the
 * model and the raw `rate_limits` to pass on. Pure; never throws: bad input reads as empty.
 */
export interface StatuslineWindow {
  usedPercent: number;
  /** Epoch ms; null when Claude did not say. */
  resetsAt: number | null;
}

export interface StatuslineInput {
  claudeSessionId: string | null;
  modelName: string | null;
  costUsd: number | null;
  /** Each limit window Claude reported, by its name (`five_hour`, `seven_day`, ...). */
  windows: Record<string, StatuslineWindow>;
  /** `rate_limits` as Claude sent it, for the running session's inbox. */
  rateLimits: Record<string, unknown> | null;
}

export const EMPTY_STATUSLINE_INPUT: StatuslineInput = { claudeSessionId: null, modelName: null, costUsd: null, windows: {}, rateLimits: null };

export function readStatuslineInput(raw: string): StatuslineInput {
  let input: unknown;
  try {
    input = JSON.parse(raw);
  } catch {
    return EMPTY_STATUSLINE_INPUT;
  }
  if (!isObject(input)) return EMPTY_STATUSLINE_INPUT;
  const model = isObject(input.model) ? (text(input.model.display_name) ?? text(input.model.id)) : text(input.model);
  const cost = isObject(input.cost) ? input.cost.total_cost_usd : undefined;
  const rateLimits = isObject(input.rate_limits) ? input.rate_limits : null;
  const windows: Record<string, StatuslineWindow> = {};
  for (const [name, window] of Object.entries(rateLimits ?? {})) {
    if (!isObject(window)) continue;
    const percent = window.used_percentage;
    if (typeof percent !== 'number' || !Number.isFinite(percent) || percent < 0) continue;
    const reset = window.resets_at;
    // Claude sends epoch seconds; a value already in ms is taken as it is.
    const resetsAt = typeof reset === 'number' && Number.isFinite(reset) && reset > 0 ? (reset > 1e12 ? reset : reset * 1000) : null;
    windows[name] = { usedPercent: percent, resetsAt };
  }
  return {
    claudeSessionId: text(input.session_id),
    modelName: model,
    costUsd: typeof cost === 'number' && Number.isFinite(cost) && cost >= 0 ? cost : null,
    windows,
    rateLimits,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim().length > 0 ? value.trim() : null;
}
