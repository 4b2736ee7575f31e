/** Pruning the per-session state files: live ones stay, ended ones go after a while or beyond the newest 20. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { pruneSessionDocuments, writeStateDocument, type StateDocument } from '../../src/store/state-files.js';

const NOW = Date.parse('2026-11-30T12:00:00Z');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cw-prune-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(id: string, status: StateDocument['status'], agoMs: number, pid: number | null = null): void {
  const at = new Date(NOW - agoMs).toISOString();
  writeStateDocument(join(dir, `${id}.json`), { status, updatedAt: at, data: { id, pid, heartbeatAt: at } } as unknown as StateDocument);
}

it('keeps live sessions, the newest 20 ended ones, and a dead ACTIVE one until recovery has had its time', () => {
  for (let index = 0; index < 25; index++) write(`ended-${String(index).padStart(2, '0')}`, 'COMPLETED', (index + 1) * 1000);
  write('old', 'FAILED', 11 * 60_000);
  write('live', 'ACTIVE', 1000, process.pid);
  write('dead', 'ACTIVE', 60_000, 2 ** 22 + 12345); // no such process
  pruneSessionDocuments(dir, NOW);
  const left = readdirSync(dir).map((name) => name.replace(/\.json$/, '')).sort();
  expect(left).toEqual(['dead', ...Array.from({ length: 20 }, (_, index) => `ended-${String(index).padStart(2, '0')}`), 'live']);
});
