import type { Fact } from '../core/facts.js';
import { epochMsOf, windowKindOf } from '../core/limit-windows.js';
import { isRecord } from '../core/print-events.js';

/**
 * Reads the JSON Claude Code pipes to a statusline command (2.1.x): the session and transcript,
 * Claude's own running cost, and for subscribers how much of each limit window is used. Pure;
 * never throws. A window at 100% is a limit in force; below, it is a reading, not a warning:
 * Claude's own warnings come from the screen and the transcript.
 */
export function factsFromStatusline(input: unknown, now: number): Fact[] {
  if (!isRecord(input)) return [{ kind: 'line-rejected', source: 'statusline', reason: 'statusline input is not a JSON object' }];
  const facts: Fact[] = [];
  const sessionId = text(input.session_id);
  const transcriptPath = text(input.transcript_path);
  if (sessionId !== null) {
    const model = isRecord(input.model) ? text(input.model.id) : text(input.model);
    const cwd = text(input.cwd) ?? (isRecord(input.workspace) ? text(input.workspace.current_dir) : null);
    facts.push({
      kind: 'session-identified',
      source: 'statusline',
      claudeSessionId: sessionId,
      ...(transcriptPath !== null ? { transcriptPath } : {}),
      ...(model !== null ? { model: withoutContextTag(model) } : {}),
      ...(cwd !== null ? { cwd } : {}),
      ...(text(input.version) !== null ? { claudeVersion: text(input.version)! } : {}),
    });
  }
  const cost = isRecord(input.cost) ? input.cost.total_cost_usd : undefined;
  if (typeof cost === 'number' && Number.isFinite(cost) && cost >= 0) {
    // Cumulative for the Claude session, like the transcript's cost line, so the two share a scope.
    facts.push({ kind: 'cost-reported', source: 'statusline', costUsd: cost, ...(transcriptPath ?? sessionId ? { scope: (transcriptPath ?? sessionId)! } : {}) });
  }
  if (isRecord(input.rate_limits)) {
    for (const [name, window] of Object.entries(input.rate_limits)) facts.push(...windowFacts(name, window, now));
  }
  return facts;
}

function windowFacts(name: string, window: unknown, now: number): Fact[] {
  const kind = windowKindOf(name);
  if (kind === null || !isRecord(window)) return [];
  const percent = window.used_percentage;
  if (typeof percent !== 'number' || !Number.isFinite(percent) || percent < 0) return [];
  const resetsAt = epochMsOf(window.resets_at);
  const utilization = percent / 100;
  const facts: Fact[] = [{ kind: 'limit-window', source: 'statusline', window: kind, utilization, resetsAt, at: now }];
  if (utilization >= 1) facts.push({ kind: 'rate-limit', source: 'statusline', severity: 'limit', limitKind: kind, resetsAt, utilization, at: now });
  return facts;
}

/** `claude-opus-5-5[1m]` names the 1M-context variant of `claude-opus-5-5`. */
function withoutContextTag(model: string): string {
  return model.replace(/\[[^\]]*\]$/, '');
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}
