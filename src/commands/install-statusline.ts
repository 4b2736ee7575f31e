import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { planStatuslineInstall, planStatuslineRemove, type StatuslineSettingsPlan, type StatusLineSetting } from '../core/statusline-settings.js';
import { shellQuote } from '../core/watch-plan.js';
import { claudeSettingsFile, readSettingsText, writeSettingsText } from '../runner/claude-settings-file.js';
import { describeError, UserError } from '../shared/errors.js';
import { PACKAGE_ROOT } from '../shared/package-info.js';
import { type CommandOptions, parseCommandArgs } from './options/parse.js';

/** The statusline's own entry: it loads only what the statusline needs, since Claude runs it on every refresh. */
export const STATUSLINE_ENTRY = join(PACKAGE_ROOT, 'dist', 'bin', 'cw-statusline.js');

const USAGE = `Usage: cw install-statusline [--yes] [--dry-run] [--remove]

Make \`cw statusline\` Claude Code's statusline, in settings.json of CLAUDE_CONFIG_DIR (else
~/.claude). A statusline you already have keeps running: ours shows its first line after our own.
  --yes       change the file without asking
  --dry-run   show the change, write nothing
  --remove    put your previous statusline back (or none, if you had none)
`;

export interface InstallStatuslineResult {
  file: string;
  plan: StatuslineSettingsPlan;
  written: boolean;
}

/** The options `cw install-statusline` takes, for its parser and for shell completion. */
export const OPTIONS = {
    yes: { type: 'boolean', short: 'y' },
    'dry-run': { type: 'boolean' },
    remove: { type: 'boolean' },
  } as const satisfies CommandOptions;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('install-statusline', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const result = await installStatusline({
    remove: values.remove === true,
    dryRun: values['dry-run'] === true,
    confirm: values.yes === true ? async () => true : askConsent,
    env: process.env,
  });
  process.stdout.write(describeResult(result, values['dry-run'] === true));
  return 0;
}

export async function installStatusline(options: {
  remove: boolean;
  dryRun: boolean;
  confirm: (question: string) => Promise<boolean>;
  env: Record<string, string | undefined>;
  command?: string;
}): Promise<InstallStatuslineResult> {
  const file = claudeSettingsFile(options.env);
  if (!options.remove && options.command === undefined && !existsSync(STATUSLINE_ENTRY)) {
    throw new UserError(`cw install-statusline: ${STATUSLINE_ENTRY} is missing; run \`npm run build\` first.`);
  }
  const command = options.command ?? `${shellQuote(process.execPath)} ${shellQuote(STATUSLINE_ENTRY)}`;
  let text: string | null;
  try {
    text = readSettingsText(file);
  } catch (error) {
    throw new UserError(`cw install-statusline: cannot read ${file}: ${describeError(error)}`);
  }
  const plan = options.remove ? planStatuslineRemove(text, file) : planStatuslineInstall(text, file, command);
  if (plan.action === 'refuse') throw new UserError(`cw install-statusline: ${plan.message}`);
  if (plan.action === 'none' || options.dryRun) return { file, plan, written: false };
  const question = options.remove ? `Restore the previous statusline in ${file}?` : `Set Claude Code's statusline to ClaudeWatch's in ${file}?`;
  if (!(await options.confirm(question))) throw new UserError('cw install-statusline: nothing changed.', 1);
  try {
    writeSettingsText(file, plan.text, text);
  } catch (error) {
    throw new UserError(`cw install-statusline: ${file} was not changed: ${describeError(error)}`);
  }
  return { file, plan, written: true };
}

async function askConsent(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new UserError('cw install-statusline: this changes Claude Code’s settings.json; run it with --yes to do that without asking, or --dry-run to see the change.', 2);
  }
  const { default: prompts } = await import('prompts');
  const answer = (await prompts({ type: 'confirm', name: 'ok', message: question, initial: true })) as { ok?: boolean };
  return answer.ok === true;
}

function describeResult(result: InstallStatuslineResult, dryRun: boolean): string {
  const { plan, file } = result;
  if (plan.action === 'none' || plan.action === 'refuse') return `${plan.message}\n`;
  const lines = [
    `${dryRun ? 'Would change' : 'Changed'} "statusLine" in ${file}:`,
    `  before: ${describeSetting(plan.before)}`,
    `  after:  ${describeSetting(plan.after)}`,
  ];
  if (result.written) lines.push('New Claude Code sessions show it.');
  return `${lines.join('\n')}\n`;
}

function describeSetting(setting: StatusLineSetting | null): string {
  return setting === null ? '(none)' : JSON.stringify(setting);
}
