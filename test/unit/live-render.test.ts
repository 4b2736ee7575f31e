import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { buildLiveView, type LiveView } from '../../src/core/live-view.js';
import { countdown, renderLiveView } from '../../src/ui/live-render.js';
import { cutMiddle, cutToWidth, visibleWidth } from '../../src/ui/screen-text.js';
import { sparkline } from '../../src/ui/sparkline.js';
import type { WindowReading } from '../../src/core/limit-windows.js';
import { at, NOW, sessionView, snapshot, usage } from '../support/live-fixtures.js';

const plain = new Chalk({ level: 0 });
const render = (view: LiveView, width: number, height = 40, paint = plain) => renderLiveView(view, { width, height, paint, timeZone: 'UTC' });

const records = [usage('2026-11-30T13:10:00Z', 10_000, 1), usage('2026-11-30T14:10:00Z', 20_000, 2)];
const limited = sessionView({
  id: 'ffee0000-0000-4000-8000-000000000002',
  status: 'RATE_LIMITED',
  projectPath: '/home/alice/projects/a-rather-long-project-name/service',
  startedAt: '2026-11-30T14:25:55.000Z',
  numTurns: 1,
  costUsd: 1.5,
  rateLimit: { kind: 'five_hour', severity: 'limit', resetsAt: '2026-11-30T15:00:00.000Z', text: null, source: 'print-json' },
});
const liveView = buildLiveView(
  snapshot({ sessions: [sessionView(), limited], limits: [{ kind: 'five_hour', resetsAt: at('2026-11-30T15:00:00Z'), sessionId: limited.id, text: null }], records }),
  NOW,
);
const idleView = buildLiveView(
  snapshot({ lastSession: sessionView({ status: 'COMPLETED', endedAt: '2026-11-30T14:25:00.000Z', durationMs: 25 * 60_000 }), records }),
  NOW,
);

