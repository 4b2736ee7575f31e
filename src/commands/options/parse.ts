import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closestWord } from '../../core/suggest.js';
import { printable } from '../../core/text-escape.js';
import { UserError } from '../../shared/errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Strict option parsing for `cw` commands. A mistake is named in our own words, with the option
 * as typed, a guess at the one meant, and where the command's options are listed.
 */
export function parseCommandArgs<T extends Options>(command: string, argv: string[], options: T) {
  const known = { ...options, help: { type: 'boolean', short: 'h' } } as const satisfies Options;
  // A lenient pass first: its tokens say which option went wrong, where the strict one only throws.
  const { tokens } = parseArgs({ args: argv, options: known, allowPositionals: true, strict: false, tokens: true });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const spec = (known as Options)[token.name];
    if (spec === undefined) throw unknownOption(command, token.rawName, known);
    if (spec.type === 'string' && (token.value === undefined || (!token.inlineValue && token.value.startsWith('-') && token.value !== '-'))) {
      throw usageError(command, `${token.rawName} needs a value (one that starts with a dash goes as ${token.rawName}=-VALUE).`);
    }
    if (spec.type === 'boolean' && token.inlineValue) throw usageError(command, `${token.rawName} takes no value; leave out "=${token.value}".`);
  }
  try {
    return parseArgs({ args: argv, options: known, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(command, error instanceof Error ? error.message : String(error));
  }
}

function unknownOption(command: string, rawName: string, known: Options): UserError {
  // One letter is a typo away from every other: only long names are worth a guess.
  const guess = rawName.startsWith('--') ? closestWord(rawName, Object.keys(known).map((name) => `--${name}`)) : null;
  return usageError(command, `unknown option ${rawName}${guess ? `; did you mean ${guess}?` : '.'}`);
}

function usageError(command: string, problem: string): UserError {
  return new UserError(`cw ${command}: ${printable(problem)}\nRun \`cw ${command} --help\` for its options.`, 2);
}

export function parsePositiveInt(command: string, name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new UserError(`cw ${command}: --${name} must be a positive whole number, got "${printable(value)}".`, 2);
  return parsed;
}

/** A command's options as `parseArgs` takes them; every command exports its own as OPTIONS. */
export type CommandOptions = Options;
