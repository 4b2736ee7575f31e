import { constants as osConstants } from 'node:os';
import { resolve } from 'node:path';
import { redactClaudeArgs } from '../core/claude-args.js';
import type { Fact } from '../core/facts.js';
import { printable, printableLines } from '../core/text-escape.js';
import { DEFAULT_ISOLATION, ISOLATION_LEVELS, parseIsolation, sharesLimits, type Isolation } from '../core/isolation.js';
import { resumeSettingsOf } from '../core/limit-resume.js';
import { loadPriceTable } from '../core/price-config.js';
import { computeCostUsd } from '../core/pricing.js';
import type { PriceUsage, SessionState } from '../core/session-state.js';
import { settleDeadSessions } from '../history/open.js';
import { claudeConfigDir } from '../shared/claude-paths.js';
import type { Logger } from '../shared/log.js';
import { redactSecrets, secretsFromEnv } from '../shared/redact.js';
import { localTimeZone } from '../shared/time-zone.js';
import type { Db } from '../store/database.js';
import { Recorder } from '../store/recorder.js';
import { claimedTranscripts } from '../store/state-files.js';
import { exitStatusOf, shellExitCode, type ChildExit, type ExitStatus } from './exit-code.js';
import type { LaunchedSession } from './launch.js';
import { PrintObserver } from './print-observer.js';
import type { OutputObserver } from './relay.js';
import { startOtlpPush } from './otlp-after-session.js';
import { openScreenFeed, type ScreenFeed } from './screen-feed.js';
import { ScreenResume } from './screen-resume.js';
import { alertsAfterSession } from './session-alerts.js';
import { SessionExtras, type SessionExtrasOptions } from './session-extras.js';
import { SessionWatch } from './session-watch.js';
import type { WatchSetup } from './watch-setup.js';

/**
 * A watched session once Claude runs (launch.ts started it): the observers, the recorder and the
 * end of the run. Loaded while Claude starts, so nothing here delays Claude's first byte.
 */
export async function watchSession(launched: LaunchedSession): Promise<ExitStatus> {
  const { request, env, paths, logger, cwd, info, clock, mode, sessionId, setup, relay, startedAt } = launched;
  const timeZone = localTimeZone(env);

  // Facts reach the recorder through this slot; until it exists (or if it failed) they are dropped.
  let recorder: Recorder | null = null;
  const emit = guardedEmitter(() => recorder, logger);
  const printObserver = mode === 'print' ? new PrintObserver({ outputFormat: info.outputFormat, now: () => clock.now(), timeZone, emit }) : null;
  const screen = mode === 'interactive' ? await openScreenFeed({ timeZone, now: () => clock.now(), emit }, logger) : null;
  launched.output.attach(
    guardedObserver((chunk, stream) => {
      printObserver?.push(chunk, stream);
      screen?.write(chunk);
    }, logger),
  );

  const isolation = chooseIsolation(request.isolation ?? null, env, launched.config, logger);
  const sessionWatch = setup ? startSessionWatch(setup, launched, timeZone, emit) : null;
  if (sessionWatch) emit.onSessionNamed((claudeSessionId) => sessionWatch.identify(claudeSessionId));
  const extras = startExtras({ claudePid: relay.pid, mode, cwd, env, config: launched.config, startedAt, now: () => clock.now(), emit, logger, console: relay.console ?? null });
  const resume = startScreenResume(launched, screen, emit);

  const priceUsage = loadPricing(launched.config, logger);
  // Set by the recorder as it finishes (a closure TypeScript cannot follow, hence the assertion).
  let alert = null as string | null;
  recorder = createRecorder(
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
      ...(resume ? { onStateWritten: (state: SessionState) => resume.observe(state) } : {}),
      // Any run of ours settles runs that died without an end (kill -9), so none looks live for long.
      onDatabaseOpen: (db) => settleDeadSessions(db, paths, env, clock.now()),
      // The cheap alert rules on the session's own connection, before it closes: never a second one.
      onFinish: (db) => (alert = checkAlerts(launched, db, clock.now(), logger)),
      ...(request.stateFile ? { currentStateFile: resolve(request.stateFile) } : {}),
    },
  );
  emit.flushTo(recorder);

  let exit: ChildExit;
  try {
    exit = await relay.exited;
  } finally {
    launched.stopForwardingSignals();
  }
  const code = shellExitCode(exit);

  let finalState: SessionState | null = null;
  resume?.dispose();
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
    finalState = recorder?.finish({ kind: 'child-exited', source: 'runner', exitCode: code, signal: exit.signal ?? endedBy(launched.forwardedSignal(), code), at: clock.now() }) ?? null;
  } catch (error) {
    logger.error('recorder failed at session end', error);
  }
  // Callbacks of the last transitions, bounded by their time limit.
  await extras?.drain();
  if (recorder) pushOtlp(launched, sessionId, logger);
  launched.stopCrashGuard();
  reportAfterExit(recorder, logger, finalState, request.verbose === true);
  // An alert is for a person: on their terminal, after Claude's last byte, never in a script's stderr.
  if (alert !== null && process.stderr.isTTY) process.stderr.write(`${alert}\n`);
  request.onEnd?.(finalState);
  return exitStatusOf(exit);
}

