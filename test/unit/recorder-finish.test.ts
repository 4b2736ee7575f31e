/** What the recorder does once Claude has exited, on a real SQLite file. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { SessionContext } from '../../src/core/session-state.js';
import { silentLogger } from '../../src/shared/log.js';
import { resolvePaths, type Paths } from '../../src/shared/paths.js';
import type { Db } from '../../src/store/database.js';
import { Recorder } from '../../src/store/recorder.js';

const T0 = Date.parse('2026-11-30T10:00:00Z');
const context: SessionContext = {
  id: 'run-1', mode: 'print', sessionType: null, projectPath: null, cwd: '/w', argv: ['-p', 'hi'], pid: 4242, startedAt: T0,
  account: null, identifyMethod: 'stream', isolation: 'complete',
};

let dir: string;
let paths: Paths;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cw-recorder-'));
  paths = resolvePaths({ CLAUDEWATCH_HOME: dir, HOME: dir });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const clock = { now: () => T0 + 1000 };
const exited = { kind: 'child-exited', source: 'runner', exitCode: 0, signal: null, at: T0 + 1000 } as const;

it('hands its connection to the work after the session once its end is written, then closes it; never a database that failed', () => {
  let seen: { status: unknown; open: boolean } | null = null;
  let handed: Db | null = null;
  const recorder = new Recorder(context, {
    paths,
    logger: silentLogger,
    clock,
    onFinish: (db) => {
      handed = db;
      seen = { status: db.prepare('SELECT status FROM sessions WHERE id = ?').pluck().get('run-1'), open: db.open };
    },
  });
  recorder.start();
  recorder.finish(exited);
  expect(seen).toEqual({ status: 'COMPLETED', open: true });
  expect(handed!.open).toBe(false);

  // A directory where the database file should be: it cannot be opened, and nothing is handed over.
  const broken = resolvePaths({ CLAUDEWATCH_HOME: join(dir, 'broken'), HOME: dir });
  mkdirSync(broken.databaseFile, { recursive: true });
  let called = false;
  const failing = new Recorder(context, { paths: broken, logger: silentLogger, clock, onFinish: () => (called = true) });
  failing.start();
  failing.finish(exited);
  expect(failing.databaseUsable).toBe(false);
  expect(called).toBe(false);
});
