/**
 * The command Claude Code runs for the hooks a wrapped session adds (`cw-hook.js <inbox file>`).
 * It keeps the metadata of Claude's hook input (event, session id, transcript path, errors),
 * never the prompt, and appends it as one line to the session's inbox, which the runner follows.
 *
 * It must never change what Claude does: it prints nothing (a hook's output can reach the
 * model), always exits 0 (exit code 2 would block the prompt) and loads nothing but node:fs,
 * because Claude waits for it.
 */
import { appendFileSync, readFileSync } from 'node:fs';

/** Fields copied as they are when they hold a string, number or boolean. */
const KEPT_FIELDS = [
  'hook_event_name',
  'session_id',
  'transcript_path',
  'cwd',
  'source',
  'reason',
  'permission_mode',
  'stop_hook_active',
  'agent_id',
];
/** Error texts are short and carry the limit and its reset; longer ones are cut. */
const MAX_ERROR_CHARS = 500;

function project(input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { at: Date.now() };
  for (const field of KEPT_FIELDS) {
    const value = input[field];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[field] = value;
  }
  const model = input.model;
  if (typeof model === 'string') out.model = model;
  else if (model !== null && typeof model === 'object' && typeof (model as { id?: unknown }).id === 'string') out.model = (model as { id: string }).id;
  for (const [field, value] of Object.entries(input)) {
    if (/error/i.test(field) && typeof value === 'string') out[field] = value.slice(0, MAX_ERROR_CHARS);
  }
  if (typeof input.prompt === 'string') out.prompt_chars = input.prompt.length;
  return out;
}

function main(): void {
  const inbox = process.argv[2];
  if (!inbox) return;
  let input: unknown;
  try {
    input = JSON.parse(readFileSync(0, 'utf8'));
  } catch {
    return;
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return;
  // One short append per event: lines from concurrent hooks do not interleave.
  appendFileSync(inbox, `${JSON.stringify(project(input as Record<string, unknown>))}\n`, { mode: 0o600 });
}

try {
  main();
} catch {
  // Nothing of ours may reach Claude; the runner falls back to finding the transcript itself.
}
process.exitCode = 0;
