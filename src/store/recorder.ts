import type { Fact } from '../core/facts.js';
import {
  createSessionState,
  reduceSession,
  refreshSession,
  usageOfUnseenRun,
  type PriceUsage,
  type SessionContext,
  type SessionState,
  type SessionStatus,
} from '../core/session-state.js';
import { viewOfSession } from '../core/session-view.js';
import { computeCostUsd } from '../core/pricing.js';
import { PRICE_TABLE } from '../core/price-table.js';
import type { Clock } from '../shared/clock.js';
import { describeError } from '../shared/errors.js';
import { machineName } from '../shared/identity.js';
import type { Logger } from '../shared/log.js';
import type { Paths } from '../shared/paths.js';
import { sharesLimits } from '../core/isolation.js';
import { MessageBook, type BookEntry } from '../core/message-book.js';
import { limitsInForce, livePeers, windowsOfAccount } from './account-limits.js';
import { isBusy, openDatabase, type Db } from './database.js';
import { Ledger, type LedgerLimit, type LedgerMessage } from './ledger.js';
import { appendEvents, upsertSession } from './session-rows.js';
import {
  mayWriteCurrent,
  pruneSessionDocuments,
  sessionStateFile,
  writeStateDocument,
  type StateDocument,
} from './state-files.js';

export interface RecorderOptions {
  paths: Paths;
  logger: Logger;
  clock: Clock;
  priceUsage?: PriceUsage;
  /** current_session.json's path when the user chose one (`--state-file`). */
  currentStateFile?: string;
  heartbeatMs?: number;
  minWriteIntervalMs?: number;
  /** While Claude runs, a write waits at most this long for another session's lock. */
  liveBusyTimeoutMs?: number;
  /** After Claude exits we can afford to wait longer so nothing is lost. */
  finalBusyTimeoutMs?: number;
  /** How often the limits other sessions saw are looked up. */
  accountLimitsPollMs?: number;
  /** Given the database once it opens, for work that shares the connection (settling runs that died). */
  onDatabaseOpen?: (db: Db) => void;
  /** Told each time the session's status changes, with the state document just written. */
  onStatusChange?: (change: { from: SessionStatus | null; to: SessionStatus; document: StateDocument }) => void;
  /** Told each time Claude starts or stops waiting for the user, with the state document just written. */
  onWaitingChange?: (change: { waiting: boolean; document: StateDocument }) => void;
}

/**
 * A time no Date can hold (`"resetsAt": 1e300` in Claude's output) would make every later write
 * of the session, and every reader of its row, throw: such a fact is kept only as a rejected line.
 */
function rejectUnrepresentableTimes(fact: Fact): Fact {
  for (const [key, value] of Object.entries(fact)) {
    if ((key === 'at' || key.endsWith('At')) && typeof value === 'number' && Number.isNaN(new Date(value).getTime())) {
      return { kind: 'line-rejected', source: fact.source, reason: `${key} out of range` };
    }
  }
  return fact;
}

const defaultPriceUsage: PriceUsage = (model, usage, options) => computeCostUsd(model, usage, PRICE_TABLE, options);

/** Facts waiting for the database; bounded so a long outage cannot eat memory. */
const MAX_PENDING_FACTS = 10_000;
/** How soon a session retries opening a database another session has locked. */
const OPEN_RETRY_MS = 200;

/**
 * The only writer of our database and state files. It folds facts into the session state,
 * writes state files at most a few times a second plus a heartbeat, and batches facts into one
 * transaction per write. Every failure is caught here: the recorder turns the failing part off
 * and Claude's pass-through is never affected.
 */
