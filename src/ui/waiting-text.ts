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

/** `Continues after its limit: /work/app (a1b2c3d4) at 14:05:09 (in 3m05s)`: the opt-in resume, soonest first. */
export function resumeLines(sessions: readonly SessionView[], options: { now: number; time: ZoneTime; paint: ChalkInstance }): string[] {
  return sessions
    .filter((session): session is SessionView & { resumeAt: string } => session.resumeAt !== null && session.resumeAt !== undefined)
    .sort((a, b) => Date.parse(a.resumeAt) - Date.parse(b.resumeAt))
    .map((session) => {
      const at = Date.parse(session.resumeAt);
      const where = `${terminalText(session.projectPath ?? session.cwd)} (${session.id.slice(0, 8)})`;
      return `${options.paint.magenta('Continues after its limit:')} ${where} at ${options.time.clockWithSeconds(at)} (in ${formatDuration(Math.max(0, at - options.now))})`;
    });
}