describe('renderLiveView', () => {
  it('draws a live frame: indicator, every session, the limit with its countdown, the block, the sparkline', () => {
    expect(render(liveView, 100)).toEqual([
      'ClaudeWatch  14:30:00                                                                         q quit',
      '● LIVE SESSION ACTIVE  2 sessions, 1 rate-limited',
      '',
      'SESSION   PROJECT                           STATUS           COST  TOKENS  TURNS    TIME  MODEL',
      'a1b2c3d4  /work/app                         ACTIVE        $0.4200   43.3k      3  30m00s  sonnet-4-5',
      'ffee0000  /home/alice/proj…ct-name/service  RATE_LIMITED    $1.50   43.3k      1   4m05s  sonnet-4-5',
      '',
      'Rate limit in force',
      '  5-hour  resets 15:00 in 0:30:00  (session ffee0000)',
      '',
      '5-hour block  13:00–18:00  3h30m left',
      '[░░░░░░░░░░░░░░┃░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░] ┃ 30% of the time gone',
      'no limit known: set planLimits.tokensPerBlock, or one is learned after 5 finished blocks (0 so far)',
      'used      30.0k tok · $3.00',
      'burn      22.5k tok/h · $2.25/h',
      'by 18:00  108.8k tok · $10.88 projected',
      '',
      'Tokens per 15 min, last 6 h  peak 20.0k',
      '▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▅▁▁▁█▁▁',
    ]);
  });

  it('shows each of Claude’s windows with its share and countdown, and the bar against Claude’s figure with ours beside it', () => {
    const reading = (kind: WindowReading['kind'], utilization: number, resetsAt: string, status: WindowReading['status'] = 'allowed'): WindowReading => ({
      kind,
      utilization,
      resetsAt: at(resetsAt),
      status,
      source: 'statusline',
      observedAt: NOW - 60_000,
    });
    const windows = [
      reading('seven_day_opus', 0.85, '2026-12-02T10:00:00Z', 'allowed_warning'),
      reading('five_hour', 0.6, '2026-11-30T17:00:00Z'),
      reading('seven_day', 0.41, '2026-12-03T08:00:00Z'),
    ];
    const view = buildLiveView(
      snapshot({ sessions: [sessionView()], records, windows, blockLimit: { limit: { tokens: 100_000, source: 'learned', basis: 'medium confidence: median of 3 blocks that ended in a limit' }, finishedBlocks: 9 } }),
      NOW,
    );
    const lines = render(view, 100);
    const start = lines.indexOf("Claude's limit windows");
    expect(lines.slice(start, start + 11)).toEqual([
      "Claude's limit windows",
      '  5-hour        60%  ok       resets 17:00 in 2:30:00',
      '  weekly        41%  ok       resets 08:00 in 65:30:00',
      '  weekly Opus   85%  warning  resets 10:00 in 43:30:00',
      '',
      // Claude's window reset at 17:00, so it began at 12:00: half of it has gone.
      '5-hour window  12:00–17:00  2h30m left',
      '[████████████████████████┃█████░░░░░░░░░░░░░░░░░░░░] 60% used (Claude)',
      '┃ 50% of the time gone · ours ≈ 30% of 100.0k tok (learned limit)',
      // 60% in the 80 minutes since the window's first message: the rest would take 53 more.
      'at this rate the limit is reached at 15:23',
      'used      30.0k tok · $3.00',
      'burn      22.5k tok/h · $2.25/h',
    ]);
  });

  it('projects nothing from too little use, and says how much it needs', () => {
    const fresh = [usage('2026-11-30T14:25:00Z', 10_000, 1)];
    const lines = render(buildLiveView(snapshot({ records: fresh, blockLimit: { limit: { tokens: 100_000, source: 'given', basis: 'planLimits.tokensPerBlock in config.json' }, finishedBlocks: 2 } }), NOW), 100);
    expect(lines).toContain('no projection yet: it needs 15m00s of use (5m00s so far)');
    expect(lines).toContain('burn      after 15m00s of use (5m00s so far)');
    expect(lines.join('\n')).not.toContain('projected');
  });

  it('shows open alerts after what runs now, with their time', () => {
    const alerts = [
      // Written when shown, in the view's zone; an alert raised before alerts kept their facts keeps its words.
      { id: 2, severity: 'critical' as const, data: { rule: 'limit-reached' as const, kind: 'five_hour', resetsAt: at('2026-11-30T15:00:00Z') }, message: 'as raised', createdAt: at('2026-11-30T14:26:00Z') },
      { id: 1, severity: 'warning' as const, data: null, message: "today's cost $12.50 passed $10.00 (alerts.dailyCostUsd)", createdAt: at('2026-11-30T14:20:00Z') },
    ];
    const lines = render(buildLiveView(snapshot({ lastSession: idleView.lastSession!.session, alerts }), NOW), 100);
    expect(lines.slice(5, 9)).toEqual([
      '',
      'Open alerts (cw alerts ack ID)',
      "  ! 14:26  Claude's 5-hour limit is reached; it resets at 15:00",
      "  ! 14:20  today's cost $12.50 passed $10.00 (alerts.dailyCostUsd)",
    ]);
  });

  it('draws an idle frame with the last session', () => {
    expect(render(idleView, 60).slice(0, 6)).toEqual([
      'ClaudeWatch  14:30:00                                 q quit',
      '○ No active session',
      '',
      'Last session  a1b2c3d4  COMPLETED  /work/app',
      '  $0.4200 · 43.3k tok · 3 turns · 25m00s · ended 5m00s ago',
      '',
    ]);
    expect(render(buildLiveView(snapshot(), NOW), 100)).toContain('No session recorded yet. Run `claude` through the shim to see it here.');
  });

  it('shows each session on two lines below 60 columns, so nothing it has is hidden', () => {
    expect(render(liveView, 40).slice(1, 7)).toEqual([
      '● LIVE SESSION ACTIVE  2 live, 1 limited',
      '',
      'ACTIVE  /work/app',
      '  $0.4200 · 43.3k tok · 3 turns · 30m00s',
      'RATE_LIMITED  /home/alice/p…name/service',
      '  $1.50 · 43.3k tok · 1 turn · 4m05s',
    ]);
  });

  it('fits every width from 40 and height from 10: no line wider, no more lines, the indicator always there', () => {
    const colour = new Chalk({ level: 1 });
    for (const view of [liveView, idleView]) {
      for (let width = 40; width <= 130; width += 3) {
        for (let height = 10; height <= 30; height += 4) {
          for (const paint of [plain, colour]) {
            const lines = render(view, width, height, paint);
            expect(lines.length).toBeLessThanOrEqual(height);
            for (const line of lines) expect(visibleWidth(line), `${width}x${height}: ${line}`).toBeLessThanOrEqual(width);
            expect(lines[1]).toContain(view.live ? 'LIVE SESSION ACTIVE' : 'No active session');
          }
        }
      }
    }
  });

  it('drops the least wanted sections first when short, and says when sessions did not fit', () => {
    const short = render(liveView, 100, 10);
    expect(short.join('\n')).toContain('Rate limit in force');
    expect(short.join('\n')).not.toContain('Tokens per');
    const many = buildLiveView(snapshot({ sessions: Array.from({ length: 12 }, (_, index) => sessionView({ id: `s${String(index).padStart(7, '0')}` })) }), NOW);
    const lines = render(many, 100, 10);
    expect(lines).toHaveLength(10);
    expect(lines.at(-1)).toMatch(/^ {2}\+\d+ more lines/);
  });

  it('writes no colour codes for a plain painter (NO_COLOR)', () => {
    expect(render(liveView, 100).join('\n')).not.toContain('\x1b');
    expect(render(liveView, 100, 40, new Chalk({ level: 1 })).join('\n')).toContain('\x1b[');
  });

  it('counts down each second', () => {
    const later = buildLiveView(snapshot({ limits: [{ kind: 'five_hour', resetsAt: at('2026-11-30T15:00:00Z'), sessionId: 'x', text: null }] }), NOW + 1000);
    expect(render(later, 80).join('\n')).toContain('resets 15:00 in 0:29:59');
    expect(countdown(3 * 3_600_000 + 61_000)).toBe('3:01:01');
    expect(countdown(-5)).toBe('0:00:00');
  });
});

