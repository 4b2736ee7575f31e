import { join } from 'node:path';
import { Calendar, preferredTimeZone } from '../core/calendar.js';
import { readSetting } from '../core/config-schema.js';
import { loadConfig } from '../shared/config.js';
import { resolvePaths } from '../shared/paths.js';
import { takeTurn } from '../shared/turn-stamp.js';

const DAY_MS = 86_400_000;

/**
 * Once a day at most, after a command a person ran in a terminal, a short note of what the last
 * days suggest (`analysis.onStart: false` turns it off). Never after a quiet command (the command
 * table marks them), never for scripts (a pipe or --json), never before the command's own output,
 * and never an error: a failure here is silent.
 */
export async function noteDailyAnalysis(argv: readonly string[], env = process.env, now = Date.now()): Promise<void> {
  try {
    if (argv.includes('--json') || argv.includes('--help') || !process.stdout.isTTY || !process.stderr.isTTY) return;
    const paths = resolvePaths(env);
    const config = loadConfig(paths.configFile).config;
    if (readSetting(config, 'analysis.onStart') === false) return;
    if (!takeTurn(join(paths.stateDir, 'last-analysis'), now, DAY_MS)) return;
    const { collectAnalysis } = await import('../history/analysis.js');
    const configured = readSetting(config, 'analysis.days');
    const days = typeof configured === 'number' ? configured : 30;
    const calendar = new Calendar(preferredTimeZone(config.timezone, env.TZ));
    const analysis = collectAnalysis({ calendar, days, now, project: null, skipImport: false, config }, env);
    const suggestions = analysis.findings.filter((finding) => finding.suggestion);
    const limits = analysis.findings.find((finding) => finding.id === 'limits');
    const parts = [...(limits ? [limits.title.toLowerCase()] : []), ...(suggestions.length > 0 ? [`${suggestions.length} suggested setting(s)`] : [])];
    if (parts.length > 0) process.stderr.write(`cw: your last ${days} days: ${parts.join(', ')}. See \`cw analyze\`.\n`);
  } catch {
    // A note, not a feature: never let it fail the command it follows.
  }
}