export class Recorder {
  private state: SessionState;
  private db: Db | null = null;
  private ledger: Ledger | null = null;
  /** The messages this run has seen, for placing each report against what came before. */
  private readonly book: MessageBook;
  /** This run's share of Claude's figure as the ledger last settled it. */
  private settledShare: number | null = null;
  private dbDisabled = false;
  private stateFilesDisabled = false;
  private pending: { fact: Fact; at: number }[] = [];
  private droppedFacts = 0;
  private dirty = true;
  private lastWriteAt = 0;
  private writeTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private limitsTimer: NodeJS.Timeout | null = null;
  private openTimer: NodeJS.Timeout | null = null;
  /** The last answer whose proof that earlier limits are over was written. */
  private clearedUpTo = 0;
  /** The status last announced to `onStatusChange`; null before the first write. */
  private announcedStatus: SessionStatus | null = null;
  /** When the wait last announced to `onWaitingChange` began; null while none is. */
  private announcedWaitSince: string | null = null;
  private finished = false;
  private readonly problems = new Set<string>();
  private readonly currentFile: string;
  private readonly sessionFile: string;
  private readonly priceUsage: PriceUsage;

  constructor(
    context: SessionContext,
    private readonly options: RecorderOptions,
  ) {
    this.state = createSessionState(context);
    this.book = new MessageBook(context.id, context.startedAt);
    this.priceUsage = options.priceUsage ?? defaultPriceUsage;
    this.currentFile = options.currentStateFile ?? options.paths.currentStateFile;
    this.sessionFile = sessionStateFile(options.paths.sessionStateDir, context.id);
  }

  get snapshot(): SessionState {
    return this.state;
  }

  /** False once the database was given up on for this session (locked past the wait, broken, unwritable). */
  get databaseUsable(): boolean {
    return !this.dbDisabled;
  }

  /** Short descriptions of what went wrong, for the one line shown after Claude exits. */
  get problemSummary(): string[] {
    return [...this.problems];
  }

  start(): void {
    this.openDatabase(this.options.liveBusyTimeoutMs ?? 50);
    this.guard('state files', () => pruneSessionDocuments(this.options.paths.sessionStateDir, this.options.clock.now()));
    // An isolated session does not take current_session.json over from a live one.
    this.flush({ claimCurrent: sharesLimits(this.state.isolation) });
    const heartbeatMs = this.options.heartbeatMs ?? 5000;
    this.heartbeatTimer = setInterval(() => this.heartbeat(), heartbeatMs);
    this.heartbeatTimer.unref();
    if (!sharesLimits(this.state.isolation)) return;
    this.limitsTimer = setInterval(() => this.readAccountLimits(), this.options.accountLimitsPollMs ?? 1000);
    this.limitsTimer.unref();
    this.readAccountLimits();
  }

  observe(facts: readonly Fact[]): void {
    if (this.finished || facts.length === 0) return;
    const now = this.options.clock.now();
    for (const observed of facts) {
      const fact = this.placeUsage(rejectUnrepresentableTimes(observed));
      if (fact === null) continue;
      const next = reduceSession(this.state, fact, now, this.priceUsage);
      this.queue(fact, now);
      if (next === this.state) continue;
      const statusChanged = next.status !== this.state.status;
      this.state = next;
      this.dirty = true;
      // Each status is written (and announced) as it happens, never folded into the next one.
      if (statusChanged) this.flushNow();
    }
    this.scheduleWrite();
  }

  /** A usage report placed in the run's book (null when it changes nothing); any other fact as it is. */
  private placeUsage(fact: Fact): Fact | null {
    if (fact.kind !== 'usage') return fact;
    const ledger = this.ledger;
    return this.book.place(fact, ledger === null ? undefined : (messageId) => this.lookupQuietly(ledger, messageId));
  }

  /** What the ledger holds of a message; a busy or broken database only means the write will tell instead. */
  private lookupQuietly(ledger: Ledger, messageId: string): ReturnType<Ledger['lookup']> {
    try {
      return ledger.lookup(messageId);
    } catch (error) {
      this.options.logger.debug('ledger lookup failed; the write will place the message', describeError(error));
      return [];
    }
  }

