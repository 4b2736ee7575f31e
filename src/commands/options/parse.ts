import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../../shared/errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Strict option parsing for `cw` commands: an unknown or malformed option is a clear error. */
export function parseCommandArgs<T extends Options>(command: string, argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UserError(`cw ${command}: ${error instanceof Error ? error.message : String(error)}`, 2);
  }
}

export function parsePositiveInt(command: string, name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new UserError(`cw ${command}: --${name} must be a positive whole number, got "${value}".`, 2);
  return parsed;
}
