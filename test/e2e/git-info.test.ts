/** A session's branch and commits, from a real repository made with the real git. */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitsSince, gitBranchAt, refsMovedSince } from '../../src/runner/git-info.js';

let dir: string;
let repo: string;
beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'cw-git-')));
  repo = join(dir, 'repo');
  mkdirSync(repo);
  git(repo, ['init', '-q', '-b', 'main']);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const SINCE = Date.parse('2026-11-22T09:00:00Z');

/** git with a fixed identity, none of the user's configuration and, for commits, a given time. */
function git(cwd: string, args: string[], atMs?: number): string {
  const date = atMs === undefined ? {} : { GIT_AUTHOR_DATE: `@${atMs / 1000} +0000`, GIT_COMMITTER_DATE: `@${atMs / 1000} +0000` };
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'A',
    GIT_AUTHOR_EMAIL: 'a@example.com',
    GIT_COMMITTER_NAME: 'A',
    GIT_COMMITTER_EMAIL: 'a@example.com',
    ...date,
  };
  return execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();
}

function commit(subject: string, atMs: number): string {
  git(repo, ['commit', '-q', '--allow-empty', '-m', subject], atMs);
  return git(repo, ['rev-parse', 'HEAD']);
}

describe('gitBranchAt', () => {
  it('names the branch from the repository root and from below it, even before the first commit', () => {
    expect(gitBranchAt(repo)).toBe('main');
    commit('first', SINCE);
    git(repo, ['checkout', '-q', '-b', 'feature/x']);
    mkdirSync(join(repo, 'src', 'deep'), { recursive: true });
    expect(gitBranchAt(join(repo, 'src', 'deep'))).toBe('feature/x');
  });

  it('reports a detached HEAD by its short hash', () => {
    const hash = commit('first', SINCE);
    git(repo, ['checkout', '-q', '--detach', 'HEAD']);
    expect(gitBranchAt(repo)).toBe(`detached@${hash.slice(0, 7)}`);
  });

  it('follows a worktree’s .git file to its own HEAD', () => {
    commit('first', SINCE);
    const worktree = join(dir, 'wt');
    git(repo, ['worktree', 'add', '-q', '-b', 'side', worktree]);
    expect(gitBranchAt(worktree)).toBe('side');
    expect(gitBranchAt(repo)).toBe('main');
  });

  it('follows a relative gitdir, as submodules have', () => {
    const module = join(dir, 'module');
    mkdirSync(module);
    writeFileSync(join(module, '.git'), 'gitdir: ../repo/.git\n');
    expect(gitBranchAt(module)).toBe('main');
  });

  it('is null outside a repository', () => {
    const outside = join(dir, 'outside');
    mkdirSync(outside);
    expect(gitBranchAt(outside)).toBeNull();
  });
});

describe('commitsSince', () => {
  it('lists the commits made since then, newest first', async () => {
    commit('before the session', SINCE - 60_000);
    const first = commit('fix the parser', SINCE + 5 * 60_000);
    git(repo, ['checkout', '-q', '-b', 'feature']);
    const second = commit('add tests', SINCE + 20 * 60_000);
    git(repo, ['checkout', '-q', 'main']);

    expect(await commitsSince(repo, SINCE)).toEqual([
      { hash: second, subject: 'add tests', at: SINCE + 20 * 60_000 },
      { hash: first, subject: 'fix the parser', at: SINCE + 5 * 60_000 },
    ]);
    expect(await commitsSince(repo, SINCE, { limit: 1 })).toEqual([{ hash: second, subject: 'add tests', at: SINCE + 20 * 60_000 }]);
  });

  it('is empty outside a repository, in one without commits, and when there are none since', async () => {
    const outside = join(dir, 'outside');
    mkdirSync(outside);
    expect(await commitsSince(outside, SINCE)).toEqual([]);
    expect(await commitsSince(repo, SINCE)).toEqual([]);
    commit('old', SINCE - 1000);
    expect(await commitsSince(repo, SINCE)).toEqual([]);
  });

  describe('with another git on PATH', () => {
    const path = process.env.PATH;
    afterEach(() => {
      process.env.PATH = path;
    });

    it('gives up on a git that hangs, and on no git at all', async () => {
      commit('work', SINCE + 1000);
      const bin = join(dir, 'bin');
      mkdirSync(bin);
      writeFileSync(join(bin, 'git'), '#!/bin/sh\nexec /bin/sleep 30\n');
      chmodSync(join(bin, 'git'), 0o755);
      process.env.PATH = bin;
      const started = Date.now();
      expect(await commitsSince(repo, SINCE, { timeoutMs: 200 })).toEqual([]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
      expect(Date.now() - started).toBeLessThan(2000);

      process.env.PATH = join(dir, 'nothing-here');
      expect(await commitsSince(repo, SINCE)).toEqual([]);
    });
  });
});

describe('refsMovedSince', () => {
  /** Every file under the repository's git directory, dated an hour before `at`. */
  function ageRefs(gitDir: string, at: number): void {
    const walk = (path: string): void => {
      utimesSync(path, new Date(at - 3_600_000), new Date(at - 3_600_000));
      if (statSync(path).isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
    };
    walk(gitDir);
  }

  it('is false while no branch or HEAD moved, and true after a commit, a new branch or a checkout', () => {
    commit('first', SINCE);
    git(repo, ['branch', 'other']);
    const start = Date.now();
    ageRefs(join(repo, '.git'), start);
    expect(refsMovedSince(repo, start)).toBe(false);

    commit('during the session', SINCE);
    expect(refsMovedSince(repo, start)).toBe(true);

    ageRefs(join(repo, '.git'), start);
    git(repo, ['branch', 'feature/new']);
    expect(refsMovedSince(repo, start)).toBe(true);

    ageRefs(join(repo, '.git'), start);
    git(repo, ['checkout', '-q', '--detach', 'HEAD']);
    expect(refsMovedSince(repo, start)).toBe(true);
  });

  it('sees a commit made in a worktree, whose branches live in the main repository', () => {
    commit('first', SINCE);
    const worktree = join(dir, 'wt');
    git(repo, ['worktree', 'add', '-q', '-b', 'side', worktree]);
    const start = Date.now();
    ageRefs(join(repo, '.git'), start);
    expect(refsMovedSince(worktree, start)).toBe(false);
    git(worktree, ['commit', '-q', '--allow-empty', '-m', 'in the worktree'], SINCE);
    expect(refsMovedSince(worktree, start)).toBe(true);
  });

  it('says yes when it cannot tell: outside a repository', () => {
    const outside = join(dir, 'outside');
    mkdirSync(outside);
    expect(refsMovedSince(outside, Date.now())).toBe(true);
  });
});