  private flushNow(): void {
    if (this.writeTimer) clearTimeout(this.writeTimer);
    this.writeTimer = null;
    this.flush({ claimCurrent: false });
  }

  /** Claude exited: record the end, write everything, release every resource. */
  finish(fact: Extract<Fact, { kind: 'child-exited' }>): SessionState {
    if (this.finished) return this.state;
    this.observe(usageOfUnseenRun(this.state, fact.at));
    this.state = reduceSession(this.state, fact, fact.at, this.priceUsage);
    this.queue(fact, fact.at);
    this.finished = true;
    this.stopTimers();
    // Claude has exited: waiting for the lock no longer holds anything up.
    this.openDatabase(this.options.finalBusyTimeoutMs ?? 5000);
    if (this.db) this.guard('database', () => this.db!.pragma(`busy_timeout = ${this.options.finalBusyTimeoutMs ?? 5000}`));
    this.dirty = true;
    this.flush({ claimCurrent: false });
    if (this.pending.length > 0) this.report(`${this.pending.length} events could not be saved (database busy)`);
    if (this.droppedFacts > 0) this.report(`${this.droppedFacts} events dropped while the database was busy`);
    this.close();
    return this.state;
  }

  /** Our process is going down without Claude's exit (a crash of ours): leave what we know. */
  abandon(): void {
    if (this.finished) return;
    this.finished = true;
    this.stopTimers();
    this.dirty = true;
    this.flush({ claimCurrent: false });
    this.close();
  }

  private heartbeat(): void {
    this.state = refreshSession(this.state, this.options.clock.now());
    this.dirty = true;
    this.flush({ claimCurrent: false });
  }

  /**
   * Opens the database, or, while another session holds the lock (creating or migrating a new
   * file, say), tries again shortly: the event loop that relays Claude must never wait long on a
   * lock, and facts wait in the queue meanwhile. At the end one last try waits as long as needed.
   */
  private openDatabase(busyTimeoutMs: number): void {
    if (this.db || this.dbDisabled) return;
    try {
      this.db = openDatabase(this.options.paths.databaseFile, {
        busyTimeoutMs,
        onCorruptMovedAside: (movedTo) => this.report(`database was corrupt; moved aside to ${movedTo}`),
      });
    } catch (error) {
      if (isBusy(error) && !this.finished) {
        this.options.logger.debug('database busy at open; will retry', describeError(error));
        this.openTimer = setTimeout(() => {
          this.openTimer = null;
          this.openDatabase(busyTimeoutMs);
          if (this.db) this.scheduleWrite();
        }, OPEN_RETRY_MS);
        this.openTimer.unref();
        return;
      }
      this.disableDatabase(error);
      return;
    }
    this.guard('database', () => {
      this.ledger = new Ledger(this.db!, this.priceUsage);
    });
    if (this.db && this.options.onDatabaseOpen) {
      try {
        this.options.onDatabaseOpen(this.db);
      } catch (error) {
        this.options.logger.debug('work on opening the database failed', describeError(error));
      }
    }
  }

  /** Limits of the account in force now, whichever session saw them; shown in this session's state file. */
  private readAccountLimits(): void {
    const db = this.db;
    if (!db || this.dbDisabled || this.finished) return;
    try {
      const now = this.options.clock.now();
      const { account, isolation, id } = this.state;
      const peers = isolation === 'unified' ? livePeers(db, account, id) : undefined;
      const fact: Fact = {
        kind: 'account-limits',
        source: 'runner',
        limits: limitsInForce(db, account, now),
        windows: windowsOfAccount(db, account, now),
        ...(peers ? { peers } : {}),
      };
      const next = reduceSession(this.state, fact, now);
      if (next === this.state) return;
      this.state = next;
      this.dirty = true;
      this.scheduleWrite();
    } catch (error) {
      // A busy or broken database shows up in the writes; here it only delays what others saw.
      this.options.logger.debug('account limits not read', describeError(error));
    }
  }

