/**
 * A fresh clone has nothing beside it: no test, benchmark, example or script may read a file
 * outside the repository. See test/support/outside-reads.ts for how paths are worked out.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixturePath } from '../support/fixtures.js';
import { findOutsideReads, type OutsideRead } from '../support/outside-reads.js';
import { REPO_ROOT } from '../support/sandbox.js';

const describeRead = (read: OutsideRead): string => `${read.file}:${read.line}: ${read.text} leads to ${read.resolved}`;

it('no test, benchmark, example or package script reads outside the repository', () => {
  expect(findOutsideReads(REPO_ROOT).map(describeRead)).toEqual([]);
});

describe('findOutsideReads', () => {
  let dir: string;
  let repo: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cw-outside-'));
    repo = join(dir, 'repo');
    // A place beside the clone, as some machines have one.
    mkdirSync(join(dir, 'shared', 'fixtures'), { recursive: true });
    writeFileSync(join(dir, 'shared', 'fixtures', 'data.json'), '{}');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (file: string, text: string): void => {
    mkdirSync(dirname(join(repo, file)), { recursive: true });
    writeFileSync(join(repo, file), text);
  };
  const found = (): string[] => findOutsideReads(repo).map((read) => `${read.file}:${read.line} ${read.resolved.replace(dir, '<dir>')}`);

  it('finds every way a path climbs out, naming the file and line', () => {
    write(
      'test/support/places.ts',
      ["import { dirname, resolve } from 'node:path';", "import { fileURLToPath } from 'node:url';", "export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');", ''].join('\n'),
    );
    write(
      'test/unit/reads.test.ts',
      [
        "import { readFileSync } from 'node:fs';",
        "import path from 'node:path';",
        "import { ROOT } from '../support/places.js';",
        "const url = new URL('../../../shared/fixtures/', import.meta.url);",
        'const named = (name: string) => new URL(`../../../shared/fixtures/${name}`, import.meta.url);',
        "readFileSync(path.join(ROOT, '..', 'shared', 'fixtures', 'data.json'));",
        "readFileSync('../shared/fixtures/data.json');",
        `readFileSync('${join(dir, 'shared', 'fixtures', 'data.json')}');`,
        '',
      ].join('\n'),
    );
    write('bench/corpus.mjs', "import { join } from 'node:path';\nconst corpus = join(import.meta.dirname, '..', '..', 'shared');\n");
    write('examples/copy.sh', '#!/bin/sh\n# reads the shared folder\ncp ../../shared/fixtures/data.json .\n');
    write('package.json', JSON.stringify({ scripts: { build: 'tsc', seed: 'cp ../shared/fixtures/data.json test/' } }, null, 2));
    expect(found()).toEqual([
      'test/unit/reads.test.ts:4 <dir>/shared/fixtures',
      'test/unit/reads.test.ts:5 <dir>/shared/fixtures',
      'test/unit/reads.test.ts:6 <dir>/shared/fixtures/data.json',
      'test/unit/reads.test.ts:7 <dir>/shared/fixtures/data.json',
      'test/unit/reads.test.ts:8 <dir>/shared/fixtures/data.json',
      'bench/corpus.mjs:2 <dir>/shared',
      'examples/copy.sh:3 <dir>/shared/fixtures/data.json',
      'package.json:4 <dir>/shared/fixtures/data.json',
    ]);
  });

  it('lets paths inside the repository, system paths, temp dirs and places that exist nowhere be', () => {
    write(
      'test/unit/fine.test.ts',
      [
        "import { readFileSync } from 'node:fs';",
        "import { tmpdir } from 'node:os';",
        "import { join, resolve } from 'node:path';",
        "import { something } from '../support/elsewhere.js';",
        "const root = resolve(import.meta.dirname, '..', '..');",
        "readFileSync(join(root, 'test', 'fixtures', 'a.json'));",
        "readFileSync(new URL('../fixtures/b.json', import.meta.url));",
        "readFileSync(join(tmpdir(), 'x'));",
        "readFileSync('/etc/hostname');",
        "const project = { cwd: '/home/someone/projects/app' };",
        "const names = ['a', 'b'].join('/');",
        '',
      ].join('\n'),
    );
    write('package.json', JSON.stringify({ scripts: { test: 'vitest run test/unit', bench: 'node bench/run.mjs' } }));
    expect(found()).toEqual([]);
  });
});

describe('fixturePath', () => {
  it('refuses a path that leaves test/fixtures', () => {
    expect(fixturePath('transcripts', 'summary-only.jsonl')).toBe(join(REPO_ROOT, 'test', 'fixtures', 'transcripts', 'summary-only.jsonl'));
    expect(() => fixturePath('..', '..', '..', 'shared', 'fixtures')).toThrow('../../../shared/fixtures is not under test/fixtures');
  });
});
