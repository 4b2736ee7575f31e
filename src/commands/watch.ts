import { buildLiveView, type LiveSnapshot } from '../core/live-view.js';
import { alertSettingsOf } from '../core/alert-rules.js';
import { preferredTimeZone } from '../core/calendar.js';
import { checkAlerts } from '../runner/alert-check.js';
import { loadConfig } from '../shared/config.js';
import { UserError } from '../shared/errors.js';
import { resolvePaths } from '../shared/paths.js';
import { createLiveLoader, loadLiveSnapshot } from '../history/live-snapshot.js';
import { watchStateFiles } from '../store/state-watcher.js';
import { createPainter } from '../ui/format.js';
import { renderLiveView } from '../ui/live-render.js';
import { openLiveTerminal } from '../ui/live-terminal.js';
import { type CommandOptions, parseCommandArgs } from './options/parse.js';

const USAGE = `Usage: cw watch [--refresh-interval SECONDS] [--once] [--skip-import]

A full-screen live view: every live session, rate limits in force with a countdown, the open
5-hour block with its burn rate, and tokens per quarter hour over the last 6 hours.
It redraws as soon as a session's state file changes; q or Ctrl+C quits.

Options:
  --refresh-interval S  re-read everything at least this often (default 5; env DASHBOARD_REFRESH_INTERVAL)
  --once                print one frame and exit
  --skip-import         do not read new transcript lines into the history
`;

const DEFAULT_REFRESH_S = 5;
/** Importing transcripts costs 50–150 ms: often enough to stay current, rarely enough to stay light. */
const IMPORT_EVERY_MS = 20_000;

interface WatchOptions {
  refreshMs: number;
  importTranscripts: boolean;
  timeZone: string;
  env: NodeJS.ProcessEnv;
}

/** The options `cw watch` takes, for its parser and for shell completion. */
export const OPTIONS = {
    'refresh-interval': { type: 'string' },
    once: { type: 'boolean' },
    'skip-import': { type: 'boolean' },
  } as const satisfies CommandOptions;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('watch', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const env = process.env;
  const options: WatchOptions = {
    refreshMs: refreshSeconds(values['refresh-interval'], env.DASHBOARD_REFRESH_INTERVAL) * 1000,
    importTranscripts: values['skip-import'] !== true,
    timeZone: preferredTimeZone(loadConfig(resolvePaths(env).configFile).config.timezone, env.TZ),
    env,
  };
  if (values.once) {
    process.stdout.write(renderOnce(options));
    return 0;
  }
  if (!process.stdout.isTTY) throw new UserError('cw watch: stdout is not a terminal. Use `cw watch --once` for one frame, or `cw status --watch`.', 2);
  return watchLive(options);
}

function refreshSeconds(option: string | undefined, fromEnv: string | undefined): number {
  const [text, source] = option !== undefined ? [option, '--refresh-interval'] : [fromEnv, 'DASHBOARD_REFRESH_INTERVAL'];
  if (text === undefined || text === '') return DEFAULT_REFRESH_S;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0.5 || seconds > 3600) throw new UserError(`cw watch: ${source} takes seconds from 0.5 to 3600, got "${text}".`, 2);
  return seconds;
}

function renderOnce(options: WatchOptions): string {
  const now = Date.now();
  const snapshot = loadLiveSnapshot(options.env, now, { importTranscripts: options.importTranscripts });
  const { stdout } = process;
  // Without a terminal there is no screen to fit: COLUMNS/LINES if given, else room for everything.
  const width = stdout.isTTY ? stdout.columns || 80 : Number(options.env.COLUMNS) || 80;
  const height = stdout.isTTY ? stdout.rows || 24 : Number(options.env.LINES) || 200;
  const lines = renderLiveView(buildLiveView(snapshot, now), { width, height, paint: createPainter(stdout, options.env), timeZone: options.timeZone });
  return `${lines.join('\n')}\n`;
}

/**
 * Data is re-read when a state file changes (within about half a second) and every refresh
 * interval as a fallback; transcripts are imported every IMPORT_EVERY_MS at most. The frame is
 * redrawn each second from what was last read, so clocks and countdowns move between reads.
 */
function watchLive(options: WatchOptions): Promise<number> {
  const paint = createPainter(process.stdout, options.env);
  const paths = resolvePaths(options.env);
  const load = createLiveLoader(options.env);
  return new Promise<number>((resolve, reject) => {
    let snapshot: LiveSnapshot = load(Date.now(), { importTranscripts: false });
    let importedAt = -Infinity;
    const timers: NodeJS.Timeout[] = [];
    let tick: NodeJS.Timeout | null = null;
    let finished = false;

    const finish = (outcome: { code: number } | { error: unknown }): void => {
      if (finished) return;
      finished = true;
      for (const timer of timers) clearTimeout(timer);
      if (tick) clearTimeout(tick);
      watcher.close();
      terminal.restore();
      if ('error' in outcome) reject(outcome.error);
      else resolve(outcome.code);
    };
    // An exception anywhere in the loop ends the view with the terminal given back, then surfaces.
    const guarded =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A): void => {
        try {
          if (!finished) fn(...args);
        } catch (error) {
          finish({ error });
        }
      };

    const draw = (clear = false): void => {
      const lines = renderLiveView(buildLiveView(snapshot, Date.now()), { width: terminal.width, height: terminal.height, paint, timeZone: options.timeZone });
      terminal.draw(lines, clear);
    };
    const reload = (): void => {
      const now = Date.now();
      snapshot = load(now, { importTranscripts: false });
      draw();
      if (options.importTranscripts && now - importedAt >= IMPORT_EVERY_MS) {
        importedAt = now;
        void importAndAlert();
      }
    };
    // The alert check imports new transcript lines first; a new alert rings the bell (alerts.bell).
    const importAndAlert = async (): Promise<void> => {
      const config = loadConfig(paths.configFile).config;
      try {
        const { raised } = await checkAlerts(config, options.env);
        if (raised.length > 0 && alertSettingsOf(config).delivery.bell && !finished) process.stdout.write('\x07');
      } catch {
        // A view that cannot check alerts still shows what it can read.
      }
      guarded(() => {
        snapshot = load(Date.now(), { importTranscripts: false });
        draw();
      })();
    };
    const everySecond = guarded(() => {
      draw();
      // On the second boundary, so the clock never skips a second.
      tick = setTimeout(everySecond, 1000 - (Date.now() % 1000) + 5);
    });

    const terminal = openLiveTerminal({
      onQuit: guarded((reason: string) => finish({ code: reason === 'key' ? 0 : reason === 'SIGINT' ? 130 : reason === 'SIGHUP' ? 129 : 143 })),
      onResize: guarded(() => draw(true)),
    });
    const watcher = watchStateFiles(paths, guarded(reload));
    guarded(() => {
      draw();
      tick = setTimeout(everySecond, 1000 - (Date.now() % 1000) + 5);
      timers.push(
        setInterval(
          guarded(() => {
            watcher.rearm();
            reload();
          }),
          options.refreshMs,
        ),
      );
      // The first import may take a while on a big history: after the first frame, not before it.
      if (options.importTranscripts) timers.push(setTimeout(guarded(reload), 50));
    })();
  });
}