/** The one line to show for alerts that are new; a failed check is logged, never in the way. */
function checkAlerts(launched: LaunchedSession, db: Db, now: number, logger: Logger): string | null {
  try {
    return alertsAfterSession({ db, paths: launched.paths, config: launched.config, now, env: launched.env });
  } catch (error) {
    logger.error('alert check after the session failed', error);
    return null;
  }
}

/** When OTLP is on, a detached `cw otlp push`: the exporter never loads here. */
function pushOtlp(launched: LaunchedSession, sessionId: string, logger: Logger): void {
  try {
    startOtlpPush({ config: launched.config, env: launched.env, sessionId });
  } catch (error) {
    logger.error('could not start the OTLP push after the session', error);
  }
}

/**
 * Typing the resume prompt after a limit, in an interactive session the user opted in for
 * (cw-run --resume-after-limit, config resumeAfterLimit.enabled). It needs Claude's terminal to
 * type into and its screen to see the prompt box.
 */
function startScreenResume(launched: LaunchedSession, screen: ScreenFeed | null, emit: (facts: Fact[]) => void): ScreenResume | null {
  const settings = launched.request.resumeAfterLimit ?? resumeSettingsOf(launched.config);
  const claudeTerminal = launched.relay.console;
  if (!settings.enabled || launched.mode !== 'interactive' || claudeTerminal === undefined) return null;
  if (screen === null) {
    launched.logger.warn("continuing after a limit is off for this session: Claude's screen cannot be read");
    return null;
  }
  const { clock, logger } = launched;
  return new ScreenResume({ prompt: settings.prompt, console: claudeTerminal, screenRows: () => screen.rows(), now: () => clock.now(), random: Math.random, emit, logger });
}

function startExtras(options: SessionExtrasOptions): SessionExtras | null {
  try {
    return new SessionExtras(options);
  } catch (error) {
    options.logger.error('session context, process stats and callbacks unavailable for this session', error);
    return null;
  }
}

function startSessionWatch(setup: WatchSetup, launched: LaunchedSession, timeZone: string, emit: (facts: Fact[]) => void): SessionWatch | null {
  const { clock, logger, paths, sessionId } = launched;
  try {
    const watch = new SessionWatch({
      plan: setup.plan,
      project: setup.project,
      inboxFile: setup.inboxFile,
      cwd: launched.cwd,
      env: launched.env,
      startedAt: launched.startedAt,
      now: () => clock.now(),
      timeZone,
      emit,
      logger,
      claimedElsewhere: () => claimedTranscripts(paths.sessionStateDir, sessionId, clock.now()),
      resumes: launched.info.resumes,
    });
    watch.start();
    return watch;
  } catch (error) {
    logger.error('could not follow the transcript; this session records no usage', error);
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
function loadPricing(config: Record<string, unknown>, logger: Logger): PriceUsage {
  const { table, problems } = loadPriceTable(config);
  for (const problem of problems) logger.warn(problem);
  return (model, usage, options) => computeCostUsd(model, usage, table, options);
}

function createRecorder(context: ConstructorParameters<typeof Recorder>[0], options: ConstructorParameters<typeof Recorder>[1]): Recorder | null {
  try {
    const recorder = new Recorder(context, options);
    recorder.start();
    return recorder;
  } catch (error) {
    options.logger.error('recorder failed to start; this session is not recorded', error);
    return null;
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
 * Claude catches SIGTERM and SIGHUP and exits with 128 + the signal's number: when it does so
 * after we passed that signal on, it was ended by the signal, as a shell would report it.
 */
function endedBy(forwarded: NodeJS.Signals | null, code: number): NodeJS.Signals | null {
  return forwarded !== null && code === 128 + osConstants.signals[forwarded] ? forwarded : null;
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
