import { formatJson, versioned } from '../core/json-output.js';
import { join } from 'node:path';
import type { Suggestion } from '../core/analysis.js';
import { readSetting } from '../core/config-schema.js';
import { loadConfig } from '../shared/config.js';
import { UserError } from '../shared/errors.js';
import { resolvePaths, type Paths } from '../shared/paths.js';
import { applySettingChanges, undoLastBatch, type SettingChange } from '../store/config-changes.js';
import { collectAnalysis } from '../history/analysis.js';
import { renderAnalysis } from '../ui/analysis-render.js';
import { createPainter } from '../ui/format.js';
import { HISTORY_OPTIONS, parseHistoryScope } from './options/history-options.js';
import { type CommandOptions, parseCommandArgs, parsePositiveInt } from './options/parse.js';

const USAGE = `Usage: cw analyze [--days N] [--yes | --dry-run] [--undo] [--json]

Reads the last 30 days (config "analysis.days") and prints what they show, with the evidence:
limits hit and when, how well the plan fits, the model mix and what routine work would cost on a
cheaper model, the cache hit rate, peak hours, and an efficiency score per day and session.
Findings that map to a setting come with a suggested change, applied only with your consent.

Options:
  --days N       how many days to read
  --yes          apply every suggestion without asking (for scripts)
  --dry-run      show the suggestions and change nothing
  --undo         put back what the last applied suggestions changed
  --json         the analysis as JSON (changes nothing)
  --timezone, --project, --skip-import   as for cw report
`;

const DEFAULT_DAYS = 30;

export function changeLogOf(paths: Paths): string {
  return join(paths.dataDir, 'analysis-changes.jsonl');
}

/** The options `cw analyze` takes, for its parser and for shell completion. */
export const OPTIONS = {
    ...HISTORY_OPTIONS,
    days: { type: 'string' },
    yes: { type: 'boolean', short: 'y' },
    'dry-run': { type: 'boolean' },
    undo: { type: 'boolean' },
    json: { type: 'boolean' },
  } as const satisfies CommandOptions;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('analyze', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.yes && values['dry-run']) throw new UserError('cw analyze: --yes and --dry-run disagree; use one.', 2);
  const env = process.env;
  const paths = resolvePaths(env);
  const now = Date.now();
  if (values.undo) return undo(paths, now);

  const config = loadConfig(paths.configFile).config;
  const configuredDays = readSetting(config, 'analysis.days');
  const days = parsePositiveInt('analyze', 'days', values.days, typeof configuredDays === 'number' ? configuredDays : DEFAULT_DAYS);
  const scope = parseHistoryScope('analyze', values, { now, configuredTimeZone: config.timezone, env });
  const analysis = collectAnalysis({ calendar: scope.calendar, days, now, project: scope.project, skipImport: scope.skipImport, config }, env);
  if (values.json) {
    process.stdout.write(formatJson(versioned(analysis)));
    return 0;
  }
  const paint = createPainter();
  process.stdout.write(renderAnalysis(analysis, paint));
  const suggestions = analysis.findings.flatMap((finding) => (finding.suggestion ? [finding.suggestion] : []));
  if (suggestions.length === 0) return 0;
  if (values['dry-run']) {
    process.stdout.write(`\nDry run: nothing changed. ${suggestions.length} suggestion(s) above; apply with \`cw analyze --yes\`.\n`);
    return 0;
  }
  const accepted = values.yes ? suggestions : await askEach(suggestions);
  if (accepted === null) {
    process.stdout.write(`\nNot a terminal, so nothing was asked or changed. Apply the suggestions with \`cw analyze --yes\`, or one by one with \`cw config set\`.\n`);
    return 0;
  }
  const applied = applySettingChanges(paths.configFile, changeLogOf(paths), accepted.map(({ key, value }) => ({ key, value })), 'cw analyze', now);
  process.stdout.write(applied.length === 0 ? '\nNothing changed.\n' : `\n${describeChanges(applied)}Undo with \`cw analyze --undo\`.\n`);
  return 0;
}

/** One question per suggestion; null when there is no terminal to ask on. */
async function askEach(suggestions: Suggestion[]): Promise<Suggestion[] | null> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) return null;
  const { default: prompts } = await import('prompts');
  const accepted: Suggestion[] = [];
  for (const suggestion of suggestions) {
    let cancelled = false;
    const answer = (await prompts(
      { type: 'confirm', name: 'apply', message: `Set ${suggestion.key} to ${JSON.stringify(suggestion.value)}? (${suggestion.reason})`, initial: false },
      { onCancel: () => (cancelled = true) },
    )) as { apply?: boolean };
    if (cancelled) break;
    if (answer.apply) accepted.push(suggestion);
  }
  return accepted;
}

function undo(paths: Paths, now: number): number {
  const batch = undoLastBatch(paths.configFile, changeLogOf(paths), now);
  if (!batch) {
    process.stdout.write('Nothing to undo: no applied suggestion is left.\n');
    return 0;
  }
  process.stdout.write(`Undid the changes of ${batch.at}:\n${batch.changes.map((change) => `  ${change.key} = ${change.before === null ? '(default)' : JSON.stringify(change.before)}`).join('\n')}\n`);
  return 0;
}

function describeChanges(changes: SettingChange[]): string {
  return `Changed in config.json:\n${changes.map((change) => `  ${change.key}: ${change.before === null ? '(default)' : JSON.stringify(change.before)} -> ${JSON.stringify(change.after)}`).join('\n')}\n`;
}