  private queue(fact: Fact, at: number): void {
    // Samples of the process tree are state, not history: the session row keeps the latest.
    if (this.dbDisabled || fact.kind === 'process-stats') return;
    if (this.pending.length >= MAX_PENDING_FACTS) {
      this.pending.shift();
      this.droppedFacts++;
    }
    this.pending.push({ fact, at });
  }

  private scheduleWrite(): void {
    if (this.writeTimer) return;
    const interval = this.options.minWriteIntervalMs ?? 250;
    const wait = Math.max(0, this.lastWriteAt + interval - this.options.clock.now());
    this.writeTimer = setTimeout(() => {
      this.writeTimer = null;
      this.flush({ claimCurrent: false });
    }, wait);
    this.writeTimer.unref();
  }

  private flush(options: { claimCurrent: boolean }): void {
    const now = this.options.clock.now();
    this.lastWriteAt = now;
    if (!this.dirty && this.pending.length === 0) return;
    this.dirty = false;
    this.writeDatabase(now);
    this.writeStateFiles(now, options.claimCurrent);
  }

  private writeDatabase(now: number): void {
    const db = this.db;
    const ledger = this.ledger;
    if (!db || !ledger || this.dbDisabled) return;
    const batch = this.pending;
    const entries = this.book.takeDirty();
    let corrections: Fact[];
    try {
      corrections = db.transaction(() => {
        upsertSession(db, this.state, now);
        const taken = this.writeMessages(ledger, entries, now);
        for (const { fact } of batch) if (fact.kind === 'rate-limit') ledger.writeLimit(this.ledgerLimit(fact));
        appendEvents(db, this.state.id, batch);
        const answeredAt = this.state.lastAnswerAt;
        if (answeredAt !== null && answeredAt > this.clearedUpTo) {
          ledger.clearAnsweredLimits(this.state.account, this.state.model, answeredAt, now);
          this.clearedUpTo = answeredAt;
        }
        this.settleCosts(ledger);
        return taken;
      }).immediate();
      this.pending = this.pending.slice(batch.length);
    } catch (error) {
      this.book.restoreDirty(entries);
      // Another session holds the lock: keep the facts and try again on the next write.
      if (isBusy(error) && !this.finished) {
        this.dirty = true;
        this.options.logger.debug('database busy; will retry', describeError(error));
        return;
      }
      this.disableDatabase(error);
      return;
    }
    this.applyCorrections(corrections, now);
  }

  /**
   * The run's changed messages, written to the ledger under its claim. A message the ledger knew
   * as earlier work, though the book counted it (it could not look it up in time), is taken back
   * out of the run's totals by the facts returned.
   */
  private writeMessages(ledger: Ledger, entries: readonly BookEntry[], now: number): Fact[] {
    const claim = { runId: this.state.id, runStartedAt: this.state.startedAt };
    const corrections: Fact[] = [];
    for (const entry of entries) {
      const { inherited } = ledger.writeMessage(this.ledgerMessage(entry, now), claim);
      if (inherited && !entry.inherited) {
        const correction = this.book.markInherited(entry);
        if (correction) corrections.push(correction);
      }
    }
    return corrections;
  }

  private applyCorrections(corrections: readonly Fact[], now: number): void {
    if (corrections.length === 0) return;
    for (const fact of corrections) this.state = reduceSession(this.state, fact, now, this.priceUsage);
    this.dirty = true;
    this.scheduleWrite();
  }

  /**
   * Claude's figure for this run shared out over its messages: when the figure changes and when
   * the run ends (its messages are complete then); not on every write, which would cost a pass
   * over the run's messages each time.
   */
  private settleCosts(ledger: Ledger): void {
    const share = this.state.reportedCostUsd;
    if (!this.finished && share === this.settledShare) {
      ledger.forgetTouched();
      return;
    }
    ledger.noteRunFigure(this.state.id);
    ledger.settle();
    this.settledShare = share;
  }

