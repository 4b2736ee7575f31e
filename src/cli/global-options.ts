import { UserError } from '../shared/errors.js';

/** What every `cw` command takes, wherever it stands before a `--`. */
export interface GlobalOptions {
  /** The arguments left for the command. */
  args: string[];
  debug: boolean;
  /** `--color` (true), `--no-color` (false), or neither (null: FORCE_COLOR, NO_COLOR and the terminal decide). */
  colour: boolean | null;
}

const COLOUR_WHEN: Record<string, boolean | null> = { always: true, true: true, never: false, false: false, auto: null };

export function takeGlobalOptions(argv: readonly string[]): GlobalOptions {
  const end = argv.includes('--') ? argv.indexOf('--') : argv.length;
  const args: string[] = [];
  let debug = false;
  let colour: boolean | null = null;
  for (const [index, arg] of argv.entries()) {
    if (index >= end) args.push(arg);
    else if (arg === '--debug') debug = true;
    else if (arg === '--color' || arg === '--colour') colour = true;
    else if (arg === '--no-color' || arg === '--no-colour') colour = false;
    else if (/^--colou?r=/.test(arg)) colour = colourWhen(arg.slice(arg.indexOf('=') + 1));
    else args.push(arg);
  }
  return { args, debug, colour };
}

function colourWhen(value: string): boolean | null {
  if (value in COLOUR_WHEN) return COLOUR_WHEN[value]!;
  throw new UserError(`cw: --color takes always, never or auto, got "${value}".`, 2);
}
