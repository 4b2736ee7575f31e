import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { claudeProjectsDir, PROJECT_FOLDER_PREFIX_CHARS, projectFolderName } from '../shared/claude-paths.js';

type Env = Record<string, string | undefined>;

/** The folders where Claude writes this project's transcripts, and the sizes of those already there. */
export interface ProjectSnapshot {
  folders: string[];
  sizes: Map<string, number>;
}

/**
 * Taken before Claude starts: a transcript already there is a resumed one, read from where it
 * stood; one that appears later is new. Taken after, a fast Claude's new transcript would pass
 * for an old one and its first lines would be skipped.
 */
export function snapshotProject(env: Env, cwd: string): ProjectSnapshot {
  const folders = projectFolders(env, cwd);
  return { folders, sizes: snapshotTranscripts(folders) };
}

/** The folder Claude uses for this directory, under its real and its given path, and cut variants of long names. */
function projectFolders(env: Env, cwd: string): string[] {
  const projects = claudeProjectsDir(env);
  let real = cwd;
  try {
    real = realpathSync(cwd);
  } catch {
    // The given path is all we have.
  }
  const names = [...new Set([projectFolderName(real), projectFolderName(cwd)])];
  const folders = names.map((name) => join(projects, name));
  const long = names.filter((name) => name.length > PROJECT_FOLDER_PREFIX_CHARS);
  if (long.length > 0) {
    for (const entry of readdirQuietly(projects)) {
      if (long.some((name) => entry !== name && entry.startsWith(name.slice(0, PROJECT_FOLDER_PREFIX_CHARS)))) folders.push(join(projects, entry));
    }
  }
  return folders;
}

function snapshotTranscripts(folders: readonly string[]): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const folder of folders) {
    for (const name of listTranscripts(folder)) {
      const stat = statQuietly(join(folder, name));
      if (stat) sizes.set(join(folder, name), stat.size);
    }
  }
  return sizes;
}

export function listTranscripts(folder: string): string[] {
  return readdirQuietly(folder).filter((name) => name.endsWith('.jsonl'));
}

export function readdirQuietly(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export function statQuietly(file: string): { size: number; mtimeMs: number } | null {
  try {
    return statSync(file);
  } catch {
    return null;
  }
}
