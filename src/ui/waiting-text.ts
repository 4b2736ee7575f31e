import type { ChalkInstance } from 'chalk';
import type { SessionView } from '../core/session-view.js';
import { terminalText } from '../core/text-escape.js';
import type { ZoneTime } from '../core/zone-time.js';
import { formatDuration } from './format.js';

/**
 * The sessions Claude holds waiting for the user, the same in `cw status` and `cw watch`: the
 * longest wait first, with its project, Claude's words for it and since when.
 */
export function waitingSessions(sessions: readonly SessionView[]): Array<SessionView & { waiting: NonNullable<SessionView['waiting']> }> {
  return sessions.filter((session): session is SessionView & { waiting: NonNullable<SessionView['waiting']> } => Boolean(session.waiting)).sort((a, b) => Date.parse(a.waiting.since) - Date.parse(b.waiting.since));
}

/** `Waiting for you: /work/app (a1b2c3d4): Claude needs your permission to use Bash, since 14:05 (3m)` */
export function waitingLines(sessions: readonly SessionView[], options: { now: number; time: ZoneTime; paint: ChalkInstance }): string[] {
  return waitingSessions(sessions).map((session) => {
    const since = Date.parse(session.waiting.since);
    const where = `${terminalText(session.projectPath ?? session.cwd)} (${session.id.slice(0, 8)})`;
    const how = `${terminalText(session.waiting.message)}, since ${options.time.clock(since)} (${formatDuration(Math.max(0, options.now - since))})`;
    return `${options.paint.magenta.bold('Waiting for you:')} ${where}: ${how}`;
  });
}

/** The short word for a session's state in a table or a line: waiting, working or idle. */
export function activityWord(session: Pick<SessionView, 'waiting' | 'activity'>): string | null {
  if (session.waiting) return session.waiting.reason === 'permission' ? 'waits for permission' : session.waiting.reason === 'question' ? 'waits for an answer' : 'waits for you';
  return session.activity ?? null;
}
