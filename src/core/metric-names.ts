/**
 * The metrics we export, under one prefix that cannot collide with Claude Code's own
 * (`claude_code.*`). Prometheus names follow its conventions (snake_case, the unit as a suffix,
 * `_total` on counters); OpenTelemetry names follow its semantic conventions (dotted, the unit in
 * the instrument). Labels are bounded: never a session id, projects capped (see metrics.ts).
 */
export const METRICS = {
  sessions: { prometheus: 'claudewatch_sessions', otel: 'claudewatch.sessions', type: 'gauge', unit: '{session}', help: 'Recorded sessions by status.' },
  liveSessions: { prometheus: 'claudewatch_live_sessions', otel: 'claudewatch.sessions.live', type: 'gauge', unit: '{session}', help: 'Sessions running now.' },
  costUsd: { prometheus: 'claudewatch_cost_usd_total', otel: 'claudewatch.cost', type: 'counter', unit: 'USD', help: 'Cost of all recorded usage in US dollars.' },
  tokens: { prometheus: 'claudewatch_tokens_total', otel: 'claudewatch.tokens', type: 'counter', unit: '{token}', help: 'Tokens of all recorded usage, by kind.' },
  turns: { prometheus: 'claudewatch_turns_total', otel: 'claudewatch.turns', type: 'counter', unit: '{turn}', help: 'Turns (prompts answered) of wrapped sessions.' },
  rateLimitEvents: { prometheus: 'claudewatch_rate_limit_events_total', otel: 'claudewatch.rate_limit.events', type: 'counter', unit: '{event}', help: 'Usage limits Claude reported, by window.' },
  rateLimitResetSeconds: { prometheus: 'claudewatch_rate_limit_reset_seconds', otel: 'claudewatch.rate_limit.reset', type: 'gauge', unit: 's', help: 'Seconds until a limit in force resets.' },
  blockTokens: { prometheus: 'claudewatch_block_tokens', otel: 'claudewatch.block.tokens', type: 'gauge', unit: '{token}', help: 'Tokens used in the open 5-hour block.' },
  blockUtilization: { prometheus: 'claudewatch_block_utilization_ratio', otel: 'claudewatch.block.utilization', type: 'gauge', unit: '1', help: 'The open block’s tokens over its limit (configured or learned; see limit_source).' },
  windowUtilization: { prometheus: 'claudewatch_limit_window_utilization_ratio', otel: 'claudewatch.limit_window.utilization', type: 'gauge', unit: '1', help: 'Claude’s own share used of each limit window it reports, until the window resets.' },
  windowResetSeconds: { prometheus: 'claudewatch_limit_window_reset_seconds', otel: 'claudewatch.limit_window.reset', type: 'gauge', unit: 's', help: 'Seconds until each limit window Claude reports resets.' },
} as const;

export type MetricKey = keyof typeof METRICS;
