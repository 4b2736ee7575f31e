import xtermHeadless from '@xterm/headless';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Fact, RateLimitObservedFact } from '../../src/core/facts.js';
import { matchRateLimitText } from '../../src/core/rate-limit-text.js';
import { createScreenWatcher, isContentContext, matchScreenLine, type ScreenWatcher } from '../../src/runner/screen-watcher.js';
import { LIMIT_WORDS, loadScreenFixture, type ScreenFixture, type ScreenName } from '../fixtures/screens/fixture.js';

const NOW = Date.UTC(2026, 10, 22, 7, 30);
const DAY_MS = 86_400_000;
const OPTS = { now: NOW, timeZone: 'UTC' };
const encoder = new TextEncoder();
const bytes = (text: string): Uint8Array => encoder.encode(text);

/** A small deterministic generator (mulberry32), so random chunk sizes repeat run to run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomChunks(data: Uint8Array, random: () => number, maxSize: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < data.length; ) {
    const size = 1 + Math.floor(random() * maxSize);
    chunks.push(data.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

interface Harness {
  watcher: ScreenWatcher;
  facts: RateLimitObservedFact[];
  write(text: string | Uint8Array): void;
  /** Lets the emulator parse and the scan run. */
  settle(): Promise<void>;
}

function harness(options: { cols?: number; rows?: number; now?: number; timeZone?: string; scanDelayMs?: number } = {}): Harness {
  const facts: RateLimitObservedFact[] = [];
  const emit = (batch: Fact[]): void => {
    for (const fact of batch) if (fact.kind === 'rate-limit') facts.push(fact);
  };
  const watcher = createScreenWatcher({
    cols: options.cols ?? 100,
    rows: options.rows ?? 30,
    timeZone: options.timeZone ?? 'UTC',
    now: () => options.now ?? NOW,
    emit,
    ...(options.scanDelayMs === undefined ? {} : { scanDelayMs: options.scanDelayMs }),
  });
  return {
    watcher,
    facts,
    write: (data) => watcher.write(typeof data === 'string' ? bytes(data) : data),
    settle: () => vi.runAllTimersAsync().then(() => undefined),
  };
}

