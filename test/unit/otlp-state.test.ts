import { mkdtempSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { otlpStateFile, readOtlpState, recordOtlpPush } from '../../src/export/otlp-state.js';
import { resolvePaths, type Paths } from '../../src/shared/paths.js';

let root: string;
let paths: Paths;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'cw-otlp-state-'));
  paths = resolvePaths({ HOME: root, CLAUDEWATCH_HOME: join(root, 'cw') });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const T = Date.UTC(2026, 10, 30, 12, 0, 0);

it('adds what each failed push dropped and remembers the last error', () => {
  expect(readOtlpState(paths)).toEqual({ pushes: 0, failedPushes: 0, dropped: { metrics: 0, logs: 0 }, lastPush: null, lastError: null });
  recordOtlpPush(paths, { at: T, session: 's1', outcome: { metrics: { items: 9, ok: true, error: null }, logs: { items: 4, ok: true, error: null } } });
  recordOtlpPush(paths, { at: T + 1000, session: 's2', outcome: { metrics: { items: 9, ok: false, error: 'connect ECONNREFUSED' }, logs: { items: 3, ok: false, error: 'connect ECONNREFUSED' } } });
  const state = recordOtlpPush(paths, { at: T + 2000, session: null, outcome: { metrics: { items: 8, ok: false, error: 'no answer within 5000 ms' }, logs: null } });
  expect(state).toMatchObject({ pushes: 3, failedPushes: 2, dropped: { metrics: 17, logs: 3 }, lastError: { at: new Date(T + 2000).toISOString(), message: 'metrics: no answer within 5000 ms' } });
  expect(readOtlpState(paths)).toEqual(state);
});

it('takes over a lock a crashed push left behind', () => {
  mkdirSync(paths.stateDir, { recursive: true });
  writeFileSync(`${otlpStateFile(paths)}.lock`, '');
  const state = recordOtlpPush(paths, { at: Date.now() + 60_000, session: null, outcome: { metrics: { items: 1, ok: false, error: 'x' }, logs: null } });
  expect(state.dropped.metrics).toBe(1);
  expect(existsSync(`${otlpStateFile(paths)}.lock`)).toBe(false);
});
