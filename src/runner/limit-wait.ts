import { windowName } from '../core/limit-windows.js';
import type { ResumePlan } from '../core/limit-resume.js';
import { zoneTime } from '../core/zone-time.js';

/**
 * Waits until a plan's time, showing a countdown on stderr: one line rewritten each second on a
 * terminal, a single line in a pipe or a log. Ctrl+C (or SIGTERM) cancels; resolves whether the
 * wait ran to its end.
 */
export function waitForReset(plan: ResumePlan, options: { now: () => number; timeZone: string; stream?: NodeJS.WriteStream }): Promise<boolean> {
  const stream = options.stream ?? process.stderr;
  const live = stream.isTTY === true;
  const time = zoneTime(options.timeZone);
  const name = windowName(plan.kind);
  const line = (): string => {
    const left = Math.max(0, Math.ceil((plan.at - options.now()) / 1000));
    const clock = `${Math.floor(left / 3600)}:${String(Math.floor(left / 60) % 60).padStart(2, '0')}:${String(left % 60).padStart(2, '0')}`;
    return `cw-run: ${name} limit resets at ${time.clockWithSeconds(plan.resetsAt)} (${time.timeZone}); continuing the session in ${clock} (Ctrl+C cancels)`;
  };
  return new Promise((resolve) => {
    let ticker: NodeJS.Timeout | undefined;
    const finish = (completed: boolean): void => {
      clearTimeout(timer);
      clearInterval(ticker);
      process.off('SIGINT', cancel);
      process.off('SIGTERM', cancel);
      if (live) stream.write('\r\x1b[2K');
      stream.write(completed ? 'cw-run: continuing the session after its limit reset.\n' : 'cw-run: waiting for the reset cancelled.\n');
      resolve(completed);
    };
    const cancel = (): void => finish(false);
    process.on('SIGINT', cancel);
    process.on('SIGTERM', cancel);
    const timer = setTimeout(() => finish(true), Math.max(0, plan.at - options.now()));
    if (live) {
      stream.write(line());
      ticker = setInterval(() => stream.write(`\r\x1b[2K${line()}`), 1000);
    } else {
      stream.write(`${line()}\n`);
    }
  });
}
