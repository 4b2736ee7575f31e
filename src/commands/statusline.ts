import { fstatSync, readFileSync, writeSync } from 'node:fs';
import { isNewLimitReading } from '../core/statusline-delivery.js';
import { statuslineView } from '../core/statusline-view.js';
import { EMPTY_STATUSLINE_INPUT, readStatuslineInput, type StatuslineInput } from '../ingest/statusline-input.js';
import { resolvePaths, type Paths } from '../shared/paths.js';
import { findStatuslineSessions, isRunning } from '../store/statusline-session.js';
import type { StateDocument } from '../store/state-files.js';
import { formatStatusline, minimalStatusline } from '../ui/statusline-line.js';

/**
 * `cw statusline`: the command Claude runs for its statusline (also `cw-statusline`, which loads
 * only this). Claude runs it on every refresh and waits for it, so it reads our state files, never
 * the database or transcripts, and loads the rest only when it has to. It never fails: whatever
 * goes wrong, it prints a line and exits 0.
 */
type Env = Record<string, string | undefined>;

export interface StatuslineOptions {
  /** The user's own statusline command, run with the same input; its first line follows ours. */
  then: string | null;
  help: boolean;
}

export interface StatuslineResult {
  line: string;
  /** Whether Claude's limit readings were passed on to a running session. */
  delivered: boolean;
}

const USAGE = `Usage: cw statusline [--then COMMAND]

Claude Code's statusline command: reads Claude's statusline JSON on stdin and prints one line:
the model, this session's cost, each limit window's use and, while a limit is in force, when it
resets; and which other sessions wait for you. Passes Claude's limit readings to the running ClaudeWatch session. With --then, runs
COMMAND with the same input and shows its first line after ours. Install with
\`cw install-statusline\`.
`;

export async function run(argv: string[]): Promise<number> {
  const options = parseStatuslineArgs(argv);
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const raw = readStdin();
  const result = await renderStatusline({ raw, env: process.env, now: Date.now(), then: options.then });
  writeLine(`${result.line}\n`);
  return 0;
}

/** Lenient on purpose: an unknown option must not blank Claude's statusline. */
export function parseStatuslineArgs(argv: readonly string[]): StatuslineOptions {
  let then: string | null = null;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--then') then = argv[++i] ?? null;
    else if (arg.startsWith('--then=')) then = arg.slice('--then='.length);
    else if (arg === '--help' || arg === '-h') help = true;
  }
  return { then: then !== null && then.trim() !== '' ? then : null, help };
}

export async function renderStatusline(options: { raw: string; env: Env; now: number; then: string | null }): Promise<StatuslineResult> {
  const { raw, env, now } = options;
  let input: StatuslineInput = EMPTY_STATUSLINE_INPUT;
  let line: string;
  let delivered = false;
  try {
    input = readStatuslineInput(raw);
    const paths = resolvePaths(env);
    const { own, current, waiting } = findStatuslineSessions(paths, input.claudeSessionId, env.CLAUDEWATCH_PARENT_SESSION || null);
    if (own !== null) delivered = await passOnLimits(paths, own, input, now);
    const view = statuslineView(input, own?.data ?? null, current?.data ?? null, now, waiting.map((document) => document.data));
    line = formatStatusline(view, now, { color: env.NO_COLOR === undefined || env.NO_COLOR === '' });
  } catch {
    line = minimalStatusline(input.modelName);
  }
  if (options.then !== null) {
    const theirs = await runPrevious(options.then, raw, env);
    if (theirs !== '') line = `${line} │ ${theirs}`;
  }
  return { line, delivered };
}

async function passOnLimits(paths: Paths, own: StateDocument, input: StatuslineInput, now: number): Promise<boolean> {
  if (!isRunning(own) || input.rateLimits === null) return false;
  try {
    // A few lines over the window table the line itself is drawn with, so it is bundled with it.
    if (!isNewLimitReading(input.windows, own.data)) return false;
    // Loaded only here: most refreshes have no new reading for a running session of ours.
    const { appendToInbox, inboxFileFor, statuslineInboxLine } = await import('../runner/statusline-inbox.js');
    return appendToInbox(inboxFileFor(paths.stateDir, own.data.id), statuslineInboxLine(input.claudeSessionId, input.rateLimits, now));
  } catch {
    return false;
  }
}

async function runPrevious(command: string, raw: string, env: Env): Promise<string> {
  try {
    const { runStatuslineCommand } = await import('../runner/statusline-command.js');
    return runStatuslineCommand(command, raw, env);
  } catch {
    return '';
  }
}

/** Straight to fd 1: creating process.stdout for a pipe loads the net and stream modules, a few ms Claude waits for. */
function writeLine(text: string): void {
  try {
    writeSync(1, text);
  } catch {
    process.stdout.write(text);
  }
}

/** All of stdin, or nothing when it is a terminal (someone ran us by hand) or unreadable. */
function readStdin(): string {
  try {
    const stat = fstatSync(0);
    if (!stat.isFIFO() && !stat.isFile() && !stat.isSocket()) return '';
    return readFileSync(0, 'utf8');
  } catch {
    return '';
  }
}