  private ledgerMessage(entry: BookEntry, now: number): LedgerMessage {
    return {
      messageId: entry.messageId,
      requestId: entry.requestId,
      claudeSessionId: entry.claudeSessionId ?? this.state.claudeSessionId,
      file: null,
      cwd: this.state.projectPath ?? this.state.cwd,
      model: entry.model,
      at: entry.at ?? now,
      usage: entry.usage,
      sidechain: entry.sidechain,
      answersPrompt: entry.answersPrompt,
    };
  }

  private ledgerLimit(fact: Extract<Fact, { kind: 'rate-limit' }>): LedgerLimit {
    return {
      kind: fact.limitKind,
      severity: fact.severity,
      resetsAt: fact.resetsAt,
      resetPrecision: fact.resetPrecision ?? 'second',
      text: fact.text ?? null,
      source: fact.source,
      utilization: fact.utilization ?? null,
      observedAt: fact.at,
      account: this.state.account,
      claudeSessionId: this.state.claudeSessionId,
      runId: this.state.id,
      file: null,
    };
  }

  private writeStateFiles(now: number, claimCurrent: boolean): void {
    if (this.stateFilesDisabled) return;
    try {
      const document: StateDocument = {
        status: this.state.status,
        data: viewOfSession(this.state, { host: machineName(), heartbeatAt: now }),
        updatedAt: new Date(now).toISOString(),
      };
      writeStateDocument(this.sessionFile, document);
      if (claimCurrent || mayWriteCurrent(this.currentFile, this.state.id, now)) writeStateDocument(this.currentFile, document);
      this.announce(document);
    } catch (error) {
      this.stateFilesDisabled = true;
      this.report(`state file not written: ${describeError(error)}`);
      this.options.logger.error('state files disabled', error);
    }
  }

  /** A change goes out once the state file that shows it is written, so a reader of the file agrees. */
  private announce(document: StateDocument): void {
    if (document.status !== this.announcedStatus) {
      const from = this.announcedStatus;
      this.announcedStatus = document.status;
      this.tell('status change', () => this.options.onStatusChange?.({ from, to: document.status, document }));
    }
    const waitSince = document.data.waiting?.since ?? null;
    if (waitSince !== this.announcedWaitSince) {
      this.announcedWaitSince = waitSince;
      this.tell('waiting change', () => this.options.onWaitingChange?.({ waiting: waitSince !== null, document }));
    }
  }

  private tell(what: string, listener: () => void): void {
    try {
      listener();
    } catch (error) {
      this.options.logger.error(`${what} listener failed`, error);
    }
  }

  private disableDatabase(error: unknown): void {
    this.dbDisabled = true;
    this.ledger = null;
    this.pending = [];
    this.report(`session not saved to the database: ${describeError(error)}`);
    this.options.logger.error('database disabled for this session', error);
    this.close();
  }

  private guard(part: 'database' | 'state files', action: () => void): void {
    try {
      action();
    } catch (error) {
      if (part === 'database') this.disableDatabase(error);
      else {
        this.report(`${part}: ${describeError(error)}`);
        this.options.logger.error(`${part} failed`, error);
      }
    }
  }

  private report(problem: string): void {
    this.problems.add(problem);
  }

  private stopTimers(): void {
    if (this.writeTimer) clearTimeout(this.writeTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.limitsTimer) clearInterval(this.limitsTimer);
    if (this.openTimer) clearTimeout(this.openTimer);
    this.openTimer = null;
    this.writeTimer = null;
    this.heartbeatTimer = null;
    this.limitsTimer = null;
  }

  private close(): void {
    const db = this.db;
    this.db = null;
    this.ledger = null;
    if (!db) return;
    try {
      db.close();
    } catch (error) {
      this.options.logger.warn('closing the database failed', error);
    }
  }
}
