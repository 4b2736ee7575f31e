/** What the dashboard's API returns: the pure summaries, and the store over a real SQLite file. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Calendar } from '../../src/core/calendar.js';
import { summarizeDailyUsage } from '../../src/core/daily-usage.js';
import { summarizeRecentBlocks } from '../../src/core/recent-blocks.js';
import { createSessionState } from '../../src/core/session-state.js';
import type { Fact } from '../../src/core/facts.js';
import type { UsageRecord } from '../../src/core/usage-report.js';
import { resolvePaths } from '../../src/shared/paths.js';
import { createDashboardStore } from '../../src/history/dashboard-data.js';
import { openDatabase } from '../../src/store/database.js';
import { Ledger } from '../../src/store/ledger.js';
import { appendEvents, upsertSession } from '../../src/store/session-rows.js';
import { writeStateDocument } from '../../src/store/state-files.js';
import { viewOfSession } from '../../src/core/session-view.js';
import { at, NOW, usage } from '../support/live-fixtures.js';

const HOUR = 3_600_000;
const utc = new Calendar('UTC');
const opus = (iso: string, tokens: number, costUsd: number): UsageRecord => ({ ...usage(iso, tokens, costUsd), model: 'claude-opus-4-1', sessionId: 's2' });

describe('summarizeDailyUsage', () => {
  it('lists every day of the span, idle ones as zero, each with its cost and tokens per model', () => {
    const records = [usage('2026-11-28T09:00:00Z', 1000, 0.1), opus('2026-11-28T10:00:00Z', 500, 1), usage('2026-11-30T12:00:00Z', 2000, 0.2), usage('2026-11-20T12:00:00Z', 9, 9)];
    const daily = summarizeDailyUsage(records, utc, NOW, 3);
    expect(daily).toMatchObject({ timeZone: 'UTC', from: '2026-11-28', to: '2026-11-30' });
    expect(daily.days).toEqual([
      {
        day: '2026-11-28',
        costUsd: 1.1,
        totalTokens: 1500,
        byModel: [
          { model: 'claude-opus-4-1', costUsd: 1, totalTokens: 500 },
          { model: 'claude-sonnet-4-5', costUsd: 0.1, totalTokens: 1000 },
        ],
      },
      { day: '2026-11-29', costUsd: 0, totalTokens: 0, byModel: [] },
      { day: '2026-11-30', costUsd: 0.2, totalTokens: 2000, byModel: [{ model: 'claude-sonnet-4-5', costUsd: 0.2, totalTokens: 2000 }] },
    ]);
    // The day before the span is left out of everything.
    expect(daily.totals).toMatchObject({ totalTokens: 3500, sessions: 2 });
    expect(daily.totals.costUsd).toBeCloseTo(1.3);
    expect(daily.models.map((model) => [model.model, model.totalTokens])).toEqual([
      ['claude-opus-4-1', 500],
      ['claude-sonnet-4-5', 3000],
    ]);
  });

  it('counts days in the zone asked for', () => {
    const records = [usage('2026-11-30T03:00:00Z', 100)];
    expect(summarizeDailyUsage(records, new Calendar('America/New_York'), NOW, 2).days.map((day) => [day.day, day.totalTokens])).toEqual([
      ['2026-11-29', 100],
      ['2026-11-30', 0],
    ]);
  });
});

describe('summarizeRecentBlocks', () => {
  const history = [
    ...[1, 2, 3, 4, 5, 6].map((day) => usage(`2026-11-2${day}T08:00:00Z`, 10_000 * day)),
    usage('2026-11-30T13:10:00Z', 30_000, 1),
    usage('2026-11-30T14:10:00Z', 30_000, 1),
  ];

  it('keeps the blocks of the span, gaps between them, and projects the open one against the learned limit', () => {
    const blocks = summarizeRecentBlocks(history, [], NOW, { from: at('2026-11-25T00:00:00Z') });
    expect(blocks.timeline.map((entry) => `${entry.kind} ${new Date(entry.startAt).toISOString().slice(5, 13)}`)).toEqual([
      'block 11-25T08',
      'gap 11-25T13',
      'block 11-26T08',
      'gap 11-26T13',
      'block 11-30T13',
    ]);
    expect(blocks.limit).toMatchObject({ source: 'p90', samples: 6, confidence: 'low' });
    expect(blocks.active?.block.totals.totalTokens).toBe(60_000);
    expect(blocks.active?.projection).toMatchObject({ remainingMs: 3.5 * HOUR, limit: { source: 'learned' } });
    expect(blocks.active?.projection.usedShare).toBeCloseTo(60_000 / blocks.limit!.tokens);
  });

  it('takes a configured limit as given, and marks blocks that met a limit', () => {
    const blocks = summarizeRecentBlocks(history, [{ at: at('2026-11-30T14:20:00Z'), kind: 'five_hour' }], NOW, { from: NOW - HOUR, tokensPerBlock: 100_000 });
    expect(blocks.timeline).toHaveLength(1);
    expect(blocks.limit).toMatchObject({ source: 'config', tokens: 100_000 });
    expect(blocks.active?.block.limitHit).toEqual({ at: at('2026-11-30T14:20:00Z'), kind: 'five_hour' });
    expect(blocks.active?.projection.usedShare).toBeCloseTo(0.6);
  });

  it('says nothing about a limit without history', () => {
    expect(summarizeRecentBlocks([], [], NOW, { from: 0 })).toEqual({ timeline: [], active: null, limit: null });
  });
});

describe('createDashboardStore', () => {
  let root: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cw-dashboard-'));
    env = { HOME: join(root, 'home'), CLAUDEWATCH_HOME: join(root, 'cw'), TZ: 'UTC' };
    mkdirSync(env.HOME!, { recursive: true });
    const paths = resolvePaths(env);
    mkdirSync(join(root, 'cw'), { recursive: true });
    const db = openDatabase(paths.databaseFile);
    const context = { mode: 'print' as const, sessionType: null, projectPath: '/work/app', cwd: '/work/app', argv: [], pid: 999_999, account: null, identifyMethod: null, isolation: 'shared-learning' as const };
    const done = {
      ...createSessionState({ ...context, id: 'aaaa1111-done', startedAt: NOW - 2 * HOUR }),
      status: 'COMPLETED' as const,
      claudeSessionId: 'claude-done',
      model: 'claude-sonnet-4-5',
      endedAt: NOW - HOUR,
      durationMs: HOUR,
      reportedCostUsd: 0.5,
      tokens: { inputTokens: 1000, outputTokens: 200, cacheCreationTokens: 0, cacheReadTokens: 0 },
    };
    upsertSession(db, done, NOW - HOUR);
    // What the run added, as its recorder writes it; Claude's figure for it stands.
    const ledger = new Ledger(db, () => ({ costUsd: 0.01, known: true }));
    ledger.writeMessage(
      {
        messageId: 'm1',
        requestId: 'r1',
        claudeSessionId: 'claude-done',
        file: null,
        cwd: '/work/app',
        model: 'claude-sonnet-4-5',
        at: NOW - 90 * 60_000,
        usage: { inputTokens: 1000, outputTokens: 200, cacheCreationTokens: 0, cacheReadTokens: 0 },
        sidechain: false,
        answersPrompt: true,
      },
      { runId: done.id, runStartedAt: done.startedAt },
    );
    ledger.noteRunFigure(done.id);
    ledger.settle();
    const exited: Fact = { kind: 'child-exited', source: 'runner', at: NOW - HOUR, exitCode: 0, signal: null };
    appendEvents(db, done.id, [{ fact: exited, at: NOW - HOUR }]);
    db.close();
    writeStateDocument(paths.currentStateFile, { status: 'COMPLETED', data: viewOfSession(done, { host: null, heartbeatAt: null }), updatedAt: new Date(NOW - HOUR).toISOString() });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads sessions, one session with its events, the current session, stats and blocks', () => {
    const store = createDashboardStore(env, { calendar: utc, importTranscripts: false });
    expect(store.sessions(10, NOW).map((session) => [session.id, session.source === 'wrapped' ? session.status : null, session.costUsd])).toEqual([['aaaa1111-done', 'COMPLETED', 0.5]]);
    const detail = store.session('aaaa1111', NOW);
    expect(detail?.session.id).toBe('aaaa1111-done');
    expect(detail?.events.map((event) => [event.type, event.detail])).toEqual([
      ['start', 'print in /work/app'],
      ['end', 'claude exited 0'],
    ]);
    expect(store.session('claude-done', NOW)?.session.id).toBe('aaaa1111-done');
    expect(store.session('nothing', NOW)).toBeNull();
    expect(store.currentSession()).toMatchObject({ status: 'COMPLETED', data: { id: 'aaaa1111-done' } });
    const stats = store.stats(30, NOW);
    expect(stats.days.at(-1)).toMatchObject({ day: '2026-11-30', costUsd: 0.5, totalTokens: 1200 });
    const blocks = store.blocks(7, NOW);
    expect(blocks.timeline).toHaveLength(1);
    expect(blocks.active?.block.totals.costUsd).toBe(0.5);
    const live = store.live(NOW);
    expect(live).toMatchObject({ live: false, sessions: [], lastSession: { session: { id: 'aaaa1111-done' } } });
  });

  it('imports transcripts at most once per interval, however many requests come', () => {
    const store = createDashboardStore(env, { calendar: utc, importTranscripts: true, importEveryMs: 25_000 });
    expect(store.health(NOW).historyImportedAt).toBeNull();
    store.sessions(5, NOW);
    expect(store.health(NOW).historyImportedAt).toBe(new Date(NOW).toISOString());
    store.stats(30, NOW + 10_000);
    store.live(NOW + 24_999);
    expect(store.health(NOW).historyImportedAt).toBe(new Date(NOW).toISOString());
    store.blocks(7, NOW + 25_000);
    expect(store.health(NOW).historyImportedAt).toBe(new Date(NOW + 25_000).toISOString());
    const quiet = createDashboardStore(env, { calendar: utc, importTranscripts: false });
    quiet.sessions(5, NOW);
    expect(quiet.health(NOW).historyImportedAt).toBeNull();
  });
});
