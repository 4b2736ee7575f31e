import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** What a session did to its repository: the branch it worked on and the commits it made. */
export interface GitCommit {
  hash: string;
  subject: string;
  /** Committer time, ms. */
  at: number;
}

const DEFAULT_COMMIT_LIMIT = 50;
const DEFAULT_GIT_TIMEOUT_MS = 2000;
const SHORT_HASH_CHARS = 7;
const HASH = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * The branch checked out in `cwd`: 'main', 'detached@<short hash>', or null outside a
 * repository. Read from files rather than by running git, because it is asked when a session
 * starts, where every millisecond is the user's.
 */
export function gitBranchAt(cwd: string): string | null {
  const gitDir = findGitDir(resolve(cwd));
  if (gitDir === null) return null;
  const head = readQuietly(join(gitDir, 'HEAD'))?.trim();
  if (head === undefined) return null;
  const ref = /^ref:\s*(\S+)$/.exec(head)?.[1];
  if (ref !== undefined) return ref.replace(/^refs\/heads\//, '');
  return HASH.test(head) ? `detached@${head.slice(0, SHORT_HASH_CHARS)}` : null;
}

/** More refs than this are not worth checking one by one: running git is then the cheaper way to know. */
const MAX_REF_FILES = 2000;
/** A file system's clock may run a little behind ours. */
const CLOCK_SLACK_MS = 2000;

/**
 * Whether a local branch or HEAD may have moved since `sinceMs`, from the files that hold them:
 * a commit always rewrites one, so when none changed no commit was made and git need not be
 * asked. True when unsure: the refs cannot be read, or are too many to be cheap.
 */
export function refsMovedSince(cwd: string, sinceMs: number): boolean {
  const gitDir = findGitDir(resolve(cwd));
  if (gitDir === null) return true;
  // A worktree keeps its HEAD; branches live in the repository's common directory.
  const common = readQuietly(join(gitDir, 'commondir'))?.trim();
  const commonDir = common ? resolve(gitDir, common) : gitDir;
  const files = [join(gitDir, 'HEAD'), join(commonDir, 'packed-refs')];
  for (const dir of [join(commonDir, 'refs', 'heads'), join(commonDir, 'reftable')]) {
    if (!collectFiles(dir, files)) return true;
  }
  for (const file of files) {
    try {
      const stat = statSync(file, { throwIfNoEntry: false });
      if (stat && stat.mtimeMs >= sinceMs - CLOCK_SLACK_MS) return true;
    } catch {
      return true;
    }
  }
  return false;
}

/** Adds the files under `dir` (none when it does not exist); false when they are too many or unreadable. */
function collectFiles(dir: string, files: string[]): boolean {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!collectFiles(path, files)) return false;
    } else files.push(path);
    if (files.length > MAX_REF_FILES) return false;
  }
  return true;
}

/**
 * The repository's git directory for `start` or a directory above it. A `.git` file instead of
 * a directory names it elsewhere: worktrees keep their own HEAD under the main repository's
 * `.git/worktrees/`, submodules under `.git/modules/`.
 */
function findGitDir(start: string): string | null {
  for (let dir = start; ; dir = dirname(dir)) {
    const dotGit = join(dir, '.git');
    if (isDirectory(dotGit)) return dotGit;
    const pointer = readQuietly(dotGit);
    const target = pointer === undefined ? undefined : /^gitdir:\s*(.+)$/m.exec(pointer)?.[1]?.trim();
    if (target !== undefined) return resolve(dir, target);
    if (dirname(dir) === dir) return null;
  }
}

/**
 * Commits made in `cwd`'s repository since `sinceMs`, newest first: on any local branch or the
 * checked-out HEAD, so work on a branch left before the session ended still counts. git's
 * `--since` compares committer times, which git never sets earlier than author times, so this
 * also finds every commit authored since then. [] when git is missing, `cwd` is not in a
 * repository or git takes longer than `timeoutMs`.
 */
export async function commitsSince(cwd: string, sinceMs: number, options: { limit?: number; timeoutMs?: number } = {}): Promise<GitCommit[]> {
  const args = [
    '-c',
    'log.showSignature=false',
    'log',
    `--since=@${Math.floor(sinceMs / 1000)}`,
    `--max-count=${options.limit ?? DEFAULT_COMMIT_LIMIT}`,
    '-z',
    '--format=%H%x1f%ct%x1f%s',
    'HEAD',
    '--branches',
  ];
  const output = await runGit(cwd, args, options.timeoutMs ?? DEFAULT_GIT_TIMEOUT_MS);
  return output === null ? [] : parseLog(output);
}

function parseLog(output: string): GitCommit[] {
  const commits: GitCommit[] = [];
  for (const record of output.split('\0')) {
    const [hash, seconds, ...subject] = record.replace(/^\n/, '').split('\x1f');
    if (hash === undefined || seconds === undefined || !HASH.test(hash)) continue;
    commits.push({ hash, subject: subject.join('\x1f'), at: Number(seconds) * 1000 });
  }
  return commits;
}

/** git's output, or null when it failed, is missing or ran out of time. */
function runGit(cwd: string, args: string[], timeoutMs: number): Promise<string | null> {
  const env = { ...process.env };
  // Inherited from a git hook, these would point git at that repository instead of cwd's.
  delete env.GIT_DIR;
  delete env.GIT_WORK_TREE;
  return new Promise((resolvePromise) => {
    try {
      execFile('git', args, { cwd, env, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 4 * 1024 * 1024 }, (error, stdout) => {
        resolvePromise(error ? null : stdout);
      });
    } catch {
      resolvePromise(null);
    }
  });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function readQuietly(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
