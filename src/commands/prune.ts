import { formatJson, versioned } from '../core/json-output.js';
import { parseAge } from '../core/age.js';
import { UserError } from '../shared/errors.js';
import { loadConfig } from '../shared/config.js';
import type { Db } from '../store/database.js';
import { Ledger } from '../store/ledger.js';
import { openForReading } from '../store/reader.js';
import { type CommandOptions, parseCommandArgs } from './options/parse.js';

export interface PruneResult {
  cutoff: string;
  sessions: number;
  messages: number;
  rateLimits: number;
}

/**
 * Deletes history older than the cutoff: runs that started before it (with their events), and the
 * ledger's messages and limits from before it. Which transcript files were read, and how far, is
 * kept, so the next import does not bring the pruned messages back.
 */
export function prune(db: Db, cutoff: number): PruneResult {
  return db.transaction(() => {
    const { messages, limits } = new Ledger(db, () => ({ costUsd: 0, known: false })).prune(cutoff);
    const sessions = db.prepare(`DELETE FROM sessions WHERE started_at < ? AND status NOT IN ('ACTIVE', 'RATE_LIMITED')`).run(cutoff).changes;
    return { cutoff: new Date(cutoff).toISOString(), sessions, messages, rateLimits: limits };
  }).immediate();
}

/** The options `cw prune` takes, for its parser and for shell completion. */
export const OPTIONS = { 'older-than': { type: 'string' }, json: { type: 'boolean' }, vacuum: { type: 'boolean' } } as const satisfies CommandOptions;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('prune', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(
      'Usage: cw prune [--older-than AGE] [--vacuum] [--json]\n\n' +
        'Deletes history older than AGE (365d, 12w, 6m, 1y); the default is "retention" in config.json,\n' +
        'else 365d. --vacuum gives the freed space back to the disk.\n',
    );
    return 0;
  }
  const { db, paths } = openForReading();
  try {
    const configured = loadConfig(paths.configFile).config.retention;
    let ageText = values['older-than'] ?? (typeof configured === 'string' ? configured : '365d');
    if (values['older-than'] === undefined && parseAge(ageText) === null) {
      // A broken setting falls back to the default, as every setting does; only a typed option is an error.
      process.stderr.write(`config.json: retention ${JSON.stringify(configured)} is not an age; using 365d.\n`);
      ageText = '365d';
    }
    const age = parseAge(ageText);
    if (age === null) throw new UserError(`cw prune: "${ageText}" is not an age; use a number and d, w, m or y, e.g. 365d.`, 2);
    const result = prune(db, Date.now() - age);
    if (values.vacuum) db.exec('VACUUM');
    process.stdout.write(
      values.json
        ? formatJson(versioned(result))
        : `Deleted history before ${result.cutoff}: ${result.sessions} sessions, ${result.messages} messages, ${result.rateLimits} limit events.\n`,
    );
    return 0;
  } finally {
    db.close();
  }
}
