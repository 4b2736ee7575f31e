import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { resolve } from 'node:path';
import { inspectClaudeArgs, redactClaudeArgs } from '../core/claude-args.js';
import type { Fact } from '../core/facts.js';
import { printable, printableLines } from '../core/text-escape.js';
import { DEFAULT_ISOLATION, ISOLATION_LEVELS, parseIsolation, sharesLimits, type Isolation } from '../core/isolation.js';
import { claudeConfigDir } from '../shared/claude-paths.js';
import type { PriceUsage, RunMode, SessionState } from '../core/session-state.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { configuredRealClaude, loadConfig } from '../shared/config.js';
import { describeError, UserError } from '../shared/errors.js';
import { createFileLogger, type Logger } from '../shared/log.js';
import { resolvePaths } from '../shared/paths.js';
import { redactSecrets, secretsFromEnv } from '../shared/redact.js';
import type { Recorder } from '../store/recorder.js';
import { childEnvironment, plainEnvironment, shouldPassThrough } from './child-env.js';
import { exitStatusOf, exitWithCode, shellExitCode, type ChildExit, type ExitStatus } from './exit-code.js';
import { ClaudeNotFoundError, findRealClaude, ShimLoopError } from './find-claude.js';
import { startInheritRelay } from './inherit-relay.js';
import { PrintObserver } from './print-observer.js';
import type { OutputObserver, Relay, RelayRequest } from './relay.js';
import type { ScreenWatcher, ScreenWatcherOptions } from './screen-watcher.js';
import type { SessionExtras, SessionExtrasOptions } from './session-extras.js';
import type { SessionWatch } from './session-watch.js';
import { createTerminalGuard } from './terminal.js';
import { prepareWatch, type WatchSetup } from './watch-setup.js';

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
  clock?: Clock;
  /** Told how the session ended (null when it was not recorded), before the exit code is returned. */
  onEnd?: (state: SessionState | null) => void;
}

const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

/**
 * Runs the real claude with every byte passed through, records the session, and resolves to how
 * claude itself ended: its exit code, or the signal that killed it.
 */
export async function runSession(request: RunRequest): Promise<ExitStatus> {
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
      return exitWithCode(127);
    }
    throw error;
  }

  const cwd = resolveWorkingDirectory(request.projectPath ?? null);
  const info = inspectClaudeArgs(request.claudeArgs);
  const plain: RelayRequest = { file: realClaude, args: request.claudeArgs, cwd, env: plainEnvironment(env) };
  if (shouldPassThrough(env) || info.infoOnly || info.subcommand !== null) return runPlain(plain);

  const progress = { started: false };
  try {
    return await runWatched(request, { env, paths, logger, realClaude, cwd, info, plain, config }, progress);
  } catch (error) {
    // Our bug before Claude started: run Claude plainly. After it started, never run it twice.
    if (progress.started) throw error;
    logger.error('could not prepare the watched session; running claude unwatched', error);
    return runPlain(plain);
  }
}

interface Prepared {
  env: Record<string, string | undefined>;
  paths: ReturnType<typeof resolvePaths>;
  logger: Logger;
  realClaude: string;
  cwd: string;
  info: ReturnType<typeof inspectClaudeArgs>;
  plain: RelayRequest;
  config: Record<string, unknown>;
}

