import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Fact, LimitResumeFact } from '../../src/core/facts.js';
import { RESUME_SPREAD_MS } from '../../src/core/limit-resume.js';
import { createSessionState, type SessionState } from '../../src/core/session-state.js';
import { ScreenResume } from '../../src/runner/screen-resume.js';
import type { Logger } from '../../src/shared/log.js';

const START = Date.UTC(2026, 11, 7, 9, 0, 0);
const RESET = START + 5000;
const RULE = '─'.repeat(60);
const quietLogger = { debug: () => true, info: () => true, warn: () => true, error: () => true, errorCount: 0, file: null } as unknown as Logger;

function limited(overrides: Partial<SessionState> = {}): SessionState {
  const state = createSessionState({ id: 'ours', mode: 'interactive', sessionType: null, projectPath: null, cwd: '/w', argv: [], pid: 1, startedAt: START - 60_000, account: null, identifyMethod: null, isolation: 'shared-learning' });
  return {
    ...state,
    status: 'RATE_LIMITED',
    rateLimit: { kind: 'five_hour', severity: 'limit', resetsAt: RESET, text: null, source: 'transcript', observedAt: START, utilization: null, resetPrecision: 'second' },
    ...overrides,
  };
}

/** Claude's screen and keyboard, faked: typed keys land in the box unless `echo` is off. */
function fakeClaude(options: { footer?: string[]; menu?: boolean; echo?: boolean; draft?: string; prompt?: string } = {}) {
  const writes: string[] = [];
  let box = options.draft ?? '';
  let lastKeyAt = 0;
  const facts: LimitResumeFact[] = [];
  const rows = (): string[] => (options.menu ? ['  What do you want to do?', '  ❯ 1. Stop and wait for limit to reset', '  Enter to confirm · Esc to cancel'] : [RULE, box === '' ? '❯' : `❯ ${box}`, RULE, ...(options.footer ?? [])]);
  const resume = new ScreenResume({
    prompt: options.prompt ?? 'please go on',
    console: {
      type: (text) => {
        writes.push(text);
        if (options.echo !== false && text !== '\r') box += text;
      },
      lastKeyAt: () => lastKeyAt,
      notice: () => {},
    },
    screenRows: rows,
    now: () => Date.now(),
    random: () => 0,
    emit: (batch: Fact[]) => facts.push(...batch.filter((fact): fact is LimitResumeFact => fact.kind === 'limit-resume')),
    logger: quietLogger,
    echoTimeoutMs: 2000,
  });
  return { resume, writes, facts, userTypes: () => (lastKeyAt = Date.now()), stages: () => facts.map((fact) => [fact.stage, fact.reason ?? null]) };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(START + 100);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ScreenResume', () => {
  it('types the prompt once the limit has reset (plus the spread), and presses Enter once the box shows it', async () => {
    const claude = fakeClaude();
    claude.resume.observe(limited());
    await vi.advanceTimersByTimeAsync(0);
    expect(claude.facts).toEqual([expect.objectContaining({ stage: 'planned', limitKind: 'five_hour', resumeAt: RESET + RESUME_SPREAD_MS.min })]);
    await vi.advanceTimersByTimeAsync(RESET + RESUME_SPREAD_MS.min - Date.now() - 1);
    expect(claude.writes).toEqual([]);
    await vi.advanceTimersByTimeAsync(500);
    expect(claude.writes).toEqual(['please go on', '\r']);
    expect(claude.stages()).toEqual([
      ['planned', null],
      ['typed', null],
    ]);
    // The state after the typing still shows the old limit until Claude answers: it is not typed twice.
    claude.resume.observe(limited());
    await vi.advanceTimersByTimeAsync(60_000);
    expect(claude.writes).toEqual(['please go on', '\r']);
  });

  it('a long prompt goes in a few keys at a time, and Enter only after all of it shows', async () => {
    const long = 'please go on with the migration where you stopped';
    const claude = fakeClaude({ prompt: long });
    claude.resume.observe(limited());
    await vi.advanceTimersByTimeAsync(RESET + RESUME_SPREAD_MS.min - Date.now() + 1000);
    expect(claude.writes.slice(0, -1).join('')).toBe(long);
    expect(claude.writes.length).toBeGreaterThan(3);
    expect(claude.writes.slice(0, -1).every((write) => [...write].length <= 16)).toBe(true);
    expect(claude.writes.at(-1)).toBe('\r');
  });

  it('does not press Enter when the box never shows the prompt', async () => {
    const claude = fakeClaude({ echo: false });
    claude.resume.observe(limited());
    await vi.advanceTimersByTimeAsync(RESET + RESUME_SPREAD_MS.min - Date.now() + 3000);
    expect(claude.writes).toEqual(['please go on']);
    expect(claude.stages().at(-1)).toEqual(['skipped', 'the prompt box did not show the typed prompt, so Enter was not pressed']);
  });

  const standsAside: Array<[string, (claude: ReturnType<typeof fakeClaude>) => void, Parameters<typeof fakeClaude>[0], string]> = [
    ['Claude is set to continue by itself', () => {}, { footer: ['    Continuing shortly · Esc to cancel'] }, 'Claude continues by itself'],
    ['a menu holds the keyboard', () => {}, { menu: true }, 'a menu is open'],
    ['the box holds the user’s draft', () => {}, { draft: 'half a thought' }, 'the prompt box holds text not sent'],
    ['the user typed after the limit', (claude) => claude.userTypes(), {}, 'you typed after the limit'],
  ];
  for (const [when, act, screen, reason] of standsAside) {
    it(`types nothing when ${when}`, async () => {
      const claude = fakeClaude(screen);
      claude.resume.observe(limited());
      act(claude);
      await vi.advanceTimersByTimeAsync(RESET + RESUME_SPREAD_MS.max - Date.now());
      expect(claude.writes).toEqual([]);
      expect(claude.stages()).toEqual([
        ['planned', null],
        ['skipped', reason],
      ]);
    });
  }

  it('types nothing while Claude waits for an answer', async () => {
    const claude = fakeClaude();
    claude.resume.observe(limited({ waiting: { since: START, reason: 'permission', message: 'Claude needs your permission to use Bash' } }));
    await vi.advanceTimersByTimeAsync(RESET + RESUME_SPREAD_MS.max - Date.now());
    expect(claude.writes).toEqual([]);
    expect(claude.stages().at(-1)).toEqual(['skipped', 'Claude is waiting for an answer']);
  });

  it('drops the plan when Claude answers before the reset', async () => {
    const claude = fakeClaude();
    claude.resume.observe(limited());
    await vi.advanceTimersByTimeAsync(2000);
    claude.resume.observe(limited({ status: 'ACTIVE', lastAnswerAt: Date.now() }));
    await vi.advanceTimersByTimeAsync(RESUME_SPREAD_MS.max + 5000);
    expect(claude.writes).toEqual([]);
    expect(claude.stages()).toEqual([
      ['planned', null],
      ['skipped', 'the session went on before the reset'],
    ]);
  });

  it('a later report of the same limit (a redrawn screen) neither types again nor revives a limit the user got past', async () => {
    const typedOnce = fakeClaude();
    typedOnce.resume.observe(limited());
    await vi.advanceTimersByTimeAsync(RESET + RESUME_SPREAD_MS.max - Date.now());
    expect(typedOnce.writes).toEqual(['please go on', '\r']);
    const reportedAgain = limited({ rateLimit: { ...limited().rateLimit!, observedAt: Date.now(), resetPrecision: 'minute', resetsAt: RESET - (RESET % 60_000) } });
    typedOnce.resume.observe(reportedAgain);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(typedOnce.writes).toEqual(['please go on', '\r']);

    const userWentOn = fakeClaude();
    userWentOn.resume.observe(limited());
    userWentOn.resume.observe(limited({ status: 'ACTIVE', lastAnswerAt: START + 1000 }));
    userWentOn.resume.observe(limited({ lastAnswerAt: START + 1000, rateLimit: { ...limited().rateLimit!, observedAt: START + 2000 } }));
    await vi.advanceTimersByTimeAsync(120_000);
    expect(userWentOn.writes).toEqual([]);
  });

  it('moves the plan when a more exact reset arrives, and stops on dispose', async () => {
    const claude = fakeClaude();
    claude.resume.observe(limited({ rateLimit: { ...limited().rateLimit!, resetPrecision: 'minute', resetsAt: START } }));
    claude.resume.observe(limited());
    await vi.advanceTimersByTimeAsync(0);
    expect(claude.facts.map((fact) => fact.resumeAt)).toEqual([START + 60_000 + RESUME_SPREAD_MS.min, RESET + RESUME_SPREAD_MS.min]);
    claude.resume.dispose();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(claude.writes).toEqual([]);
  });
});
