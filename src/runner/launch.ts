import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { isatty } from 'node:tty';
import { inspectClaudeArgs, type ClaudeArgsInfo } from '../core/claude-args.js';
import { printable, printableLines } from '../core/text-escape.js';
import type { Isolation } from '../core/isolation.js';
import type { ResumeSettings } from '../core/limit-resume.js';
import type { RunMode, SessionState } from '../core/session-state.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { configuredRealClaude, loadConfig, type LoadedConfig } from '../shared/config.js';
import { describeError, UserError } from '../shared/errors.js';
import { createFileLogger, type Logger } from '../shared/log.js';
import { resolvePaths, type Paths } from '../shared/paths.js';
import { childEnvironment, plainEnvironment, shouldPassThrough } from './child-env.js';
import { exitStatusOf, exitWithCode, type ChildExit, type ExitStatus } from './exit-code.js';
import { ClaudeNotFoundError, findRealClaude, ShimLoopError } from './find-claude.js';
import { startInheritRelay } from './inherit-relay.js';
import { OutputTap } from './output-tap.js';
import type { Relay, RelayRequest } from './relay.js';
import { createTerminalGuard, type TerminalGuard } from './terminal.js';
import { prepareWatch, type WatchSetup } from './watch-setup.js';

/**
 * Starting Claude: everything a watched session must know before Claude runs (our settings, the
 * real binary, how its transcript will be found, which arguments that adds), and the spawn. It
 * loads nothing else: the recorder, the database and the observers (run-session.ts) load while
 * Claude starts. The shim's entry is this file bundled on its own.
 */

export interface RunRequest {
  claudeArgs: string[];
  sessionType?: string | null;
  projectPath?: string | null;
  /** current_session.json's path for this run. */
  stateFile?: string | null;
  verbose?: boolean;
  env?: Record<string, string | undefined>;
  /** Directories holding our shim, never taken for the real claude. */
  shimDirs?: string[];
  /** What the session shares with the account's other sessions; else CLAUDEWATCH_ISOLATION, config, the default. */
  isolation?: Isolation | null;
  /** Continue after a usage limit (cw-run --resume-after-limit); else config resumeAfterLimit. */
  resumeAfterLimit?: ResumeSettings | null;
  clock?: Clock;
  /** Told how the session ended (null when it was not recorded), before the exit code is returned. */
  onEnd?: (state: SessionState | null) => void;
}

/** What a watched session knows the moment Claude has started. */
export interface LaunchedSession {
  request: RunRequest;
  env: Record<string, string | undefined>;
  paths: Paths;
  logger: Logger;
  realClaude: string;
  cwd: string;
  info: ClaudeArgsInfo;
  /** How to run Claude as typed, without us. */
  plain: RelayRequest;
  config: LoadedConfig['config'];
  clock: Clock;
  mode: RunMode;
  sessionId: string;
  /** How the transcript is found; null when planning it failed (Claude then got its own arguments). */
  setup: WatchSetup | null;
  relay: Relay;
  terminal: TerminalGuard;
  /** Claude's output for our observers, kept from the first byte until they attach. */
  output: OutputTap;
  startedAt: number;
  /** The signal last passed on to Claude, if any. */
  forwardedSignal(): NodeJS.Signals | null;
  stopForwardingSignals(): void;
  stopCrashGuard(): void;
}

export type Launch = { kind: 'ended'; status: ExitStatus } | { kind: 'watched'; session: LaunchedSession };

const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

/**
 * Runs the real claude with every byte passed through, records the session, and resolves to how
 * claude itself ended: its exit code, or the signal that killed it.
 */
export async function runSession(request: RunRequest): Promise<ExitStatus> {
  const launch = await launchClaude(request);
  return launch.kind === 'ended' ? launch.status : watchLaunched(launch.session);
}

/**
 * Starts Claude. Runs that are not watched (a pass-through, `--version`, a subcommand, a claude
 * that cannot be found) end here, as Claude ended.
 */