async function runWatched(request: RunRequest, prepared: Prepared, progress: { started: boolean }): Promise<ExitStatus> {
  const { env, paths, logger, realClaude, cwd, info, plain } = prepared;
  const clock = request.clock ?? systemClock;
  const mode: RunMode = info.print ? 'print' : process.stdin.isTTY && process.stdout.isTTY ? 'interactive' : 'pipe';
  const sessionId = randomUUID();
  const timeZone = env.TZ || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const setup = planSessionWatch(prepared, sessionId, logger);
  const relayRequest: RelayRequest = { ...plain, args: setup?.plan.args ?? plain.args, env: childEnvironment(env, sessionId, realClaude) };

  // Facts reach the recorder through this slot; until it exists (or if it failed) they are dropped.
  let recorder: Recorder | null = null;
  const emit = guardedEmitter(() => recorder, logger);
  const printObserver = mode === 'print' ? new PrintObserver({ outputFormat: info.outputFormat, now: () => clock.now(), timeZone, emit }) : null;
  const screen = mode === 'interactive' ? new ScreenFeed() : null;
  const observe: OutputObserver = guardedObserver((chunk, stream) => {
    printObserver?.push(chunk, stream);
    screen?.write(chunk);
  }, logger);

  let relay: Relay;
  const terminal = createTerminalGuard();
  try {
    relay = await startRelay(mode, relayRequest, observe, terminal, logger);
    progress.started = true;
  } catch (error) {
    progress.started = true;
    return failToStart(error, plain, logger);
  }
  // From the moment Claude runs, a bug of ours is logged, never the end of our process (and Claude's pipes).
  const claudeRunning = { value: true };
  void relay.exited.finally(() => (claudeRunning.value = false)).catch(() => {});
  const stopCrashGuard = guardAgainstCrashes(logger, terminal, mode, () => claudeRunning.value);

  const isolation = chooseIsolation(request.isolation ?? null, env, prepared.config, logger);
  const startedAt = clock.now();
  const sessionWatch = setup ? await startSessionWatch(setup, { ...prepared, startedAt, clock, timeZone, emit, sessionId }) : null;
  if (sessionWatch) emit.onSessionNamed((claudeSessionId) => sessionWatch.identify(claudeSessionId));
  if (screen) await screen.attach({ timeZone, now: () => clock.now(), emit }, logger);
  const extras = await startExtras({ claudePid: relay.pid, mode, cwd, env, config: prepared.config, startedAt, now: () => clock.now(), emit, logger });

  // Loaded only now, so the database driver loads while Claude starts instead of before it.
  const [{ Recorder: RecorderClass }, { settleDeadSessions }] = await Promise.all([import('../store/recorder.js'), import('../history/open.js')]);
  const priceUsage = await loadPricing(prepared.config, logger);
  recorder = createRecorder(
    RecorderClass,
    {
      id: sessionId,
      mode,
      sessionType: request.sessionType ?? null,
      projectPath: request.projectPath ? cwd : null,
      cwd,
      // Options we do not know (`--api-key=...`) keep their values; anything shaped like a secret goes.
      argv: redactClaudeArgs(request.claudeArgs).map((arg) => redactSecrets(arg, secretsFromEnv(env))),
      pid: relay.pid,
      startedAt,
      // An isolated session's limits carry no account, so no other session reads them.
      account: sharesLimits(isolation) ? claudeConfigDir(env) : null,
      identifyMethod: setup?.plan.method ?? null,
      isolation,
    },
    {
      paths,
      logger,
      clock,
      priceUsage,
      ...(extras ? { onStatusChange: extras.onStatusChange, onWaitingChange: extras.onWaitingChange } : {}),
      // Any run of ours settles runs that died without an end (kill -9), so none looks live for long.
      onDatabaseOpen: (db) => settleDeadSessions(db, paths, env, clock.now()),
      ...(request.stateFile ? { currentStateFile: resolve(request.stateFile) } : {}),
    },
  );
  emit.flushTo(recorder);

  let forwarded: NodeJS.Signals | null = null;
  const stopForwarding = forwardSignals(relay, mode, (signal) => (forwarded = signal));
  let exit: ChildExit;
  try {
    exit = await relay.exited;
  } finally {
    stopForwarding();
  }
  const code = shellExitCode(exit);

  let finalState: SessionState | null = null;
  screen?.dispose();
  // The print output first: its last event may be what names the session whose transcript is read next.
  try {
    printObserver?.end(code !== 0);
  } catch (error) {
    logger.error('print observer failed at end of output', error);
  }
  try {
    sessionWatch?.stop();
  } catch (error) {
    logger.error('session watch failed at end of session', error);
  }
  await extras?.end();
  try {
    finalState = recorder?.finish({ kind: 'child-exited', source: 'runner', exitCode: code, signal: exit.signal ?? endedBy(forwarded, code), at: clock.now() }) ?? null;
  } catch (error) {
    logger.error('recorder failed at session end', error);
  }
  // Callbacks of the last transitions, bounded by their time limit.
  await extras?.drain();
  // A database that failed the session (locked past the final wait, say) would fail the check too, after as long again.
  const alert = recorder?.databaseUsable ? await checkAlerts(prepared, clock.now(), logger) : null;
  if (recorder) await startOtlpPush(prepared, sessionId, logger);
  stopCrashGuard();
  reportAfterExit(recorder, logger, finalState, request.verbose === true);
  // An alert is for a person: on their terminal, after Claude's last byte, never in a script's stderr.
  if (alert !== null && process.stderr.isTTY) process.stderr.write(`${alert}\n`);
  request.onEnd?.(finalState);
  return exitStatusOf(exit);
}

