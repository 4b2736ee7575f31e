import { constants } from 'node:os';

export interface ChildExit {
  exitCode: number;
  /** The signal's name when the child was killed by one. */
  signal: string | null;
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
