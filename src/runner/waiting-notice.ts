import { spawn } from 'node:child_process';
import { terminalText } from '../core/text-escape.js';
import type { Logger } from '../shared/log.js';
import type { StateDocument } from '../store/state-files.js';
import { desktopNotifier } from './alert-delivery.js';
import type { RelayConsole } from './relay.js';

export type WaitingNotice = 'off' | 'desktop' | 'bell';

/** `notify.waiting` from the config; anything else is off, as by default. */
export function waitingNoticeOf(config: Record<string, unknown>): WaitingNotice {
  const notify = config.notify;
  const value = notify !== null && typeof notify === 'object' ? (notify as Record<string, unknown>).waiting : undefined;
  return value === 'desktop' || value === 'bell' ? value : 'off';
}

const BELL = Uint8Array.of(0x07);

export interface NoticeTarget {
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Claude's terminal, where the bell rings; null when Claude has none of ours (print runs). */
  console: RelayConsole | null;
}

/**
 * Tells the user a session waits for them, as they asked: a desktop notification, or the terminal
 * bell (one BEL byte, which changes nothing on Claude's screen, sent between Claude's escape
 * sequences so that it cannot cut one short). Best effort: a failure is logged.
 */
export function noticeWaiting(kind: WaitingNotice, document: StateDocument, target: NoticeTarget): void {
  const waiting = document.data.waiting;
  if (kind === 'off' || !waiting) return;
  const { env, logger } = target;
  if (kind === 'bell') {
    target.console?.notice(BELL);
    return;
  }
  const notifier = desktopNotifier(env);
  if (notifier === null) return;
  const project = document.data.projectPath ?? document.data.cwd;
  const child = spawn(notifier.command, notifier.args('Claude is waiting for you', terminalText(`${waiting.message} (${project})`), false), { detached: true, stdio: 'ignore', env });
  child.on('error', (error) => logger.warn('waiting notice not shown', error));
  child.unref();
}