export async function launchClaude(request: RunRequest): Promise<Launch> {
  const env = request.env ?? process.env;
  const paths = resolvePaths(env);
  const logger = createFileLogger(paths.logFile, { level: env.CLAUDEWATCH_DEBUG ? 'debug' : 'info', env });
  const { config, problem: configProblem } = loadConfig(paths.configFile);
  if (configProblem) logger.warn(configProblem);

  let realClaude: string;
  try {
    realClaude = findRealClaude({ env, configuredPath: configuredRealClaude(config), shimDirs: request.shimDirs ?? [] }).path;
  } catch (error) {
    if (error instanceof ClaudeNotFoundError || error instanceof ShimLoopError) {
      process.stderr.write(`${printableLines(error.message)}\n`);
      return ended(exitWithCode(127));
    }
    throw error;
  }

  const cwd = resolveWorkingDirectory(request.projectPath ?? null);
  const info = inspectClaudeArgs(request.claudeArgs);
  const plain: RelayRequest = { file: realClaude, args: request.claudeArgs, cwd, env: plainEnvironment(env) };
  if (shouldPassThrough(env) || info.infoOnly || info.subcommand !== null) return ended(await runPlain(plain));

  const progress = { started: false };
  try {
    return await startWatched({ request, env, paths, logger, realClaude, cwd, info, plain, config }, progress);
  } catch (error) {
    // Our bug before Claude started: run Claude plainly. After it started, never run it twice.
    if (progress.started) throw error;
    logger.error('could not prepare the watched session; running claude unwatched', error);
    return ended(await runPlain(plain));
  }
}

/**
 * The rest of a watched session, loaded now that Claude runs. If it cannot load, Claude still runs
 * to its end through the relay, unobserved, and how it ended is returned.
 */
export async function watchLaunched(session: LaunchedSession): Promise<ExitStatus> {
  let watchSession: (session: LaunchedSession) => Promise<ExitStatus>;
  try {
    ({ watchSession } = await import('./run-session.js'));
  } catch (error) {
    return finishUnwatched(session, 'the session recorder could not load; claude runs unwatched', error);
  }
  try {
    return await watchSession(session);
  } catch (error) {
    // A bug of ours after Claude started: Claude's own end and exit code still stand; never run it twice.
    return finishUnwatched(session, 'the watched session failed; claude runs on unwatched', error);
  }
}

type Prepared = Pick<LaunchedSession, 'request' | 'env' | 'paths' | 'logger' | 'realClaude' | 'cwd' | 'info' | 'plain' | 'config'>;

async function startWatched(prepared: Prepared, progress: { started: boolean }): Promise<Launch> {
  const { request, env, logger, realClaude, info, plain } = prepared;
  const clock = request.clock ?? systemClock;
  const mode: RunMode = info.print ? 'print' : isatty(0) && isatty(1) ? 'interactive' : 'pipe';
  const sessionId = randomUUID();
  const setup = planSessionWatch(prepared, sessionId);
  const relayRequest: RelayRequest = { ...plain, args: setup?.plan.args ?? plain.args, env: childEnvironment(env, sessionId, realClaude) };
  const output = new OutputTap();

  let relay: Relay;
  const terminal = createTerminalGuard();
  try {
    relay = await startRelay(mode, relayRequest, output, terminal, logger);
    progress.started = true;
  } catch (error) {
    progress.started = true;
    return ended(await failToStart(error, plain, logger));
  }
  // From the moment Claude runs, a bug of ours is logged, never the end of our process (and Claude's pipes).
  const claudeRunning = { value: true };
  void relay.exited.finally(() => (claudeRunning.value = false)).catch(() => {});
  const stopCrashGuard = guardAgainstCrashes(logger, terminal, mode, () => claudeRunning.value);
  let forwarded: NodeJS.Signals | null = null;
  const stopForwardingSignals = forwardSignals(relay, mode, (signal) => (forwarded = signal));
  return {
    kind: 'watched',
    session: {
      ...prepared,
      clock,
      mode,
      sessionId,
      setup,
      relay,
      terminal,
      output,
      startedAt: clock.now(),
      forwardedSignal: () => forwarded,
      stopForwardingSignals,
      stopCrashGuard,
    },
  };
}

/**
 * Decides how the session finds its transcript and what that adds to Claude's arguments. Print
 * runs with JSON output name it themselves; their transcript is read once they end. A failure
 * here costs only the watching, never the run.
 */
function planSessionWatch(prepared: Prepared, sessionId: string): WatchSetup | null {
  const { info, logger } = prepared;
  try {
    const setup = prepareWatch({
      args: prepared.plain.args,
      info,
      env: prepared.env,
      cwd: prepared.cwd,
      config: prepared.config,
      realClaude: prepared.realClaude,
      paths: prepared.paths,
      sessionId,
    });
    logger.debug(`claude ${setup.claude.version ?? 'version unknown'} (${setup.claude.source}); transcript by ${setup.plan.method}: ${setup.plan.reason}`);
    return setup;
  } catch (error) {
    logger.error('could not plan how to find the transcript; claude runs with its own arguments', error);
    return null;
  }
}

