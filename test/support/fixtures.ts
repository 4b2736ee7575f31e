/**
 * The files under test/fixtures: captures of the real Claude Code CLI and our own files that
 * follow the structure of public ones (test/fixtures/SOURCES.md says which is which). Tests read
 * fixtures only through here, so every one of them lives in the repository.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** A path under test/fixtures; one that climbs out of it is refused. */
export function fixturePath(...parts: string[]): string {
  const file = join(FIXTURES, ...parts);
  const inside = relative(FIXTURES, file);
  if (inside.startsWith('..') || isAbsolute(inside)) throw new Error(`${parts.join('/')} is not under test/fixtures`);
  return file;
}

export const readFixture = (...parts: string[]): string => readFileSync(fixturePath(...parts), 'utf8');

/** A fixture's JSON lines, blank lines skipped. */
export function readJsonLines(...parts: string[]): Array<Record<string, unknown>> {
  return readFixture(...parts)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The names of a fixture folder's files ending in one of `extensions`, sorted. */
export function fixtureNames(folder: string, extensions: readonly string[] = ['.jsonl']): string[] {
  return readdirSync(fixturePath(folder))
    .filter((name) => extensions.some((extension) => name.endsWith(extension)))
    .sort();
}
