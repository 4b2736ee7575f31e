import { parseCommandArgs } from '../cli/parse.js';
import type { SessionView } from '../core/session-view.js';
import { openForReading } from '../store/reader.js';
import { listSessions } from '../store/session-rows.js';
import { readStateDocument, type StateDocument } from '../store/state-files.js';
import { createPainter, formatDuration, formatLimit, formatSessionCost, formatTokens, renderTable, totalTokens, unpricedFootnotes } from '../ui/format.js';

export interface StatusData {
  current: StateDocument | null;
  live: SessionView[];
}

export function collectStatus(env = process.env, now = Date.now()): StatusData {
  const { db, paths } = openForReading(env, now);
  try {
    const live = listSessions(db, { statuses: ['ACTIVE', 'RATE_LIMITED'] });
    return { current: readStateDocument(paths.currentStateFile), live };
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
