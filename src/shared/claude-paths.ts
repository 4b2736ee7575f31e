import { homedir } from 'node:os';
import { join } from 'node:path';

type Env = Record<string, string | undefined>;

/** Where Claude Code keeps its settings and transcripts: `CLAUDE_CONFIG_DIR`, else `~/.claude`. */
export function claudeConfigDir(env: Env = process.env): string {
  return env.CLAUDE_CONFIG_DIR || join(env.HOME || homedir(), '.claude');
}

export function claudeProjectsDir(env: Env = process.env): string {
  return join(claudeConfigDir(env), 'projects');
}

/** Claude Code names a project's transcript folder after its directory, every non-alphanumeric character a dash. */
export function projectFolderName(cwd: string): string {
  return cwd.replace(/[^a-zA-Z0-9]/g, '-');
}

/**
 * Very long names are cut by newer versions (and a hash appended), so a folder is also matched by
 * the part of the name that survives.
 */
export const PROJECT_FOLDER_PREFIX_CHARS = 200;
