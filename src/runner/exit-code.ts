import { constants } from 'node:os';

export interface ChildExit {
  exitCode: number;
  /** The signal's name when the child was killed by one. */
  signal: string | null;
}

/**
 * How our process ends: with `code`, or, where Claude was killed by a signal, by that signal, so
 * the caller sees a death by signal as it would from Claude itself (`code` is then 128 + N).
 */
export interface ExitStatus {
  code: number;
  signal: NodeJS.Signals | null;
}

export function exitStatusOf(exit: ChildExit): ExitStatus {
  return { code: shellExitCode(exit), signal: exit.signal === null ? null : (exit.signal as NodeJS.Signals) };
}

export function exitWithCode(code: number): ExitStatus {
  return { code, signal: null };
}

/** The code a shell would report: the child's own, or 128 + N for a child killed by signal N. */
export function shellExitCode(exit: ChildExit): number {
  if (exit.signal === null) return exit.exitCode;
  const number = (constants.signals as Record<string, number | undefined>)[exit.signal];
  return number === undefined ? 1 : 128 + number;
}

export function signalName(signalNumber: number | undefined | null): string | null {
  if (!signalNumber) return null;
  for (const [name, number] of Object.entries(constants.signals)) if (number === signalNumber) return name;
  return null;
}
