import { gaugeBlock } from '../core/block-gauge.js';
import { formatJson, versioned } from '../core/json-output.js';
import { BLOCK_MS, highestBlockTokens, identifyBlocks, projectBlock, summarizeWeeks, type TokenLimit } from '../core/blocks.js';
import { configuredTokensPerBlock } from '../core/config-schema.js';
import { currentWindows, type WindowReading } from '../core/limit-windows.js';
import { estimateBlockLimit, finishedBlockCount, limitOfEstimate } from '../core/plan-limits.js';
import { readingsOfView } from '../core/session-view.js';
import { loadConfig, type LoadedConfig } from '../shared/config.js';
import { UserError } from '../shared/errors.js';
import { resolvePaths } from '../shared/paths.js';
import { refreshHistory } from '../history/refresh.js';
import { allWindowsInForce } from '../store/account-limits.js';
import { openForReading } from '../store/reader.js';
import { isLiveDocument, listSessionDocuments } from '../store/state-files.js';
import { loadLimitEvents, type LimitEvent } from '../store/limit-history.js';
import { loadUsageRecords } from '../store/usage-records.js';
import { renderBlocks, type BlocksView } from '../ui/blocks-render.js';
import { createPainter, outputWidth } from '../ui/format.js';
import { HISTORY_OPTIONS, parseHistoryScope, type HistoryScope } from './options/history-options.js';
import { type CommandOptions, parseCommandArgs, parsePositiveInt } from './options/parse.js';

const USAGE = `Usage: cw blocks [options]

Claude's 5-hour usage windows: each opens at the hour of the first message after the last one
closed. For the open block: time left, burn rate, and where it is heading. Then weekly totals.

Options:
  --since DAY          list blocks from this day (default: the last 7 days)
  --until DAY          up to and including this day
  --active             only the open block
  --token-limit N|max  a block's token limit: a number, or "max" for the highest finished block
                       (default: planLimits.tokensPerBlock, else one learned from history, labelled)
  --weeks N            weeks in the weekly summary (default 4)
  --project TEXT       only projects whose path contains TEXT
  --timezone ZONE      times in this zone
  --json               data for scripts
  --skip-import        use what is stored without reading transcripts first
`;

const DEFAULT_DAYS = 7;

export interface BlocksRequest {
  scope: HistoryScope;
  now: number;
  tokenLimit: number | 'max' | null;
  activeOnly: boolean;
  weeks: number;
  /** planLimits.tokensPerBlock of a custom plan. */
  tokensPerBlock?: number;
  config: LoadedConfig['config'];
}

export function collectBlocks(request: BlocksRequest, env = process.env): BlocksView {
  const { db } = openForReading(env);
  try {
    if (!request.scope.skipImport) refreshHistory(db, request.config, env);
    // The whole history: "max" looks at every block, and a block may have opened before --since.
    const records = loadUsageRecords(db, request.scope.project ? { project: request.scope.project } : {});
    return planBlocksView(records, loadLimitEvents(db), request, claudeWindows(db, resolvePaths(env).sessionStateDir, request.now));
  } finally {
    db.close();
  }
}

export function planBlocksView(records: Parameters<typeof identifyBlocks>[0], limits: LimitEvent[], request: BlocksRequest, windows: WindowReading[] = []): BlocksView {
  const { scope, now } = request;
  const timeline = identifyBlocks(records, now, limits);
  const last = timeline.at(-1);
  const openBlock = last && last.kind === 'block' && last.active ? last : null;
  const limit = tokenLimitOf(request.tokenLimit, timeline, request.tokensPerBlock);
  const from = scope.from ?? scope.calendar.startOfDay(scope.calendar.dayOf(now) - DEFAULT_DAYS + 1);
  const to = scope.to ?? Infinity;
  const listed = request.activeOnly ? (openBlock ? [openBlock] : []) : timeline.filter((entry) => entry.endAt > from && entry.startAt < to);
  // A gap at either end of the list says nothing.
  while (listed[0]?.kind === 'gap') listed.shift();
  while (listed.at(-1)?.kind === 'gap') listed.pop();
  const weekFrom = scope.calendar.startOfDay(scope.calendar.dayOf(now) - 7 * request.weeks);
  const fiveHour = windows.find((window) => window.kind === 'five_hour') ?? null;
  const windowStart = fiveHour?.resetsAt == null ? null : fiveHour.resetsAt - BLOCK_MS;
  const gauge = gaugeBlock({
    block: openBlock,
    claude: fiveHour,
    firstInWindowAt: windowStart === null ? null : (records.filter((record) => record.at >= windowStart).reduce<number | null>((first, record) => (first === null || record.at < first ? record.at : first), null)),
    limit,
    finishedBlocks: finishedBlockCount(timeline),
    now,
  });
  return {
    timeZone: scope.calendar.timeZone,
    timeline: listed,
    active: openBlock ? { block: openBlock, projection: projectBlock(openBlock, now, limit) } : null,
    weeks: request.activeOnly ? [] : summarizeWeeks(records.filter((record) => record.at >= weekFrom), scope.calendar, now).slice(-request.weeks),
    windows,
    gauge,
    scope: request.activeOnly ? 'open now' : scope.since || scope.until ? [scope.since && `from ${scope.since}`, scope.until && `until ${scope.until}`].filter(Boolean).join(' ') : `in the last ${DEFAULT_DAYS} days`,
  };
}

