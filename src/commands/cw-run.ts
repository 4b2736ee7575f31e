import { inspectClaudeArgs, resumeClaudeArgs } from '../core/claude-args.js';
import { preferredTimeZone } from '../core/calendar.js';
import { MAX_RESUMES, planResume, resumeSettingsOf } from '../core/limit-resume.js';
import type { SessionState } from '../core/session-state.js';
import { exitWithCode, type ExitStatus } from '../runner/exit-code.js';
import { waitForReset } from '../runner/limit-wait.js';
import { runSession, type RunRequest } from '../runner/launch.js';
import { loadConfig } from '../shared/config.js';
import { createFileLogger } from '../shared/log.js';
import { resolvePaths } from '../shared/paths.js';
import { parseRunArgs, RUN_USAGE } from './options/run-args.js';

/** `cw-run [our options] [--] <claude arguments>`: a session with our options, Claude's exit code. */
export async function run(argv: string[]): Promise<ExitStatus> {
  const args = parseRunArgs(argv);
  if (args.help) {
    process.stdout.write(RUN_USAGE);
    return exitWithCode(0);
  }
  if (args.debug) process.env.CLAUDEWATCH_DEBUG = '1';
  const { config } = loadConfig(resolvePaths().configFile);
  const resume = resumeSettingsOf(config, args.resumeAfterLimit, args.resumePrompt);
  const request: RunRequest = {
    claudeArgs: args.claudeArgs,
    sessionType: args.sessionType,
    projectPath: args.projectPath,
    stateFile: args.stateFile,
    isolation: args.isolation,
    verbose: args.verbose,
    resumeAfterLimit: resume,
  };
  let ended = await runAndKeep(request);
  // A run that ends in a limit continues after the reset, only when the user asked for it.
  const print = inspectClaudeArgs(args.claudeArgs).print;
  for (let resumes = 0; resume.enabled && print && resumes < MAX_RESUMES; resumes++) {
    const decision = planResume(ended.state, Date.now(), Math.random());
    if (decision.resume === null) break;
    const waited = await waitForReset(decision.resume, { now: Date.now, timeZone: preferredTimeZone(config.timezone, process.env.TZ) });
    if (!waited) break;
    ended = await runAndKeep({ ...request, claudeArgs: resumeClaudeArgs(args.claudeArgs, decision.resume.claudeSessionId, resume.prompt) });
  }
  const { status } = ended;
  if (args.debug) {
    // Named only once it holds the session's end: a log that could not be written is said so.
    const file = resolvePaths().logFile;
    const logged = createFileLogger(file, { level: 'debug' }).debug(`cw-run: claude ended (${status.signal ?? `exit ${status.code}`})`);
    process.stderr.write(logged ? `cw-run: debug log in ${file}\n` : `cw-run: the debug log could not be written to ${file}\n`);
  }
  return status;
}

async function runAndKeep(request: RunRequest): Promise<{ status: ExitStatus; state: SessionState | null }> {
  let state: SessionState | null = null;
  const status = await runSession({ ...request, onEnd: (final) => (state = final) });
  return { status, state };
}
