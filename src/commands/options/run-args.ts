import { ISOLATION_LEVELS, parseIsolation, type Isolation } from '../../core/isolation.js';
import { UserError } from '../../shared/errors.js';

export interface RunArgs {
  sessionType: string | null;
  projectPath: string | null;
  stateFile: string | null;
  isolation: Isolation | null;
  verbose: boolean;
  /** Our log at debug level (CLAUDEWATCH_DEBUG), and its place printed after Claude exits. */
  debug: boolean;
  help: boolean;
  /** Continue the Claude session after a limit resets (also config resumeAfterLimit.enabled). */
  resumeAfterLimit: boolean;
  /** The prompt that continues it; else config resumeAfterLimit.prompt, else "continue". */
  resumePrompt: string | null;
  claudeArgs: string[];
}

const VALUE_OPTIONS = {
  '--session-type': 'sessionType',
  '--project-path': 'projectPath',
  '--state-file': 'stateFile',
  '--isolation': 'isolation',
  '--resume-prompt': 'resumePrompt',
} as const;

/**
 * `cw-run [our options] [--] <claude arguments>`. Ours come first and stop at `--` or at the first
 * argument that is not ours, so Claude's arguments always reach Claude. `--verbose` is Claude's
 * flag too: it is taken as ours only when a `--` follows (or spelled `--cw-verbose`).
 */
export function parseRunArgs(argv: readonly string[]): RunArgs {
  const result: RunArgs = { sessionType: null, projectPath: null, stateFile: null, isolation: null, verbose: false, debug: false, help: false, resumeAfterLimit: false, resumePrompt: null, claudeArgs: [] };
  const separator = argv.indexOf('--');
  if (argv.length === 1 && argv[0] === '--help') return { ...result, help: true };
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      i++;
      break;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq !== -1 ? arg.slice(0, eq) : arg;
    if (name in VALUE_OPTIONS) {
      const key = VALUE_OPTIONS[name as keyof typeof VALUE_OPTIONS];
      const value = eq !== -1 && name !== arg ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') throw new UserError(`cw-run: ${name} needs a value.`, 2);
      if (key === 'isolation') {
        result.isolation = parseIsolation(value);
        if (result.isolation === null) throw new UserError(`cw-run: --isolation must be one of ${ISOLATION_LEVELS.join(', ')}; got "${value}".`, 2);
      } else {
        result[key] = value;
      }
      continue;
    }
    if (arg === '--resume-after-limit') {
      result.resumeAfterLimit = true;
      continue;
    }
    if (arg === '--no-coordination') {
      result.isolation = 'complete';
      continue;
    }
    if (arg === '--cw-verbose' || (arg === '--verbose' && separator > i)) {
      result.verbose = true;
      continue;
    }
    // Claude has --debug too: ours only before a "--", or spelled --cw-debug.
    if (arg === '--cw-debug' || (arg === '--debug' && separator > i)) {
      result.debug = true;
      continue;
    }
    if (arg === '--cw-help') {
      result.help = true;
      continue;
    }
    break;
  }
  result.claudeArgs = argv.slice(i);
  return result;
}

export const RUN_USAGE = `Usage: cw-run [options] [--] [claude arguments...]

Runs the real claude with everything passed through, and records the session.

Options (before Claude's arguments):
  --session-type <name>   label the session (e.g. debugging, review)
  --project-path <dir>    run Claude in <dir> and record it as the project
  --state-file <path>     where to write current_session.json for this run
  --isolation <level>     what this session shares with the account's other sessions:
                          complete (nothing), shared-learning (limits; the default),
                          unified (limits, and its state file lists the others)
  --no-coordination       the same as --isolation complete
  --resume-after-limit    when a print run (-p) ends in a usage limit, wait for the reset (a
                          countdown; Ctrl+C cancels) and continue the same Claude session
                          with --resume; in an interactive session, type the prompt into
                          Claude's screen after the reset (not where Claude continues by
                          itself, or once you typed). Also config resumeAfterLimit.enabled.
  --resume-prompt <text>  what to say when continuing (default "continue", or config
                          resumeAfterLimit.prompt)
  --verbose               print a summary of the session after Claude exits
                          (only before "--"; otherwise --verbose is Claude's)
  --debug                 log at debug level and say where the log is after Claude exits
                          (only before "--", or --cw-debug; otherwise --debug is Claude's)
  --cw-help               this help (cw-run -- --help shows Claude's)

Examples:
  cw-run --session-type debugging --project-path ~/src/app -- -p "why does the build fail?"
  cw-run ask "what changed?"        # passes: ask "what changed?" to claude
`;