function resolveWorkingDirectory(projectPath: string | null): string {
  if (projectPath === null) return process.cwd();
  const dir = resolve(projectPath);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UserError(`--project-path ${dir} is not a directory.`, 2);
  }
  return dir;
}

async function startRelay(mode: RunMode, request: RelayRequest, output: OutputTap, terminal: TerminalGuard, logger: Logger): Promise<Relay> {
  // An observer that throws is switched off for the rest of the session; the relay goes on.
  let observing = true;
  const observe = (chunk: Buffer, stream: 'stdout' | 'stderr'): void => {
    if (!observing) return;
    try {
      output.observe(chunk, stream);
    } catch (error) {
      observing = false;
      output.close();
      logger.error('output observer failed; observing stopped for this session', error);
    }
  };
  switch (mode) {
    case 'interactive':
      try {
        const { startPtyRelay } = await import('./pty-relay.js');
        return await startPtyRelay({ ...request, observe, terminal, logger });
      } catch (error) {
        // node-pty missing or broken: Claude still runs, on the terminal itself.
        logger.error('pseudo-terminal unavailable; running claude directly', error);
        terminal.restore();
        return startInheritRelay(request);
      }
    case 'print': {
      const { startPipeRelay } = await import('./pipe-relay.js');
      return startPipeRelay({ ...request, observe });
    }
    case 'pipe':
      return startInheritRelay(request);
  }
}

async function runPlain(request: RelayRequest): Promise<ExitStatus> {
  const relay = startInheritRelay(request);
  const stop = forwardSignals(relay, 'pipe');
  try {
    return exitStatusOf(await relay.exited);
  } catch (error) {
    return exitWithCode(reportSpawnFailure(error, request.file));
  } finally {
    stop();
  }
}

async function failToStart(error: unknown, plain: RelayRequest, logger: Logger): Promise<ExitStatus> {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'EACCES') return exitWithCode(reportSpawnFailure(error, plain.file));
  logger.error('could not start the watched session; running claude unwatched', error);
  return runPlain(plain);
}

function reportSpawnFailure(error: unknown, file: string): number {
  const code = (error as NodeJS.ErrnoException).code;
  process.stderr.write(`claudewatch: ${printable(`cannot run ${file}: ${describeError(error)}`)}\n`);
  return code === 'EACCES' ? 126 : 127;
}

/** Claude runs on without us: its end is waited for and passed on. */
async function finishUnwatched(session: LaunchedSession, what: string, error: unknown): Promise<ExitStatus> {
  session.logger.error(what, error);
  session.output.close();
  let exit: ChildExit;
  try {
    exit = await session.relay.exited;
  } finally {
    session.stopForwardingSignals();
    session.stopCrashGuard();
  }
  process.stderr.write(`claudewatch: ${session.logger.errorCount} internal error(s); see ${session.logger.file ?? 'the log'}\n`);
  return exitStatusOf(exit);
}

function ended(status: ExitStatus): Launch {
  return { kind: 'ended', status };
}

/**
 * In print and pipe modes Claude shares our terminal's process group, so Ctrl+C already reached
 * it: forwarding would deliver it twice. Signals sent to us alone are passed on.
 */
function forwardSignals(relay: Relay, mode: RunMode, onForward?: (signal: NodeJS.Signals) => void): () => void {
  const sharesTerminal = mode !== 'interactive' && isatty(0);
  const handlers = FORWARDED_SIGNALS.map((signal) => {
    const handler = (): void => {
      if (sharesTerminal && (signal === 'SIGINT' || signal === 'SIGQUIT')) return;
      onForward?.(signal);
      relay.forwardSignal(signal);
    };
    process.on(signal, handler);
    return () => process.off(signal, handler);
  });
  return () => handlers.forEach((remove) => remove());
}

/**
 * A bug of ours must not take Claude down with it: it is logged and the relay continues. The
 * terminal is still restored if the process does go down.
 */
function guardAgainstCrashes(logger: Logger, terminal: TerminalGuard, mode: RunMode, claudeRunning: () => boolean): () => void {
  const onUncaught = (error: unknown): void => void logger.error('unexpected error in claudewatch (claude keeps running)', error);
  // Going down while Claude still draws: the modes it switched on stay on unless we switch them off.
  const onExit = (): void => {
    if (mode === 'interactive') terminal.restore({ afterCrash: claudeRunning() });
  };
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  process.on('exit', onExit);
  return () => {
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
    process.off('exit', onExit);
  };
}
