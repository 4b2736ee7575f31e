import { closestWord } from '../core/suggest.js';
import { printable } from '../core/text-escape.js';
import { UserError } from '../shared/errors.js';
import { COMMANDS } from './commands.js';

/** A command we do not have: said in one line, with the one probably meant. */
export function unknownCommand(name: string): UserError {
  const guess = closestWord(name, Object.keys(COMMANDS));
  const hint = guess ? ` Did you mean \`cw ${guess}\`?` : '';
  return new UserError(`cw: unknown command "${printable(name)}".${hint} Run \`cw help\` for the list.`, 2);
}
