import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { formatJson, versioned } from '../core/json-output.js';
import { readMachineExport } from '../core/machine-export.js';
import { printableLines } from '../core/text-escape.js';
import { loadConfig } from '../shared/config.js';
import type { ImportProgress, ImportSummary } from '../history/import.js';
import { refreshHistory } from '../history/refresh.js';
import { UserError } from '../shared/errors.js';
import { importMachineMessages } from '../store/machine-history.js';
import { openForReading } from '../store/reader.js';
import { createProgressBar } from '../ui/progress-bar.js';
import { type CommandOptions, parseCommandArgs } from './options/parse.js';

export function runImport(env = process.env, onProgress?: (progress: ImportProgress) => void): ImportSummary {
  const { db, paths } = openForReading(env);
  try {
    return refreshHistory(db, loadConfig(paths.configFile).config, env, onProgress);
  } finally {
    db.close();
  }
}

export interface MachineImportSummary {
  file: string;
  machine: string;
  messages: number;
  added: number;
  alreadyKnown: number;
}

/** Another machine's `cw export` (FILE.sessions.json) merged into this history: each message once. */
export function importMachineExport(file: string, machine: string | undefined, env = process.env): MachineImportSummary {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new UserError(`cw import: cannot read ${file}: ${reason}.`, 1);
  }
  let parsed: ReturnType<typeof readMachineExport>;
  try {
    parsed = readMachineExport(document, machine === undefined ? {} : { machine });
  } catch (error) {
    throw new UserError(`cw import: ${file} was not imported: ${(error as Error).message}. Nothing was changed.`, 1);
  }
  const { db } = openForReading(env);
  try {
    const { added, known } = importMachineMessages(db, parsed.messages, hostname());
    return { file, machine: parsed.machine, messages: parsed.messages.length, added, alreadyKnown: known };
  } finally {
    db.close();
  }
}

/** The options `cw import` takes, for its parser and for shell completion. */
export const OPTIONS = {
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  from: { type: 'string' },
  machine: { type: 'string' },
} as const satisfies CommandOptions;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('import', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(
      'Usage: cw import [--json] [--quiet]\n' +
        '       cw import --from FILE.sessions.json [--machine NAME] [--json] [--quiet]\n\n' +
        'Reads Claude Code transcripts (~/.claude/projects and ~/.config/claude/projects, or each\n' +
        'CLAUDE_CONFIG_DIR in a comma-separated list) into the database: only what is new since the\n' +
        'last import, each message once. What is imported stays after Claude deletes its files.\n\n' +
        'With --from, merges another machine\'s cw export (its FILE.sessions.json) into this history\n' +
        'instead: each message once however often it is imported, labelled with the machine the file\n' +
        'names (or NAME). cw report machine then shows each machine\'s share.\n',
    );
    return 0;
  }
  if (values.machine !== undefined && values.from === undefined) throw new UserError('cw import: --machine names the machine of a file given with --from.', 2);
  if (values.from !== undefined) {
    const summary = importMachineExport(resolve(values.from), values.machine);
    if (values.json) process.stdout.write(formatJson(versioned(summary)));
    else if (!values.quiet) process.stdout.write(describeMachineImport(summary));
    return 0;
  }
  const progress = process.stderr.isTTY && !values.quiet && !values.json ? createProgressBar() : undefined;
  const summary = runImport(process.env, progress && ((p) => progress.update(p.filesDone, p.filesTotal, `files, ${(p.bytesRead / 1e6).toFixed(1)} MB`)));
  progress?.done();
  if (values.json) process.stdout.write(formatJson(versioned(summary)));
  else if (!values.quiet) process.stdout.write(describeSummary(summary));
  return 0;
}

function describeMachineImport(summary: MachineImportSummary): string {
  const known = summary.alreadyKnown > 0 ? ` ${summary.alreadyKnown} were already in this history.` : '';
  return `${printableLines(`Imported ${summary.added} of ${summary.messages} messages from ${summary.machine} (${summary.file}).${known}`)}\n`;
}

function describeSummary(summary: ImportSummary): string {
  const megabytes = (summary.bytesRead / 1e6).toFixed(1);
  const lines = [
    `Imported ${summary.filesRead} of ${summary.files} transcript files with news (${megabytes} MB, ${summary.lines} lines, ${summary.messages} messages) in ${(summary.durationMs / 1000).toFixed(1)} s.`,
  ];
  if (summary.files === 0) lines.push(`No transcripts under ${summary.roots.join(', ')}.`);
  if (summary.rejectedLines > 0) {
    lines.push(`${summary.rejectedLines} line(s) could not be read and were skipped, for example:`, ...summary.rejections.map((reason) => `  ${reason}`));
  }
  return `${printableLines(lines.join('\n'))}\n`;
}
