import type { CompletionEntry } from '../commands/completion.js';

/** Every `cw` command, loaded only when it runs so one command never pays for another. */
export interface CommandModule {
  run(argv: string[]): Promise<number>;
  /** Its options as the parser takes them: shell completion offers them. */
  OPTIONS?: CompletionEntry['options'];
  /** What its first argument may be (`cw report daily`). */
  ARGUMENTS?: readonly string[];
}

export interface CommandEntry {
  summary: string;
  load(): Promise<CommandModule>;
  /** It owns the screen, serves another program, or is the analysis itself: no daily note follows it. */
  quiet?: true;
}

export const COMMANDS: Record<string, CommandEntry> = {
  status: { summary: 'live sessions on this machine and the current one', load: () => import('../commands/status.js') },
  watch: { summary: 'a full-screen live view: sessions, limits with countdowns, the 5-hour block, recent usage', load: () => import('../commands/watch.js'), quiet: true },
  dashboard: { summary: 'a local web dashboard: the live view, history charts, sessions and their events (127.0.0.1, token)', load: () => import('../commands/dashboard.js') },
  sessions: { summary: 'recorded sessions, newest first', load: () => import('../commands/sessions.js') },
  import: { summary: 'read Claude Code transcripts into the history, only what is new', load: () => import('../commands/import.js'), quiet: true },
  report: { summary: 'usage and cost by day, week, month, session, project or model', load: () => import('../commands/report.js') },
  blocks: { summary: 'Claude’s 5-hour usage blocks: the open one’s burn rate and projection, weekly totals', load: () => import('../commands/blocks.js') },
  export: { summary: 'write the history to files: a report, every session, per-session analytics', load: () => import('../commands/export.js') },
  prune: { summary: 'delete history older than an age (default: "retention" in config, else 365d)', load: () => import('../commands/prune.js') },
  events: { summary: 'a session’s events: prompts, answers, limits, errors, commits', load: () => import('../commands/events.js') },
  analyze: { summary: 'what the last 30 days show, with evidence, and settings to change (with consent; --undo)', load: () => import('../commands/analyze.js'), quiet: true },
  alerts: { summary: 'alerts on cost, the 5-hour block, limits and failed sessions: list, check, ack, clear', load: () => import('../commands/alerts.js') },
  serve: { summary: 'serve /metrics on 127.0.0.1 for Prometheus: cost, tokens, sessions, limits, the block', load: () => import('../commands/serve.js') },
  otlp: { summary: 'send metrics and session events over OTLP (off by default): status, push', load: () => import('../commands/otlp.js') },
  config: { summary: 'show and change settings (config.json), checked against their schema', load: () => import('../commands/config.js'), quiet: true },
  prices: { summary: 'the prices sessions are costed at, with config.json overrides', load: () => import('../commands/prices.js') },
  which: { summary: 'print the real claude binary the shim runs', load: () => import('../commands/which.js') },
  doctor: { summary: 'explain which claude runs, through what, and what is wrong', load: () => import('../commands/doctor.js') },
  statusline: { summary: 'one line for Claude Code’s statusline: model, cost, 5-hour use, limit countdown', load: () => import('../commands/statusline.js'), quiet: true },
  'install-statusline': { summary: 'make cw statusline Claude Code’s statusline, keeping yours (--remove restores it)', load: () => import('../commands/install-statusline.js'), quiet: true },
  'install-shim': { summary: 'put the claude shim ahead of the real claude on PATH', load: () => import('../commands/install-shim.js') },
  'uninstall-shim': { summary: 'remove the claude shim', load: () => import('../commands/uninstall-shim.js') },
  completion: { summary: 'a completion script for bash, zsh or fish', load: () => import('../commands/completion.js'), quiet: true },
};

/**
 * `cw complete -- WORDS`, asked by the shell on each Tab: command names come from this table; the
 * options and arguments of the one command being typed from its module, so only that one loads.
 */
export async function completeCommandLine(words: string[]): Promise<void> {
  const typed = words.slice(0, -1).find((word) => !word.startsWith('-'));
  const entries: CompletionEntry[] = [];
  for (const [name, entry] of Object.entries(COMMANDS)) {
    if (name !== typed) {
      entries.push({ name, summary: entry.summary });
      continue;
    }
    const module = await entry.load();
    entries.push({ name, summary: entry.summary, options: module.OPTIONS ?? {}, ...(module.ARGUMENTS ? { arguments: module.ARGUMENTS } : {}) });
  }
  const { completeWords } = await import('../commands/completion.js');
  completeWords(words, entries);
}

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`);
  return `Usage: cw <command> [options]

ClaudeWatch: what Claude Code does and costs.

Commands:
${lines.join('\n')}

Options for every command:
  --color, --no-color  colour even through a pipe, or none (else FORCE_COLOR, NO_COLOR, the terminal)
  --debug              log this run at debug level and say where the log is
  -v, --version        print the version

Run \`cw help <command>\` (or \`cw <command> --help\`) for a command's options, and
\`cw completion --help\` for completion in your shell. Run Claude through \`cw-run\` or the shim.
`;
}
