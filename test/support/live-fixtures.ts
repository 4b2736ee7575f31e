/** Sessions, usage and snapshots for the live view's tests, at a fixed `NOW`. */
import type { LiveSnapshot } from '../../src/core/live-view.js';
import type { SessionView } from '../../src/core/session-view.js';
import type { UsageRecord } from '../../src/core/usage-report.js';

export const at = (iso: string): number => Date.parse(iso);
export const NOW = at('2026-11-30T14:30:00Z');

export function sessionView(overrides: Partial<SessionView> = {}): SessionView {
  return {
    id: 'a1b2c3d4-0000-4000-8000-000000000001',
    claudeSessionId: 's1',
    status: 'ACTIVE',
    mode: 'print',
    sessionType: null,
    projectPath: '/work/app',
    cwd: '/work/app',
    argv: [],
    pid: 4242,
    host: 'devbox',
    claudeVersion: '2.1.330',
    transcriptPath: null,
    identifyMethod: null,
    model: 'claude-sonnet-4-5',
    models: ['claude-sonnet-4-5'],
    startedAt: '2026-11-30T14:00:00.000Z',
    endedAt: null,
    durationMs: null,
    durationApiMs: null,
    exitCode: null,
    signal: null,
    costUsd: 0.42,
    costSource: 'claude',
    reportedCostUsd: 0.42,
    computedCostUsd: 0.4,
    unpricedModels: [],
    numTurns: 3,
    claudeNumTurns: null,
    messages: 3,
    inputTokens: 1000,
    outputTokens: 2000,
    cacheCreationTokens: 300,
    cacheReadTokens: 40_000,
    rateLimit: null,
    rateLimitEvents: 0,
    accountLimits: [],
    isolation: 'shared-learning',
    isolationKey: null,
    placeKind: 'local',
    place: null,
    gitBranch: null,
    cpuMs: null,
    peakRssBytes: null,
    accountPeers: [],
    limitWindows: {},
    waiting: null,
    activity: null,
    resumeAt: null,
    apiRetries: 0,
    rejectedLines: 0,
    isError: false,
    apiError: null,
    heartbeatAt: null,
    updatedAt: '2026-11-30T14:29:58.000Z',
    ...overrides,
  };
}

export function usage(iso: string, tokens: number, costUsd = 0.1): UsageRecord {
  return { at: at(iso), sessionId: 's1', project: '/work/app', model: 'claude-sonnet-4-5', inputTokens: tokens, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, costUsd, priced: true, messages: 1 };
}

export function snapshot(overrides: Partial<LiveSnapshot> = {}): LiveSnapshot {
  return { sessions: [], limits: [], lastSession: null, records: [], loadedAt: NOW - 2000, alerts: [], problem: null, windows: [], blockLimit: { limit: null, finishedBlocks: 0 }, ...overrides };
}
