import type { Fact } from '../core/facts.js';
import { MAX_RESUMES, planTypedResume, resumeSpreadMs, type TypedResumePlan } from '../core/limit-resume.js';
import { readScreenInput, showsTyped, type ScreenInput } from '../core/screen-input.js';
import type { SessionState } from '../core/session-state.js';
import type { Logger } from '../shared/log.js';
import type { RelayConsole } from './relay.js';

export interface ScreenResumeOptions {
  prompt: string;
  console: RelayConsole;
  /** The rows on Claude's screen now; null when the screen cannot be read. */
  screenRows: () => string[] | null;
  now: () => number;
  random: () => number;
  emit: (facts: Fact[]) => void;
  logger: Logger;
  /** How long typed text may take to show in the prompt box; default 5 s. */
  echoTimeoutMs?: number;
}

/** Keys are sent a few at a time: a long prompt arriving in one read could be taken for a paste. */
const KEYS_PER_WRITE = 16;
const KEY_WRITE_GAP_MS = 15;
const ECHO_POLL_MS = 100;
const DEFAULT_ECHO_TIMEOUT_MS = 5000;

/**
 * The opt-in continue after a usage limit in an interactive session: once the limit has reset,
 * types the user's prompt into Claude's screen, as they would have. Only onto a screen that shows
 * Claude's empty prompt box, never while a menu or question holds the keyboard, never once the
 * user typed anything after the limit (they are back and decide), and never where Claude is set
 * to continue by itself (2.1.x does, by default, for subscribers). Enter is pressed only once the
 * box shows the prompt: 1.0.x takes a CR read together with text for a newline.
 */
export class ScreenResume {
  private readonly spreadMs: number;
  private readonly echoTimeoutMs: number;
  private state: SessionState | null = null;
  private plan: TypedResumePlan | null = null;
  private timer: NodeJS.Timeout | undefined;
  private typed = 0;
  /** Limits acted on (typed or skipped), by key: none is planned again. */
  private readonly handled = new Set<string>();
  /** When each limit was first seen, by key. */
  private readonly firstSeen = new Map<string, number>();
  private busy = false;
  private disposed = false;

  constructor(private readonly options: ScreenResumeOptions) {
    this.spreadMs = resumeSpreadMs(options.random());
    this.echoTimeoutMs = options.echoTimeoutMs ?? DEFAULT_ECHO_TIMEOUT_MS;
  }

  /** The session's state after each write: plans, moves or drops the continue. */
  observe(state: SessionState): void {
    this.state = state;
    if (this.disposed || this.busy) return;
    const planned = this.typed < MAX_RESUMES ? this.planFor(state) : null;
    if (planned !== null && !this.firstSeen.has(planned.key)) this.firstSeen.set(planned.key, planned.limitSeenAt);
    const plan = planned !== null && !this.handled.has(planned.key) ? planned : null;
    if (plan?.at === this.plan?.at) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    const dropped = this.plan;
    this.plan = plan;
    if (plan !== null) {
      this.timer = setTimeout(() => void this.fire(), Math.max(0, plan.at - this.options.now()));
      this.timer.unref();
      this.tell({ stage: 'planned', limitKind: plan.kind, resumeAt: plan.at });
    } else if (dropped !== null) {
      // Claude answered again (the user continued, or Claude did): nothing is left to continue.
      this.tell({ stage: 'skipped', limitKind: dropped.kind, resumeAt: null, reason: 'the session went on before the reset' });
    }
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
  }

  private async fire(): Promise<void> {
    const plan = this.plan;
    this.timer = undefined;
    if (plan === null || this.disposed) return;
    this.busy = true;
    try {
      const why = this.whyNot(plan);
      if (why !== null) {
        this.finish(plan, { stage: 'skipped', reason: why });
        return;
      }
      await this.typeSlowly(this.options.prompt);
      if (!(await this.echoed())) {
        this.finish(plan, { stage: 'skipped', reason: 'the prompt box did not show the typed prompt, so Enter was not pressed' });
        return;
      }
      this.options.console.type('\r');
      this.typed += 1;
      this.finish(plan, { stage: 'typed' });
    } catch (error) {
      this.options.logger.error('continue after the limit failed', error);
      this.finish(plan, { stage: 'skipped', reason: 'an internal error' });
    } finally {
      this.busy = false;
    }
  }

  /** Why the prompt must not be typed now, or null when it may. */
  private whyNot(plan: TypedResumePlan): string | null {
    const state = this.state;
    if (state === null || this.planFor(state)?.at !== plan.at) return 'the session went on before the reset';
    if (this.options.console.lastKeyAt() > plan.limitSeenAt) return 'you typed after the limit';
    if (state.waiting !== null) return 'Claude is waiting for an answer';
    const screen = this.screen();
    if (screen === null) return "Claude's screen could not be read";
    if (screen.continuesItself) return 'Claude continues by itself';
    if (screen.dialog || screen.input === null) return 'a menu is open';
    if (screen.input !== '') return 'the prompt box holds text not sent';
    return null;
  }

  private planFor(state: SessionState): TypedResumePlan | null {
    return planTypedResume(state, this.options.now(), this.spreadMs, (key) => this.firstSeen.get(key));
  }

  private screen(): ScreenInput | null {
    const rows = this.options.screenRows();
    return rows === null ? null : readScreenInput(rows);
  }

  private async typeSlowly(text: string): Promise<void> {
    const keys = [...text];
    for (let at = 0; at < keys.length; at += KEYS_PER_WRITE) {
      if (at > 0) await sleep(KEY_WRITE_GAP_MS);
      this.options.console.type(keys.slice(at, at + KEYS_PER_WRITE).join(''));
    }
  }

  private async echoed(): Promise<boolean> {
    const deadline = this.options.now() + this.echoTimeoutMs;
    for (;;) {
      const screen = this.screen();
      if (screen !== null && showsTyped(screen, this.options.prompt)) return true;
      if (this.options.now() >= deadline || this.disposed) return false;
      await sleep(ECHO_POLL_MS);
    }
  }

  private finish(plan: TypedResumePlan, outcome: { stage: 'typed' } | { stage: 'skipped'; reason: string }): void {
    this.plan = null;
    this.handled.add(plan.key);
    if (outcome.stage === 'skipped') this.options.logger.info(`not continued after the ${plan.kind} limit: ${outcome.reason}`);
    this.tell({ ...outcome, limitKind: plan.kind, resumeAt: outcome.stage === 'typed' ? this.options.now() : null });
  }

  private tell(fact: { stage: 'planned' | 'typed' | 'skipped'; limitKind: string; resumeAt: number | null; reason?: string }): void {
    const at = this.options.now();
    // Told from inside the recorder's write: the fact goes in after that write has finished.
    queueMicrotask(() => this.options.emit([{ kind: 'limit-resume', source: 'runner', ...fact, at }]));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