/**
 * Claude's own readings of its windows (subscribers: the statusline and rate_limit_event give
 * them): what the runs recorded, and the live sessions' state files, newest of each window.
 */
function claudeWindows(db: Parameters<typeof allWindowsInForce>[0], sessionStateDir: string, now: number): WindowReading[] {
  const live = listSessionDocuments(sessionStateDir).filter((document) => isLiveDocument(document, now));
  return currentWindows([...allWindowsInForce(db, now), ...live.flatMap((document) => readingsOfView(document.data))], now);
}

function tokenLimitOf(option: number | 'max' | null, timeline: ReturnType<typeof identifyBlocks>, configured: number | undefined): TokenLimit | null {
  if (option === null) {
    // No limit asked for: the configured one, else one learned from history, labelled as such.
    return limitOfEstimate(estimateBlockLimit(timeline, configured === undefined ? {} : { tokensPerBlock: configured }));
  }
  if (option !== 'max') return { tokens: option, source: 'given' };
  const highest = highestBlockTokens(timeline);
  return highest === null || highest === 0 ? null : { tokens: highest, source: 'highest-block' };
}

/** The options `cw blocks` takes, for its parser and for shell completion. */
export const OPTIONS = {
    ...HISTORY_OPTIONS,
    active: { type: 'boolean' },
    'token-limit': { type: 'string' },
    weeks: { type: 'string' },
    json: { type: 'boolean' },
  } as const satisfies CommandOptions;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('blocks', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const env = process.env;
  const now = Date.now();
  const config = loadConfig(resolvePaths(env).configFile).config;
  const scope = parseHistoryScope('blocks', values, { now, configuredTimeZone: config.timezone, env });
  const view = collectBlocks(
    {
      scope,
      now,
      tokenLimit: parseTokenLimit(values['token-limit']),
      activeOnly: values.active === true,
      weeks: parsePositiveInt('blocks', 'weeks', values.weeks, 4),
      ...(configuredTokensPerBlock(config) === undefined ? {} : { tokensPerBlock: configuredTokensPerBlock(config)! }),
      config,
    },
    env,
  );
  if (values.json) {
    process.stdout.write(formatJson(versioned(blocksJson(view))));
  } else {
    process.stdout.write(renderBlocks(view, { width: outputWidth(env), paint: createPainter(), now }));
  }
  return 0;
}

function parseTokenLimit(text: string | undefined): number | 'max' | null {
  if (text === undefined) return null;
  if (text === 'max') return 'max';
  const value = Number(text.replace(/[_,]/g, ''));
  if (!Number.isInteger(value) || value <= 0) throw new UserError(`cw blocks: --token-limit takes a positive number of tokens or "max", got "${text}".`, 2);
  return value;
}

function claudeReadingOf(windows: readonly WindowReading[]): { utilization: number; resetsAt: string | null } | null {
  const reading = windows.find((window) => window.kind === 'five_hour');
  return reading ? { utilization: reading.utilization, resetsAt: reading.resetsAt === null ? null : new Date(reading.resetsAt).toISOString() } : null;
}

/** Instants as ISO strings: what a script expects in JSON. */
function blocksJson(view: BlocksView): object {
  const iso = (at: number | null): string | null => (at === null ? null : new Date(at).toISOString());
  return {
    timeZone: view.timeZone,
    // Claude's 5-hour reading alone, as earlier versions gave it; `windows` has them all.
    claudeReading: claudeReadingOf(view.windows),
    windows: view.windows.map((window) => ({ ...window, resetsAt: iso(window.resetsAt), observedAt: iso(window.observedAt) })),
    gauge: view.gauge,
    blocks: view.timeline.map((entry) =>
      entry.kind === 'gap'
        ? { kind: 'gap', startAt: iso(entry.startAt), endAt: iso(entry.endAt) }
        : {
            ...entry,
            startAt: iso(entry.startAt),
            endAt: iso(entry.endAt),
            firstAt: iso(entry.firstAt),
            lastAt: iso(entry.lastAt),
            limitHit: entry.limitHit && { at: iso(entry.limitHit.at), kind: entry.limitHit.kind },
          },
    ),
    active: view.active
      ? { startAt: iso(view.active.block.startAt), endAt: iso(view.active.block.endAt), totals: view.active.block.totals, ...view.active.projection, limitReachedAt: iso(view.active.projection.limitReachedAt) }
      : null,
    weeks: view.weeks.map((week) => ({ ...week, weekStart: new Date(week.weekStart * 86_400_000).toISOString().slice(0, 10), startAt: iso(week.startAt), endAt: iso(week.endAt) })),
  };
}
