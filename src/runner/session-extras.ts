import type { Fact } from '../core/facts.js';
import type { RunContext } from '../core/run-context.js';
import type { Logger } from '../shared/log.js';
import type { StateDocument } from '../store/state-files.js';
import { CallbackDispatcher, callbackConfigOf } from './callbacks.js';
import { commitsSince, gitBranchAt, refsMovedSince } from './git-info.js';
import { ProcessTreeMonitor } from './process-stats.js';
import type { RelayConsole } from './relay.js';
import { probeRunContext } from './run-context-probe.js';
import { noticeWaiting, waitingNoticeOf } from './waiting-notice.js';

type Env = Record<string, string | undefined>;

/** How often Claude's process tree is sampled: enough for CPU time and a fair memory peak. */
const SAMPLE_EVERY_MS = 2000;

export interface SessionExtrasOptions {
  claudePid: number;
  mode: string;
  cwd: string;
  env: Env;
  config: Record<string, unknown>;
  startedAt: number;
  now: () => number;
  emit: (facts: Fact[]) => void;
  logger: Logger;
  /** Claude's terminal, for the bell that says a session waits (interactive runs). */
  console: RelayConsole | null;
}

/**
 * What a session records beside Claude's own output: where it runs, the branch it starts on and
 * the commits made while it runs, what its process tree costs, and the callbacks the user wants
 * on each status change. Each part that fails is logged and left out; none of it touches Claude.
 */
export class SessionExtras {
  private readonly monitor: ProcessTreeMonitor;
  private readonly sampler: NodeJS.Timeout;
  private readonly callbacks: CallbackDispatcher | null;
  private readonly gitBranch: string | null;

  constructor(private readonly options: SessionExtrasOptions) {
    this.gitBranch = this.guard('git branch', () => gitBranchAt(options.cwd), null);
    const place = this.guard<RunContext | null>('run context', () => probeRunContext(options.env), null);
    options.emit([{ kind: 'session-started', source: 'runner', at: options.startedAt, mode: options.mode, cwd: options.cwd, gitBranch: this.gitBranch, place }]);
    this.monitor = new ProcessTreeMonitor(options.claudePid);
    this.sampler = setInterval(() => this.sample(), SAMPLE_EVERY_MS);
    this.sampler.unref();
    this.callbacks = this.guard('callbacks', () => createCallbacks(options.config, options.logger), null);
  }

  /** For the recorder: each status change, once its state file is written. */
  readonly onStatusChange = (change: { from: string | null; to: string; document: StateDocument }): void => {
    this.callbacks?.notify(change);
  };

  /** For the recorder: Claude started or stopped waiting for the user; the status is unchanged. */
  readonly onWaitingChange = (change: { waiting: boolean; document: StateDocument }): void => {
    const status = change.document.status;
    this.callbacks?.notify({ event: change.waiting ? 'waiting-started' : 'waiting-ended', from: status, to: status, document: change.document });
    if (change.waiting) this.guard('waiting notice', () => noticeWaiting(waitingNoticeOf(this.options.config), change.document, { env: this.options.env, logger: this.options.logger, console: this.options.console }), undefined);
  };

  /** Claude exited: the last sample and the commits made meanwhile, before the recorder's final write. */
  async end(): Promise<void> {
    clearInterval(this.sampler);
    this.sample();
    if (this.gitBranch === null) return;
    try {
      // Most sessions commit nothing: then the refs are as they were, and no git process is waited for.
      if (!refsMovedSince(this.options.cwd, this.options.startedAt)) return;
      const commits = await commitsSince(this.options.cwd, this.options.startedAt);
      if (commits.length > 0) this.options.emit([{ kind: 'git-commits', source: 'runner', at: this.options.now(), commits }]);
    } catch (error) {
      this.options.logger.warn('commits of the session not read', error);
    }
  }

  /** Waits for the callbacks of the last transitions, never longer than their time limit. */
  async drain(): Promise<void> {
    await this.callbacks?.drain();
  }

  private sample(): void {
    this.guard('process stats', () => {
      const now = this.monitor.sample();
      if (now === null && this.monitor.cpuMs === 0) return;
      this.options.emit([{ kind: 'process-stats', source: 'runner', cpuMs: this.monitor.cpuMs, peakRssBytes: this.monitor.peakRssBytes, processes: now?.processes ?? 0 }]);
    }, undefined);
  }

  private guard<T>(part: string, action: () => T, fallback: T): T {
    try {
      return action();
    } catch (error) {
      this.options.logger.warn(`${part} unavailable`, error);
      return fallback;
    }
  }
}

function createCallbacks(config: Record<string, unknown>, logger: Logger): CallbackDispatcher | null {
  const { config: callbacks, problems } = callbackConfigOf(config);
  for (const problem of problems) logger.warn(`config.json: ${problem}`);
  return callbacks.commands.length + callbacks.webhooks.length > 0 ? new CallbackDispatcher(callbacks, logger) : null;
}