async function checkAlerts(prepared: Prepared, now: number, logger: Logger): Promise<string | null> {
  try {
    const { alertsAfterSession } = await import('./session-alerts.js');
    return alertsAfterSession({ paths: prepared.paths, config: prepared.config, now, env: prepared.env });
  } catch (error) {
    logger.error('alert check after the session failed', error);
    return null;
  }
}

async function startOtlpPush(prepared: Prepared, sessionId: string, logger: Logger): Promise<void> {
  try {
    const { startOtlpPush: start } = await import('./otlp-after-session.js');
    start({ config: prepared.config, env: prepared.env, sessionId });
  } catch (error) {
    logger.error('could not start the OTLP push after the session', error);
  }
}

async function startExtras(options: SessionExtrasOptions): Promise<SessionExtras | null> {
  try {
    const { SessionExtras: SessionExtrasClass } = await import('./session-extras.js');
    return new SessionExtrasClass(options);
  } catch (error) {
    options.logger.error('session context, process stats and callbacks unavailable for this session', error);
    return null;
  }
}

/**
 * Decides how the session finds its transcript and what that adds to Claude's arguments. Print
 * runs with JSON output name it themselves; their transcript is read once they end. A failure
 * here costs only the watching, never the run.
 */
function planSessionWatch(prepared: Prepared, sessionId: string, logger: Logger): WatchSetup | null {
  const { info } = prepared;
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

async function startSessionWatch(
  setup: WatchSetup,
  context: Prepared & { startedAt: number; clock: Clock; timeZone: string; emit: (facts: Fact[]) => void; sessionId: string },
): Promise<SessionWatch | null> {
  try {
    const { SessionWatch: SessionWatchClass } = await import('./session-watch.js');
    const { claimedTranscripts } = await import('../store/state-files.js');
    const watch = new SessionWatchClass({
      plan: setup.plan,
      project: setup.project,
      inboxFile: setup.inboxFile,
      cwd: context.cwd,
      env: context.env,
      startedAt: context.startedAt,
      now: () => context.clock.now(),
      timeZone: context.timeZone,
      emit: context.emit,
      logger: context.logger,
      claimedElsewhere: () => claimedTranscripts(context.paths.sessionStateDir, context.sessionId, context.clock.now()),
      resumes: context.info.resumes,
    });
    watch.start();
    return watch;
  } catch (error) {
    context.logger.error('could not follow the transcript; this session records no usage', error);
    return null;
  }
}

function chooseIsolation(requested: Isolation | null, env: Record<string, string | undefined>, config: Record<string, unknown>, logger: Logger): Isolation {
  if (requested !== null) return requested;
  for (const [value, where] of [
    [env.CLAUDEWATCH_ISOLATION, 'CLAUDEWATCH_ISOLATION'],
    [config.isolation, 'config.json "isolation"'],
  ] as const) {
    if (value === undefined) continue;
    const parsed = parseIsolation(value);
    if (parsed !== null) return parsed;
    logger.warn(`${where} must be one of ${ISOLATION_LEVELS.join(', ')}; using ${DEFAULT_ISOLATION}`);
  }
  return DEFAULT_ISOLATION;
}

/** The built-in prices with the user's corrections from config.json; a broken entry is logged and skipped. */
async function loadPricing(config: Record<string, unknown>, logger: Logger): Promise<PriceUsage> {
  const [{ loadPriceTable }, { computeCostUsd }] = await Promise.all([import('../core/price-config.js'), import('../core/pricing.js')]);
  const { table, problems } = loadPriceTable(config);
  for (const problem of problems) logger.warn(problem);
  return (model, usage, options) => computeCostUsd(model, usage, table, options);
}

function resolveWorkingDirectory(projectPath: string | null): string {
  if (projectPath === null) return process.cwd();
  const dir = resolve(projectPath);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UserError(`--project-path ${dir} is not a directory.`, 2);
  }
  return dir;
}

