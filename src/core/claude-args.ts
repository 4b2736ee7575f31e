/**
 * What we need to know about a claude command line without owning its grammar: whether it is
 * print mode, the output format, whether it is a management subcommand, and a copy that is safe
 * to store (no prompt text). Unknown options are left alone.
 */

/** Options of Claude Code that take a value, so that value is not mistaken for the prompt. */
const OPTIONS_WITH_VALUE = new Set([
  '--output-format',
  '--input-format',
  '--model',
  '--fallback-model',
  '--settings',
  '--setting-sources',
  '--add-dir',
  '--allowedTools',
  '--allowed-tools',
  '--disallowedTools',
  '--disallowed-tools',
  '--tools',
  '--mcp-config',
  '--permission-mode',
  '--permission-prompt-tool',
  '--session-id',
  '--system-prompt',
  '--system-prompt-file',
  '--append-system-prompt',
  '--append-system-prompt-file',
  '--max-turns',
  '--max-budget-usd',
  '--agents',
  '--agent',
  '--plugin-dir',
  '--betas',
  '--json-schema',
  '--resume',
  '-r',
]);

/** Options whose value is free text a user typed: stored as a placeholder. */
const TEXT_OPTIONS = new Set(['--system-prompt', '--append-system-prompt', '--json-schema', '--agents']);

/** Options whose value may be inline JSON holding secrets (`env`, `apiKeyHelper`): a file path is kept, JSON is not. */
const JSON_OPTIONS = new Set(['--settings', '--mcp-config']);

/** Subcommands that manage Claude rather than run a conversation: passed through, not recorded. */
const MANAGEMENT_SUBCOMMANDS = new Set([
  'mcp',
  'config',
  'update',
  'upgrade',
  'doctor',
  'install',
  'migrate-installer',
  'setup-token',
  'plugin',
  'plugins',
  'auth',
  'login',
  'logout',
]);

/** Flags that only print something about the binary; the shim sends them straight through. */
export const INFO_FLAGS = new Set(['--version', '-v', '--help', '-h']);

export type OutputFormat = 'text' | 'json' | 'stream-json';

export interface ClaudeArgsInfo {
  print: boolean;
  outputFormat: OutputFormat;
  inputFormat: 'text' | 'stream-json';
  /** A management subcommand (`claude mcp list`): nothing to record. */
  subcommand: string | null;
  /** `--version`, `--help` and friends: nothing to record. */
  infoOnly: boolean;
  /** Values given to `--settings`, so settings we add can be merged with them. */
  settingsArgs: string[];
  /** `--resume`, `--continue` or `--session-id`: Claude's session id is not ours to choose. */
  resumes: boolean;
  sessionIdGiven: boolean;
  /** `--bare` (2.1.x) skips hooks from settings. */
  bare: boolean;
}

export function inspectClaudeArgs(args: readonly string[]): ClaudeArgsInfo {
  let print = false;
  let outputFormat: OutputFormat = 'text';
  let inputFormat: 'text' | 'stream-json' = 'text';
  let subcommand: string | null = null;
  let infoOnly = false;
  let sawPositional = false;
  const settingsArgs: string[] = [];
  let resumes = false;
  let sessionIdGiven = false;
  let bare = false;

  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') break;
    const [name, inlineValue] = splitInline(arg);
    if (name === '-p' || name === '--print') {
      print = true;
      continue;
    }
    if (name === '-c' || name === '--continue') {
      resumes = true;
      continue;
    }
    if (name === '--bare') {
      bare = true;
      continue;
    }
    if (isShortCluster(arg)) {
      if (arg.includes('p')) print = true;
      if (arg.includes('c')) resumes = true;
      continue;
    }
    if (INFO_FLAGS.has(name)) {
      infoOnly = true;
      continue;
    }
    if (OPTIONS_WITH_VALUE.has(name)) {
      const value = inlineValue ?? args[i + 1];
      if (inlineValue === undefined) i++;
      if (name === '--resume' || name === '-r') resumes = true;
      if (name === '--session-id') sessionIdGiven = true;
      if (value === undefined) continue;
      if (name === '--output-format' && isOutputFormat(value)) outputFormat = value;
      if (name === '--input-format' && (value === 'text' || value === 'stream-json')) inputFormat = value;
      if (name === '--settings') settingsArgs.push(value);
      continue;
    }
    if (!arg.startsWith('-') && !sawPositional) {
      sawPositional = true;
      if (MANAGEMENT_SUBCOMMANDS.has(arg)) subcommand = arg;
    }
  }
  return { print, outputFormat, inputFormat, subcommand, infoOnly, settingsArgs, resumes, sessionIdGiven, bare };
}

/**
 * The same command line continuing Claude session `claudeSessionId` with `prompt`: every option
 * kept but those that choose a session (`--resume`, `--continue`, `--session-id`), the prompt
 * replaced. Words after `--` are the prompt too.
 */
export function resumeClaudeArgs(args: readonly string[], claudeSessionId: string, prompt: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') break;
    const [name, inlineValue] = splitInline(arg);
    if (name === '-c' || name === '--continue') continue;
    if (isShortCluster(arg)) {
      const kept = arg.replace(/c/g, '');
      if (kept !== '-') out.push(kept);
      continue;
    }
    if (OPTIONS_WITH_VALUE.has(name)) {
      const value = inlineValue === undefined ? args[++i] : undefined;
      if (name === '--resume' || name === '-r' || name === '--session-id') continue;
      out.push(arg, ...(value === undefined ? [] : [value]));
      continue;
    }
    // The old prompt; a management subcommand never reaches here (nothing to resume).
    if (!arg.startsWith('-')) continue;
    out.push(arg);
  }
  return [...out, '--resume', claudeSessionId, prompt];
}

/**
 * The argv we store: option names and plain values kept, prompt text and free-text option
 * values replaced by a placeholder that gives only their length.
 */
export function redactClaudeArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  let afterDoubleDash = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (afterDoubleDash) {
      out.push(placeholder('prompt', arg));
      continue;
    }
    if (arg === '--') {
      afterDoubleDash = true;
      out.push(arg);
      continue;
    }
    const [name, inlineValue] = splitInline(arg);
    if (OPTIONS_WITH_VALUE.has(name)) {
      const hidden = (value: string): string =>
        TEXT_OPTIONS.has(name) ? placeholder('text', value) : JSON_OPTIONS.has(name) && value.trimStart().startsWith('{') ? placeholder('json', value) : value;
      if (inlineValue !== undefined) {
        out.push(`${name}=${hidden(inlineValue)}`);
      } else {
        out.push(arg);
        const value = args[i + 1];
        if (value !== undefined) {
          out.push(hidden(value));
          i++;
        }
      }
      continue;
    }
    if (arg.startsWith('-') || MANAGEMENT_SUBCOMMANDS.has(arg)) {
      out.push(arg);
      continue;
    }
    out.push(placeholder('prompt', arg));
  }
  return out;
}

function placeholder(kind: string, value: string): string {
  return `<${kind}:${value.length} chars>`;
}

function splitInline(arg: string): [string, string | undefined] {
  if (!arg.startsWith('--')) return [arg, undefined];
  const eq = arg.indexOf('=');
  return eq === -1 ? [arg, undefined] : [arg.slice(0, eq), arg.slice(eq + 1)];
}

/** `-pc`: short boolean flags written together. */
function isShortCluster(arg: string): boolean {
  return /^-[a-zA-Z]{2,}$/.test(arg) && /^-[pcdv]+$/.test(arg);
}

function isOutputFormat(value: string): value is OutputFormat {
  return value === 'text' || value === 'json' || value === 'stream-json';
}
