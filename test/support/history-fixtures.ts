/** Transcript fixtures placed where Claude writes them, and `cw` commands read as JSON: what the history tests share. */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { fixturePath } from './fixtures.js';
import { runCw, type Sandbox } from './sandbox.js';

/** Transcript fixtures whose totals report.test.ts works out by hand. */
export const HAND_CHECKED = ['v1.0.17-interrupted-tool-use.jsonl', 'v2.1.143-three-turns.jsonl', 'v2.1.156-model-switch.jsonl'];

/** Each fixture in a project folder of its own under the sandbox's ~/.claude/projects. */
export function placeFixtures(sandbox: Sandbox, names: readonly string[]): void {
  for (const [index, name] of names.entries()) {
    const folder = join(sandbox.home, '.claude', 'projects', `-work-project-${index}`);
    mkdirSync(folder, { recursive: true });
    copyFileSync(fixturePath('transcripts', name), join(folder, name));
  }
}

/** `cw ARGS` that must succeed, its stdout parsed as JSON. */
export async function cwJson(sandbox: Sandbox, args: string[], env: Record<string, string> = {}): Promise<any> {
  const result = await runCw(sandbox, args, env);
  expect(result.code, result.stderr.toString()).toBe(0);
  return JSON.parse(result.stdout.toString());
}