async function startRelay(
  mode: RunMode,
  request: RelayRequest,
  observe: OutputObserver,
  terminal: ReturnType<typeof createTerminalGuard>,
  logger: Logger,
): Promise<Relay> {
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

function createRecorder(
  RecorderClass: typeof Recorder,
  context: ConstructorParameters<typeof Recorder>[0],
  options: ConstructorParameters<typeof Recorder>[1],
): Recorder | null {
  try {
    const recorder = new RecorderClass(context, options);
    recorder.start();
    return recorder;
  } catch (error) {
    options.logger.error('recorder failed to start; this session is not recorded', error);
    return null;
  }
}

/** Early output is kept this far while the emulator loads: Claude's first screen, never a limit. */
const SCREEN_EARLY_BYTES = 256 * 1024;

/**
 * Claude's screen as a headless terminal sees it, for the limit messages only the screen shows.
 * The emulator loads after Claude has started; output from before is replayed into it.
 */
class ScreenFeed {
  private watcher: ScreenWatcher | null = null;
  private early: Buffer[] | null = [];
  private earlyBytes = 0;
  private readonly onResize = (): void => this.watcher?.resize(process.stdout.columns || 80, process.stdout.rows || 24);

  write(chunk: Buffer): void {
    if (this.watcher) return this.watcher.write(chunk);
    if (this.early === null || this.earlyBytes + chunk.length > SCREEN_EARLY_BYTES) return;
    this.early.push(Buffer.from(chunk));
    this.earlyBytes += chunk.length;
  }

  async attach(options: Pick<ScreenWatcherOptions, 'timeZone' | 'now' | 'emit'>, logger: Logger): Promise<void> {
    try {
      const { createScreenWatcher } = await import('./screen-watcher.js');
      const watcher = createScreenWatcher({ ...options, cols: process.stdout.columns || 80, rows: process.stdout.rows || 24 });
      for (const chunk of this.early ?? []) watcher.write(chunk);
      this.early = null;
      this.watcher = watcher;
      process.stdout.on('resize', this.onResize);
    } catch (error) {
      this.early = null;
      logger.error('screen watcher unavailable; limits are read from the transcript and hooks only', error);
    }
  }

  dispose(): void {
    process.stdout.off('resize', this.onResize);
    this.watcher?.dispose();
    this.watcher = null;
    this.early = null;
  }
}

/** An observer that throws is switched off for the rest of the session; the relay goes on. */
function guardedObserver(observe: OutputObserver, logger: Logger): OutputObserver {
  let enabled = true;
  return (chunk, stream) => {
    if (!enabled) return;
    try {
      observe(chunk, stream);
    } catch (error) {
      enabled = false;
      logger.error('output observer failed; observing stopped for this session', error);
    }
  };
}

interface Emitter {
  (facts: Fact[]): void;
  /** The recorder is ready: hand it what arrived while it was loading. */
  flushTo(recorder: Recorder | null): void;
  /** Told each Claude session a print run's JSON events name (at once, of one named already). */
  onSessionNamed(listener: (claudeSessionId: string) => void): void;
}

/** Facts wait in memory until the recorder exists; if recording fails, it stops for the session. */
function guardedEmitter(recorder: () => Recorder | null, logger: Logger): Emitter {
  let enabled = true;
  let waiting: Fact[] | null = [];
  let named: ((claudeSessionId: string) => void) | null = null;
  let lastNamed: string | null = null;
  const deliver = (facts: Fact[]): void => {
    for (const fact of facts) {
      if (fact.kind !== 'session-identified' || fact.source !== 'stream-json' || fact.claudeSessionId === lastNamed) continue;
      lastNamed = fact.claudeSessionId;
      named?.(lastNamed);
    }
    if (!enabled) return;
    const target = recorder();
    if (target === null) {
      waiting?.push(...facts);
      return;
    }
    try {
      target.observe(facts);
    } catch (error) {
      enabled = false;
      logger.error('recording failed; recording stopped for this session', error);
    }
  };
  return Object.assign(deliver, {
    onSessionNamed(listener: (claudeSessionId: string) => void) {
      named = listener;
      if (lastNamed !== null) listener(lastNamed);
    },
    flushTo(target: Recorder | null) {
      const facts = waiting ?? [];
      waiting = null;
      if (target === null) enabled = false;
      else if (facts.length > 0) deliver(facts);
    },
  });
}

/**
 * In print and pipe modes Claude shares our terminal's process group, so Ctrl+C already reached
 * it: forwarding would deliver it twice. Signals sent to us alone are passed on.
 */
function forwardSignals(relay: Relay, mode: RunMode, onForward?: (signal: NodeJS.Signals) => void): () => void {
  const sharesTerminal = mode !== 'interactive' && process.stdin.isTTY === true;
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
 * Claude catches SIGTERM and SIGHUP and exits with 128 + the signal's number: when it does so
 * after we passed that signal on, it was ended by the signal, as a shell would report it.
 */
function endedBy(forwarded: NodeJS.Signals | null, code: number): NodeJS.Signals | null {
  return forwarded !== null && code === 128 + osConstants.signals[forwarded] ? forwarded : null;
}

/**
 * A bug of ours must not take Claude down with it: it is logged and the relay continues. The
 * terminal is still restored if the process does go down.
 */
function guardAgainstCrashes(logger: Logger, terminal: ReturnType<typeof createTerminalGuard>, mode: RunMode, claudeRunning: () => boolean): () => void {
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

function reportAfterExit(recorder: Recorder | null, logger: Logger, state: SessionState | null, verbose: boolean): void {
  if (verbose && state) process.stderr.write(printableLines(formatVerboseSummary(state, logger)));
  const problems = recorder?.problemSummary ?? [];
  const first = problems[0] ?? (logger.errorCount > 0 ? `${logger.errorCount} internal error(s)` : null);
  if (first === null) return;
  const more = problems.length > 1 ? ` (+${problems.length - 1} more)` : '';
  // The line points to the log only once the log holds what it points to.
  const logged = logger.warn(`after claude exited: ${[...problems, ...(logger.errorCount > 0 ? [`${logger.errorCount} internal error(s)`] : [])].join('; ')}`);
  process.stderr.write(`claudewatch: ${printable(`${first}${more}${logged && logger.file !== null ? `; see ${logger.file}` : ''}`)}\n`);
}

function formatVerboseSummary(state: SessionState, logger: Logger): string {
  const cost = state.costUsd === null ? 'unknown' : `$${state.costUsd.toFixed(6)} (${state.costSource})`;
  const lines = [
    `claudewatch: session ${state.id} ${state.status} mode=${state.mode} exit=${state.exitCode ?? '?'}${state.signal ? ` signal=${state.signal}` : ''}`,
    `claudewatch: claude session ${state.claudeSessionId ?? 'unknown'} model=${state.model ?? 'unknown'} turns=${state.numTurns} cost=${cost}`,
    `claudewatch: tokens in=${state.tokens.inputTokens} out=${state.tokens.outputTokens} cache-write=${state.tokens.cacheCreationTokens} cache-read=${state.tokens.cacheReadTokens}`,
  ];
  if (state.rateLimit) {
    const resets = state.rateLimit.resetsAt === null ? 'unknown' : new Date(state.rateLimit.resetsAt).toISOString();
    lines.push(`claudewatch: rate limit ${state.rateLimit.kind} (${state.rateLimit.severity}) resets ${resets}`);
  }
  lines.push(`claudewatch: log ${logger.file ?? 'off'}`);
  return `${lines.join('\n')}\n`;
}