const FIVE_HOUR = "  ⎿  You've hit your 5-hour limit · resets 8:38am (UTC)";
const FIVE_HOUR_AT = Date.UTC(2026, 10, 22, 8, 38);
/** The user's prompt, then Claude's message under it, as 2.1.330 paints a limit. */
const LIMIT_SCREEN = `❯ go\r\n${FIVE_HOUR}\r\n`;

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('recorded screens of the real CLI', () => {
  interface Expected {
    severity?: RateLimitObservedFact['severity'];
    limitKind: RateLimitObservedFact['limitKind'];
    utilization?: number;
    text: RegExp;
    resetsAt: (fixture: ScreenFixture) => number | null;
  }
  /** The instant the mock announced. */
  const MOCK = (fixture: ScreenFixture): number | null => fixture.mockResetAt;
  const CLOCK = String.raw`\d{1,2}(?::\d\d)?[ap]m \(UTC\)`;
  const FIVE_HOUR_TEXT = new RegExp(`^You've hit your 5-hour limit · resets ${CLOCK}$`);
  const WEEKLY_TEXT = new RegExp(`^You've hit your weekly limit · resets [A-Z][a-z]{2} \\d{1,2}, ${CLOCK}$`);
  const LEGACY_TEXT = new RegExp(`^Claude usage limit reached\\. Your limit will reset at ${CLOCK}\\.$`);
  const CASES: Array<{ name: ScreenName; expected: Expected[] }> = [
    { name: 'five-hour-limit', expected: [{ limitKind: 'five_hour', resetsAt: MOCK, text: FIVE_HOUR_TEXT }] },
    // 2.1.330 keeps no scrollback: the next long answer pushes the message out of the buffer.
    { name: 'limit-scrolled-away', expected: [{ limitKind: 'five_hour', resetsAt: MOCK, text: FIVE_HOUR_TEXT }] },
    // A warning shows only as a notification; 2.1.330 showed the first one after a limit.
    {
      name: 'weekly-warning',
      expected: [
        { limitKind: 'five_hour', resetsAt: (f) => (f.mockResetAt ?? 0) - 3 * DAY_MS + 120 * 60_000, text: FIVE_HOUR_TEXT },
        { severity: 'warning', limitKind: 'seven_day', utilization: 0.8, resetsAt: MOCK, text: new RegExp(`^You've used 80% of your weekly limit · resets [A-Z][a-z]{2} \\d{1,2}, ${CLOCK}$`) },
      ],
    },
    { name: 'weekly-limit', expected: [{ limitKind: 'seven_day', resetsAt: MOCK, text: WEEKLY_TEXT }] },
    // A Bash call whose output holds the limit words, then the real limit.
    { name: 'tool-then-limit', expected: [{ limitKind: 'five_hour', resetsAt: MOCK, text: FIVE_HOUR_TEXT }] },
    { name: 'tool-then-limit-verbose', expected: [{ limitKind: 'five_hour', resetsAt: MOCK, text: FIVE_HOUR_TEXT }] },
    { name: 'legacy-five-hour-limit', expected: [{ limitKind: 'subscription', resetsAt: MOCK, text: LEGACY_TEXT }] },
    { name: 'bash-output-verbose', expected: [] },
    { name: 'legacy-bash-output', expected: [] },
    { name: 'prose', expected: [] },
    { name: 'prose-glyph-under-bullet', expected: [] },
    // Claude shows an answer that starts with the limit words as its limit message: the same screen.
    { name: 'prose-starting-with-limit-words', expected: [{ limitKind: 'five_hour', resetsAt: (f) => nextUtcSixAm(f.capturedAt), text: /^You've hit your 5-hour limit · resets 6am$/ }] },
  ];

  for (const { name, expected } of CASES) {
    for (const [seed, maxSize] of [
      [1, 64],
      [2, 700],
      [3, 3],
    ] as const) {
      it(`${name}: chunks of 1..${maxSize} bytes (seed ${seed})`, async () => {
        const { fixture, bytes: raw } = loadScreenFixture(name);
        const h = harness({ cols: fixture.cols, rows: fixture.rows, now: fixture.capturedAt });
        await replay(h, fixture, raw, seededRandom(seed), maxSize);
        expect(h.facts).toEqual(
          expected.map((e) => ({
            kind: 'rate-limit',
            source: 'screen',
            severity: e.severity ?? 'limit',
            limitKind: e.limitKind,
            resetsAt: e.resetsAt(fixture),
            // A time read off the screen names the minute only.
            resetPrecision: 'minute',
            text: expect.stringMatching(e.text),
            ...(e.utilization === undefined ? {} : { utilization: e.utilization }),
            at: fixture.capturedAt,
          })),
        );
        h.watcher.dispose();
      });
    }
  }

  it('the content recordings do show the limit words on lines the bare matcher accepts', async () => {
    const names: ScreenName[] = ['bash-output-verbose', 'legacy-bash-output', 'prose', 'prose-glyph-under-bullet'];
    for (const name of names) {
      const { fixture, bytes: raw } = loadScreenFixture(name);
      const lines = await renderAll(raw, fixture.cols, fixture.rows);
      const accepted = lines.filter((line) => matchRateLimitText(line, { now: fixture.capturedAt, timeZone: 'UTC' }));
      expect(accepted.length, name).toBeGreaterThan(0);
    }
  });

  it('a limit on the screen of the real CLI hangs under the prompt; tool output under its "●" header', async () => {
    // Both draw the same gutter: two spaces, "⎿", a space and a NO-BREAK SPACE.
    const limit = loadScreenFixture('five-hour-limit');
    const limitLines = await renderAll(limit.bytes, limit.fixture.cols, limit.fixture.rows);
    const at = limitLines.findIndex((line) => line.includes("You've hit your 5-hour limit"));
    expect(limitLines.slice(at - 1, at + 1)).toEqual(['❯ go', expect.stringMatching(/^ {2}⎿ \u00a0You've hit your 5-hour limit · resets /)]);

    for (const name of ['bash-output-verbose', 'legacy-bash-output'] as const) {
      const tool = loadScreenFixture(name);
      const toolLines = await renderAll(tool.bytes, tool.fixture.cols, tool.fixture.rows);
      const output = toolLines.findIndex((line) => line.startsWith('  ⎿'));
      expect(toolLines[output - 1], name).toMatch(/^ {2,}\S.* resets 6am"\)$/);
      expect(toolLines.slice(output, output + 3), name).toEqual([
        `  ⎿ \u00a0${LIMIT_WORDS}`,
        '     second line',
        `     ${LIMIT_WORDS}`,
      ]);
      expect(toolLines.slice(0, output).findLast((line) => !line.startsWith(' ')), name).toMatch(/^● Bash\(echo /);
    }
  });
});

/** Delivers the recording at its recorded pace, each step cut into chunks of random sizes. */
async function replay(h: Harness, fixture: ScreenFixture, raw: Uint8Array, random: () => number, maxSize: number): Promise<void> {
  let delivered = 0;
  let clock = 0;
  for (const [ms, end] of fixture.timeline) {
    await vi.advanceTimersByTimeAsync(ms - clock);
    clock = ms;
    for (const chunk of randomChunks(raw.subarray(delivered, end), random, maxSize)) h.write(chunk);
    delivered = end;
  }
  expect(delivered).toBe(raw.length);
  await h.settle();
}

function nextUtcSixAm(from: number): number {
  const sixAm = new Date(from).setUTCHours(6, 0, 0, 0);
  return sixAm > from ? sixAm : sixAm + DAY_MS;
}

/** Every row of the buffer as the emulator renders it (scrollback included), for evidence. */
async function renderAll(raw: Uint8Array, cols: number, rows: number): Promise<string[]> {
  const term = new xtermHeadless.Terminal({ cols, rows, scrollback: 1000, allowProposedApi: true });
  const parsed = new Promise<void>((resolve) => term.write(raw, resolve));
  await vi.runAllTimersAsync();
  await parsed;
  const buffer = term.buffer.active;
  const lines: string[] = [];
  for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
  term.dispose();
  return lines;
}

describe('synthetic screens', () => {
  it('reports a message with its kind, reset instant and text', async () => {
    const h = harness();
    h.write(LIMIT_SCREEN);
    await h.settle();
    expect(h.facts).toEqual([
      {
        kind: 'rate-limit',
        source: 'screen',
        severity: 'limit',
        limitKind: 'five_hour',
        resetsAt: FIVE_HOUR_AT,
        resetPrecision: 'minute',
        text: "You've hit your 5-hour limit · resets 8:38am (UTC)",
        at: NOW,
      },
    ]);
  });

  it('reads a message painted word by word with cursor moves', async () => {
    const h = harness();
    h.write("❯ go\r\n\x1b[2C⎿\x1b[6GYou've\x1b[13Ghit\x1b[17Gyour\x1b[22G5-hour\x1b[29Glimit\x1b[35G·\x1b[37Gresets\x1b[44G8:38am\x1b[51G(UTC)\r\n");
    await h.settle();
    expect(h.facts.map((f) => f.resetsAt)).toEqual([FIVE_HOUR_AT]);
  });

  it('reports a warning with its utilization', async () => {
    const h = harness();
    h.write("❯ go\r\n  ⎿  You've used 93% of your weekly limit · resets Nov 27, 4:06am (UTC)\r\n");
    await h.settle();
    expect(h.facts).toMatchObject([
      { severity: 'warning', limitKind: 'seven_day', utilization: 0.93, resetsAt: Date.UTC(2026, 10, 27, 4, 6) },
    ]);
  });

  it('reads a reset time without a zone in the configured zone', async () => {
    const h = harness({ timeZone: 'America/New_York' });
    h.write("❯ go\r\n  ⎿  You've hit your 5-hour limit · resets 8:38am\r\n");
    await h.settle();
    // 8:38 in New York in November is 13:38 UTC.
    expect(h.facts.map((f) => f.resetsAt)).toEqual([Date.UTC(2026, 10, 22, 13, 38)]);
  });

  it('joins a message the terminal wrapped onto the next row', async () => {
    const h = harness({ cols: 40 });
    h.write("❯ go\r\n  ⎿  You've hit your weekly limit · resets Nov 27, 4:06am (UTC)\r\n");
    await h.settle();
    expect(h.facts).toMatchObject([
      { limitKind: 'seven_day', text: "You've hit your weekly limit · resets Nov 27, 4:06am (UTC)", resetsAt: Date.UTC(2026, 10, 27, 4, 6) },
    ]);
  });

  it('reads a message split across chunks', async () => {
    const h = harness();
    h.write("❯ go\r\n  ⎿  You've hit your 5-h");
    h.write('our limit · resets 8:3');
    h.write('8am (UTC)\r\n');
    await h.settle();
    expect(h.facts.map((f) => f.text)).toEqual(["You've hit your 5-hour limit · resets 8:38am (UTC)"]);
  });

  it('reads UTF-8 characters split between chunks', async () => {
    const h = harness();
    const data = bytes(LIMIT_SCREEN);
    const glyph = data.indexOf(0xe2); // the first byte of "⎿"
    const dot = data.indexOf(0xc2); // the first byte of "·"
    h.write(data.subarray(0, glyph + 1));
    h.write(data.subarray(glyph + 1, glyph + 2));
    h.write(data.subarray(glyph + 2, dot + 1));
    h.write(data.subarray(dot + 1));
    await h.settle();
    expect(h.facts.map((f) => f.text)).toEqual(["You've hit your 5-hour limit · resets 8:38am (UTC)"]);
  });

  it('does not report a repainted message again', async () => {
    const h = harness();
    h.write(LIMIT_SCREEN);
    await h.settle();
    for (let i = 0; i < 5; i++) {
      // Claude's repaint: back to the row, rewrite it, back down.
      h.write(`\x1b[2;1H\x1b[2K${FIVE_HOUR}\x1b[30;1H`);
      await h.settle();
    }
    expect(h.facts).toHaveLength(1);
  });

  it('reports a message again after it left the buffer and came back', async () => {
    const h = harness();
    h.write(LIMIT_SCREEN);
    await h.settle();
    h.write('\x1b[2J\x1b[3J\x1b[H');
    await h.settle();
    h.write(LIMIT_SCREEN);
    await h.settle();
    expect(h.facts).toHaveLength(2);
  });

  it('keeps a message that scrolled into the scrollback as seen, until it is cleared', async () => {
    const h = harness({ rows: 5 });
    h.write(LIMIT_SCREEN);
    await h.settle();
    for (let i = 0; i < 20; i++) h.write(`line ${i}\r\n`);
    await h.settle();
    h.write(`\x1b[H${FIVE_HOUR}`);
    await h.settle();
    expect(h.facts).toHaveLength(1);
    h.write('\x1b[2J\x1b[3J\x1b[H');
    await h.settle();
    h.write(LIMIT_SCREEN);
    await h.settle();
    expect(h.facts).toHaveLength(2);
  });

  it('reads a message that scrolled off the screen before the first scan', async () => {
    const h = harness({ rows: 5 });
    h.write(LIMIT_SCREEN);
    for (let i = 0; i < 50; i++) h.write(`line ${i}\r\n`);
    await h.settle();
    expect(h.facts.map((f) => f.resetsAt)).toEqual([FIVE_HOUR_AT]);
  });

  it('forgets a message dropped off the end of the scrollback', async () => {
    const h = harness({ rows: 5 });
    h.write(LIMIT_SCREEN);
    await h.settle();
    h.write('output\r\n'.repeat(600));
    await h.settle();
    h.write(LIMIT_SCREEN);
    await h.settle();
    expect(h.facts).toHaveLength(2);
  });

  it('does not report a message again across resizes, and reads what comes after', async () => {
    const h = harness({ rows: 6 });
    h.write(LIMIT_SCREEN);
    h.write('line\r\n'.repeat(10));
    h.write(LIMIT_SCREEN.replace('5-hour', 'weekly'));
    await h.settle();
    h.watcher.resize(60, 10);
    await h.settle();
    h.watcher.resize(120, 4);
    await h.settle();
    expect(h.facts.map((f) => f.limitKind)).toEqual(['five_hour', 'seven_day']);
    h.write("❯ go\r\n  ⎿  You've hit your Opus limit · resets 8:38am (UTC)\r\n");
    await h.settle();
    expect(h.facts.map((f) => f.limitKind)).toEqual(['five_hour', 'seven_day', 'seven_day_opus']);
  });

  it('reads the alternate screen too', async () => {
    const h = harness();
    h.write(`\x1b[?1049h${LIMIT_SCREEN}`);
    await h.settle();
    h.write('\x1b[?1049l');
    await h.settle();
    expect(h.facts).toHaveLength(1);
  });

  describe('the same words inside content are not reported', () => {
    const screens: Record<string, string> = {
      'a tool output line under its header': `● Bash(echo "…")\r\n${FIVE_HOUR}\r\n`,
      'a tool output line under a wrapped header': `● Bash(echo "a long command that`.concat(`\r\n  goes on")\r\n${FIVE_HOUR}\r\n`),
      'a later line of tool output': `● Bash(echo "…")\r\n  ⎿  first\r\n     You've hit your 5-hour limit · resets 8:38am (UTC)\r\n`,
      "Claude's prose": "● You've hit your 5-hour limit · resets 8:38am (UTC)\r\n",
      "a paragraph of Claude's prose": "● Here it is:\r\n\r\n  You've hit your 5-hour limit · resets 8:38am (UTC)\r\n",
      'a line-numbered file view': "     12  You've hit your 5-hour limit · resets 8:38am (UTC)\r\n     12→You've hit your 5-hour limit\r\n",
      'a quote': "  > You've hit your 5-hour limit · resets 8:38am (UTC)\r\n",
      'a diff': "  + You've hit your 5-hour limit · resets 8:38am (UTC)\r\n  -You've hit your 5-hour limit\r\n",
      'a gutter line after a blank row': `● Here it is:\r\n\r\n${FIVE_HOUR}\r\n`,
      'a tool output line right above a rule': `● Bash(echo "…")\r\n  ⎿  first\r\n     You've hit your 5-hour limit · resets 8:38am (UTC)\r\n${'─'.repeat(100)}`,
      'a tool output line with a narrower gutter': `● Bash(echo "…")\r\n  ⎿ You've hit your 5-hour limit · resets 8:38am (UTC)\r\n`,
    };
    for (const [what, screen] of Object.entries(screens)) {
      it(what, async () => {
        const h = harness();
        h.write(screen);
        await h.settle();
        expect(h.facts).toEqual([]);
      });
    }
  });

  it('reports messages after a tool result and after a collapsed tool summary', async () => {
    const h = harness();
    h.write(`● Bash(echo hi)\r\n  ⎿  hi\r\n${FIVE_HOUR}\r\n`);
    h.write("\r\n● Running.\r\n\r\n  Ran 1 shell command\r\n  ⎿  You've hit your weekly limit · resets Nov 27, 4:06am (UTC)\r\n");
    await h.settle();
    expect(h.facts.map((f) => f.limitKind)).toEqual(['five_hour', 'seven_day']);
  });

  it('waits for the output to go quiet, but not longer than a second', async () => {
    const h = harness({ scanDelayMs: 100 });
    h.write(LIMIT_SCREEN);
    // A spinner repainting every 50 ms keeps the screen busy.
    const spin = async (steps: number): Promise<void> => {
      for (let i = 0; i < steps; i++) {
        h.write(`\x1b[5;1H${i % 2 === 0 ? '✶' : '✻'}`);
        await vi.advanceTimersByTimeAsync(50);
      }
    };
    await spin(19);
    expect(h.facts).toHaveLength(0);
    await spin(2);
    expect(h.facts).toHaveLength(1);
    h.write('\x1b[6;1Hquiet now');
    await vi.advanceTimersByTimeAsync(99);
    h.write(LIMIT_SCREEN.replace('5-hour', 'weekly'));
    await vi.advanceTimersByTimeAsync(99);
    expect(h.facts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2);
    expect(h.facts).toHaveLength(2);
  });

  it('finds the limit Claude shows right after a flood of output, which the emulator skipped', async () => {
    const h = harness({ rows: 10 });
    // 5 MB of a tool's output in the 4 KB chunks a pty reads, with no time to parse between them.
    const block = bytes('x'.repeat(98).concat('\r\n').repeat(41));
    for (let written = 0; written < 5_000_000; written += block.length) h.write(block);
    h.write(LIMIT_SCREEN);
    await h.settle();
    expect(h.facts.map((f) => f.text)).toEqual(["You've hit your 5-hour limit · resets 8:38am (UTC)"]);
  });

  it('never throws, and stops after an internal error', async () => {
    let calls = 0;
    const watcher = createScreenWatcher({
      cols: 100,
      rows: 30,
      timeZone: 'UTC',
      now: () => NOW,
      emit: () => {
        calls += 1;
        throw new Error('consumer failed');
      },
    });
    watcher.write(bytes(LIMIT_SCREEN));
    await vi.runAllTimersAsync();
    expect(calls).toBe(1);
    expect(() => watcher.write(bytes(LIMIT_SCREEN.replace('5-hour', 'weekly')))).not.toThrow();
    expect(() => watcher.resize(0, -1)).not.toThrow();
    expect(() => watcher.resize(80, 24)).not.toThrow();
    await vi.runAllTimersAsync();
    expect(calls).toBe(1);
    expect(() => watcher.dispose()).not.toThrow();
    expect(() => watcher.dispose()).not.toThrow();
  });

  it('stays off, without throwing, when the emulator cannot start', async () => {
    const facts: Fact[] = [];
    const watcher = createScreenWatcher({ cols: 0, rows: 30, timeZone: 'UTC', now: () => NOW, emit: (f) => facts.push(...f) });
    watcher.write(bytes(LIMIT_SCREEN));
    watcher.resize(80, 24);
    await vi.runAllTimersAsync();
    watcher.dispose();
    expect(facts).toEqual([]);
  });

  it('ignores writes after dispose', async () => {
    const h = harness();
    h.write(LIMIT_SCREEN);
    h.watcher.dispose();
    h.write(LIMIT_SCREEN);
    await h.settle();
    expect(h.facts).toEqual([]);
  });
});

describe('the rule for which lines are Claude\'s message', () => {
  it('takes a gutter line under the prompt, a result, or a collapsed summary', () => {
    expect(isContentContext(['❯ go'])).toBe(false);
    expect(isContentContext(['> go'])).toBe(false);
    expect(isContentContext(['  ⎿  hi', '● Bash(echo hi)'])).toBe(false);
    expect(isContentContext(['     second', '  ⎿  first', '● Bash(printf …)'])).toBe(false);
    expect(isContentContext(['  Ran 1 shell command', '', '● Running.'])).toBe(false);
  });

  it('leaves a gutter line under a bullet, after a blank row, or without context', () => {
    expect(isContentContext(['● Bash(echo …)'])).toBe(true);
    expect(isContentContext(['  goes on")', '● Bash(echo "a long command that'])).toBe(true);
    expect(isContentContext(['⏺ The output was:'])).toBe(true);
    expect(isContentContext(['', '● Here it is:'])).toBe(true);
    expect(isContentContext([])).toBe(true);
  });

  it('matches only lines with the message gutter', () => {
    const underPrompt = { above: ['❯ go'], below: '', cols: 100 };
    expect(matchScreenLine(FIVE_HOUR, underPrompt, OPTS)).toMatchObject({ limitKind: 'five_hour' });
    expect(matchScreenLine(FIVE_HOUR.replace('  ⎿  ', '     '), underPrompt, OPTS)).toBeNull();
    expect(matchScreenLine(FIVE_HOUR.replace('  ⎿  ', '  ⎿ '), underPrompt, OPTS)).toBeNull();
    expect(matchScreenLine('  ⎿  Interrupted by user', underPrompt, OPTS)).toBeNull();
  });

  it('matches the right-aligned notification row above the input box, whatever is above it', () => {
    const words = "You've used 80% of your weekly limit · resets Nov 25, 8:07am (UTC)";
    const warning = `${' '.repeat(32)}${words}`;
    const edge = '─'.repeat(100);
    const above = ['● Bash(echo …)'];
    expect(matchScreenLine(warning, { above, below: edge, cols: 100 }, OPTS)).toMatchObject({
      severity: 'warning',
      limitKind: 'seven_day',
      utilization: 0.8,
    });
    expect(matchScreenLine(warning, { above, below: '', cols: 100 }, OPTS)).toBeNull();
    expect(matchScreenLine(warning, { above, below: `╭${'─'.repeat(98)}╮`, cols: 100 }, OPTS)).toBeNull();
    // Left-aligned, as content above the rule of the ctrl+o transcript view would be.
    expect(matchScreenLine(`     ${words}`, { above, below: edge, cols: 100 }, OPTS)).toBeNull();
  });
});

describe('a question to the user on the screen', () => {
  const PROMPT =
    '● Bash(echo hi)\r\n' +
    '\r\n' +
    ' Bash command\r\n' +
    '   echo hi\r\n' +
    ' Do you want to proceed?\r\n' +
    ' ❯ 1. Yes\r\n' +
    "   2. Yes, and don't ask again for echo commands in /work\r\n" +
    '   3. No, and tell Claude what to do differently (esc)\r\n';

  function promptHarness(): { write(text: string): void; seen: Array<[string, number]>; settle(): Promise<void> } {
    const seen: Array<[string, number]> = [];
    let now = NOW;
    const watcher = createScreenWatcher({
      cols: 100,
      rows: 30,
      timeZone: 'UTC',
      now: () => now,
      emit: (facts) => {
        for (const fact of facts) if (fact.kind === 'prompt-seen') seen.push([fact.prompt, fact.at]);
      },
    });
    return {
      seen,
      write: (text) => {
        now += 1000;
        watcher.write(bytes(text));
      },
      settle: () => vi.runAllTimersAsync().then(() => undefined),
    };
  }

  it('tells once when a permission prompt is drawn and once when it is gone', async () => {
    const h = promptHarness();
    h.write(PROMPT);
    await h.settle();
    // Repainted (the cursor moving between choices): not news.
    h.write('\x1b[6;1H\x1b[2K   1. Yes\x1b[7;1H\x1b[2K ❯ 2. Yes, and don’t ask again\x1b[30;1H');
    await h.settle();
    // Answered: Claude clears the box and shows the tool's output.
    h.write('\x1b[3;1H\x1b[J  ⎿  hi\r\n');
    await h.settle();
    expect(h.seen).toEqual([
      ['permission', NOW + 1000],
      ['gone', NOW + 3000],
    ]);
  });

  it('tells a turn interrupted (a prompt denied with Esc) as it appears', async () => {
    const h = promptHarness();
    h.write(PROMPT);
    await h.settle();
    h.write('\x1b[3;1H\x1b[J  ⎿  Interrupted · What should Claude do instead?\r\n');
    await h.settle();
    expect(h.seen.map(([prompt]) => prompt)).toEqual(['permission', 'gone', 'interrupted']);
  });

  it('does not take the words in an answer for a prompt', async () => {
    const h = promptHarness();
    h.write('● Do you want to proceed? I can run it next.\r\n  1. Yes is the default answer.\r\n');
    await h.settle();
    expect(h.seen).toEqual([]);
  });
});
