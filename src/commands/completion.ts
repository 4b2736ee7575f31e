import { RootCommand } from '@bomb.sh/tab';
import { UserError } from '../shared/errors.js';
import type { CommandOptions } from './options/parse.js';
import { parseCommandArgs } from './options/parse.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;

const USAGE = `Usage: cw completion bash|zsh|fish

Prints a script that completes cw's commands, their options and their arguments in your shell.
On each Tab the shell asks \`cw complete\`, so completions always match this installation.

  bash   echo 'source <(cw completion bash)' >> ~/.bashrc
  zsh    echo 'source <(cw completion zsh)' >> ~/.zshrc
  fish   cw completion fish > ~/.config/fish/completions/cw.fish
`;

export const OPTIONS = {} as const satisfies CommandOptions;
export const ARGUMENTS: readonly string[] = SHELLS;

/** One command as completion sees it; its options and arguments only when it is the one being typed. */
export interface CompletionEntry {
  name: string;
  summary: string;
  options?: CommandOptions;
  arguments?: readonly string[];
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('completion', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const shell = positionals[0];
  if (positionals.length !== 1 || !(SHELLS as readonly string[]).includes(shell!)) {
    throw new UserError(`cw completion: name one shell: ${SHELLS.join(', ')}.\nRun \`cw completion --help\` for how to install it.`, 2);
  }
  completionTree([]).setup('cw', 'cw', shell!);
  return 0;
}

/** `cw complete -- WORDS`: the candidates for the last word, one a line, as the scripts expect. */
export function completeWords(words: string[], entries: readonly CompletionEntry[]): void {
  completionTree(entries).parse(words);
}

function completionTree(entries: readonly CompletionEntry[]): RootCommand {
  const root = new RootCommand();
  root.option('help', 'show help', 'h');
  root.option('version', 'print the version', 'v');
  root.option('color', 'colour even through a pipe');
  root.option('no-color', 'no colour');
  for (const entry of entries) {
    const command = root.command(entry.name, entry.summary);
    for (const [name, spec] of Object.entries(entry.options ?? {})) {
      // A string option takes a value: tab needs a handler to know, even one offering nothing.
      if (spec.type === 'string') command.option(name, '', () => {}, spec.short);
      else if (spec.short) command.option(name, '', spec.short);
      else command.option(name, '');
    }
    if (entry.options !== undefined) command.option('help', 'show this command’s options', 'h');
    const choices = entry.arguments;
    if (choices !== undefined && choices.length > 0) command.argument('argument', (complete) => choices.forEach((choice) => complete(choice, '')));
  }
  return root;
}
