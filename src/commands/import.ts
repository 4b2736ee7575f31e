import { formatJson, versioned } from '../core/json-output.js';
import { printableLines } from '../core/text-escape.js';
import { loadConfig } from '../shared/config.js';
import type { ImportProgress, ImportSummary } from '../history/import.js';
import { refreshHistory } from '../history/refresh.js';
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

/** The options `cw import` takes, for its parser and for shell completion. */
export const OPTIONS = { json: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' } } as const satisfies CommandOptions;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('import', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(
      'Usage: cw import [--json] [--quiet]\n\n' +
        'Reads Claude Code transcripts (~/.claude/projects and ~/.config/claude/projects, or each\n' +
        'CLAUDE_CONFIG_DIR in a comma-separated list) into the database: only what is new since the\n' +
        'last import, each message once. What is imported stays after Claude deletes its files.\n',
    );
    return 0;
  }
  const progress = process.stderr.isTTY && !values.quiet && !values.json ? createProgressBar() : undefined;
  const summary = runImport(process.env, progress && ((p) => progress.update(p.filesDone, p.filesTotal, `files, ${(p.bytesRead / 1e6).toFixed(1)} MB`)));
  progress?.done();
  if (values.json) process.stdout.write(formatJson(versioned(summary)));
  else if (!values.quiet) process.stdout.write(describeSummary(summary));
  return 0;
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