describe('screen text', () => {
  it('cuts by cells, keeping colour codes and closing them', () => {
    expect(cutToWidth('abcdef', 4)).toBe('abcd');
    expect(cutToWidth('\x1b[31mabcdef\x1b[39m', 3)).toBe('\x1b[31mabc\x1b[0m');
    expect(visibleWidth('\x1b[31m●\x1b[39m x')).toBe(3);
    expect(cutMiddle('/home/alice/project', 11)).toBe('/home…oject');
  });

  it('draws a sparkline scaled to its peak, nothing told apart from a little', () => {
    expect(sparkline([0, 1, 50, 100])).toBe('▁▂▅█');
    expect(sparkline([0, 0])).toBe('▁▁');
  });
});

describe('sessions waiting for the user', () => {
  it('come first, the longest wait first, with Claude’s words and since when; the table says WAITING', () => {
    const asking = sessionView({
      id: 'bbbb0000-0000-4000-8000-000000000003',
      projectPath: '/work/api',
      waiting: { since: '2026-11-30T14:27:00.000Z', reason: 'permission', message: 'Claude needs your permission to use Bash' },
      activity: 'working',
    });
    const questioning = sessionView({ id: 'cccc0000-0000-4000-8000-000000000004', projectPath: '/work/web', waiting: { since: '2026-11-30T14:29:30.000Z', reason: 'question', message: 'Claude asked you a question\x1b[2J' }, activity: 'working' });
    const lines = render(buildLiveView(snapshot({ sessions: [questioning, sessionView(), asking], records }), NOW), 120);
    expect(lines[1]).toBe('● LIVE SESSION ACTIVE  3 sessions, 2 waiting for you');
    expect(lines.slice(3, 5)).toEqual([
      'Waiting for you: /work/api (bbbb0000): Claude needs your permission to use Bash, since 14:27 (3m00s)',
      'Waiting for you: /work/web (cccc0000): Claude asked you a question\\x1b[2J, since 14:29 (30s)',
    ]);
    expect(lines.find((line) => line.startsWith('bbbb0000'))).toContain('WAITING');
  });
});

describe('sessions set to continue after their limit', () => {
  it('say when, under those that wait for the user, soonest first', () => {
    const later = sessionView({ id: 'dddd0000-0000-4000-8000-000000000005', projectPath: '/work/late', status: 'RATE_LIMITED', resumeAt: '2026-11-30T15:02:07.000Z' });
    const sooner = sessionView({ id: 'eeee0000-0000-4000-8000-000000000006', projectPath: '/work/soon\x1b]0;x\x07', status: 'RATE_LIMITED', resumeAt: '2026-11-30T14:32:05.000Z' });
    const asking = sessionView({ id: 'bbbb0000-0000-4000-8000-000000000003', projectPath: '/work/api', waiting: { since: '2026-11-30T14:27:00.000Z', reason: 'permission', message: 'Claude needs your permission to use Bash' } });
    const lines = render(buildLiveView(snapshot({ sessions: [later, asking, sooner], records }), NOW), 120);
    expect(lines.slice(3, 6)).toEqual([
      'Waiting for you: /work/api (bbbb0000): Claude needs your permission to use Bash, since 14:27 (3m00s)',
      'Continues after its limit: /work/soon\\x1b]0;x\\x07 (eeee0000) at 14:32:05 (in 2m05s)',
      'Continues after its limit: /work/late (dddd0000) at 15:02:07 (in 32m07s)',
    ]);
  });
});
