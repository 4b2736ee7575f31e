import { parseCommandArgs } from '../cli/parse.js';
import type { SessionView } from '../core/session-view.js';
import { allLimitsInForce } from '../store/account-limits.js';
import { openForReading } from '../store/reader.js';
import { listSessions } from '../store/session-rows.js';
import { readStateDocument, type StateDocument } from '../store/state-files.js';
import { createPainter, formatDuration, formatLimit, formatSessionCost, formatTokens, renderTable, totalTokens, unpricedFootnotes } from '../ui/format.js';

/** A limit some session met that still holds for its account (Claude's config directory). */
export interface LimitInForce {
  account: string | null;
  kind: string;
  resetsAt: string | null;
  text: string | null;
  observedAt: string;
  sessionId: string;
}

export interface StatusData {
  current: StateDocument | null;
  live: SessionView[];
  limits: LimitInForce[];
}

export function collectStatus(env = process.env, now = Date.now()): StatusData {
  const { db, paths } = openForReading(env, now);
  try {
    const live = listSessions(db, { statuses: ['ACTIVE', 'RATE_LIMITED'] });
    const limits = allLimitsInForce(db, now).map((limit) => ({
      account: limit.account,
      kind: limit.kind,
      resetsAt: limit.resetsAt === null ? null : new Date(limit.resetsAt).toISOString(),
      text: limit.text,
      observedAt: new Date(limit.observedAt).toISOString(),
      sessionId: limit.sessionId,
    }));
    return { current: readStateDocument(paths.currentStateFile), live, limits };
  } finally {
    db.close();
  }
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('status', argv, { json: { type: 'boolean' } });
  if (values.help) {
    process.stdout.write('Usage: cw status [--json]\n\nLive sessions on this machine, and the current session.\n');
    return 0;
  }
  const now = Date.now();
  const data = collectStatus(process.env, now);
  process.stdout.write(values.json ? `${JSON.stringify(data, null, 2)}\n` : renderStatus(data, now));
  return 0;
}

function formatLimitInForce(limit: LimitInForce, now: number): string {
  const until = limit.resetsAt === null ? 'reset time unknown' : `until ${limit.resetsAt} (${formatDuration(Date.parse(limit.resetsAt) - now)} left)`;
  const account = limit.account === null ? '' : `, account ${limit.account}`;
  return `${limit.kind}: ${until}; met by session ${limit.sessionId.slice(0, 8)}${account}`;
}

export function renderStatus(data: StatusData, now: number): string {
  const paint = createPainter();
  const out: string[] = [];
  if (data.live.length === 0) {
    out.push('No live sessions.');
  } else {
    out.push(paint.bold(`${data.live.length} live session${data.live.length === 1 ? '' : 's'}`));
    const rows = data.live.map((session) => [
      session.id.slice(0, 8),
      session.status === 'RATE_LIMITED' ? paint.red(session.status) : paint.green(session.status),
      session.mode,
      session.projectPath ?? session.cwd,
      formatDuration(now - Date.parse(session.startedAt)),
      formatSessionCost(session),
      formatTokens(totalTokens(session)),
      formatLimit(session, now),
    ]);
    out.push(renderTable(['ID', 'STATUS', 'MODE', 'PROJECT', 'DURATION', 'COST', 'TOKENS', 'LIMIT'], rows).trimEnd());
  }
  if (data.limits.length > 0) {
    out.push('', paint.bold('Limits in force'));
    for (const limit of data.limits) out.push(`  ${paint.red(formatLimitInForce(limit, now))}`);
  }
  const current = data.current;
  if (current) {
    const session = current.data;
    out.push('');
    out.push(
      `Current: ${session.id.slice(0, 8)} ${current.status} ${session.mode} ${formatSessionCost(session)} ` +
        `${formatTokens(totalTokens(session))} tokens, ${session.numTurns} turns, updated ${current.updatedAt}`,
    );
  }
  const footnotes = unpricedFootnotes(current ? [...data.live, current.data] : data.live);
  if (footnotes.length > 0) out.push('', ...footnotes.map((line) => paint.yellow(line)));
  return `${out.join('\n')}\n`;
}
