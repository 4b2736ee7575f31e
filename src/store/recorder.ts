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
import { ensurePrivateDir } from '../shared/private-fs.js';
import type { Logger } from '../shared/log.js';
import type { Paths } from '../shared/paths.js';
import { sharesLimits } from '../core/isolation.js';
import { MessageBook, type BookEntry } from '../core/message-book.js';
import { limitsInForce, livePeers, windowsOfAccount } from './account-limits.js';
import { isBusy, openDatabase, type Db } from './database.js';
import { mergeJournal, waitingSince, writeJournalEntry } from './journal.js';
import { Ledger, ledgerLimitOf, type LedgerLimit, type LedgerMessage } from './ledger.js';
import { applyRunWrites, type RunWrites } from './run-writes.js';
import { sessionRow } from './session-rows.js';
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
  /** After Claude exits, the last write waits this long; what it cannot write waits in the journal instead. */
  finalBusyTimeoutMs?: number;
  /** How often the limits other sessions saw are looked up. */
  accountLimitsPollMs?: number;
  /** Given the database once it opens, for work that shares the connection (settling runs that died). */
  onDatabaseOpen?: (db: Db) => void;
  /** Given the database once the session's end is written, before it closes, unless it failed the session. */
  onFinish?: (db: Db) => void;
  /** Told each time the session's status changes, with the state document just written. */
  onStatusChange?: (change: { from: SessionStatus | null; to: SessionStatus; document: StateDocument }) => void;
  /** Told each time Claude starts or stops waiting for the user, with the state document just written. */
  onWaitingChange?: (change: { waiting: boolean; document: StateDocument }) => void;
  /** Told the session's state after each write of its state files. */
  onStateWritten?: (state: SessionState) => void;
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
/**
 * The last write's wait for another writer's lock: others hold it for milliseconds, and the
 * person waits for their prompt; past it, the session waits in the journal, losing nothing.
 */
const FINAL_BUSY_TIMEOUT_MS = 300;
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
  /** Why the database was given up on, for the line after Claude exits. */
  private databaseProblem: string | null = null;
  /** Whether that was another writer's lock, rather than a broken, full or unwritable database. */
  private databaseBusy = false;
  /** Whether the last write of the run's row and facts failed or never happened: the journal takes them at the end. */
  private unsaved = true;
  private stateFilesDisabled = false;
  /** current_session.json (or the file the user named) could not be written: the session's own file goes on. */
  private currentFileDisabled = false;
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
    this.guard('state files', () => {
      // Ours alone, whatever made it before; the directory of a state file the user named is left as it is.
      ensurePrivateDir(this.options.paths.sessionStateDir);
      pruneSessionDocuments(this.options.paths.sessionStateDir, this.options.clock.now());
    });
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
    const finalWait = this.options.finalBusyTimeoutMs ?? FINAL_BUSY_TIMEOUT_MS;
    this.openDatabase(finalWait);
    if (this.db) this.guard('database', () => this.db!.pragma(`busy_timeout = ${finalWait}`));
    this.dirty = true;
    this.flush({ claimCurrent: false });
    this.keepUnsaved();
    if (this.droppedFacts > 0) this.report(`${this.droppedFacts} events dropped while the database was busy`);
    // A database that failed the session (locked past the final wait, say) would fail this work too, after as long again.
    if (this.db && !this.dbDisabled && this.options.onFinish) {
      try {
        this.options.onFinish(this.db);
      } catch (error) {
        this.options.logger.error('work at the end of the session failed', error);
      }
    }
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
    this.keepUnsaved();
    this.close();
  }

  /** What the database did not take at the end waits in the journal for the next run or command that can write. */
  private keepUnsaved(): void {
    if (!this.unsaved) return;
    const now = this.options.clock.now();
    const problem = this.databaseProblem ?? 'database unavailable';
    const entries = this.book.takeDirty();
    try {
      const journalDir = this.options.paths.journalDir;
      // Sessions that waited from before this one began: the journal is not draining.
      const stuck = waitingSince(journalDir, this.state.startedAt);
      writeJournalEntry(journalDir, this.runWrites(entries, this.pending, now), now);
      this.pending = [];
      // Sessions ending together queue for the lock; the next run saves what one of them could not. Worth a line
      // when the database is broken, or when the lock outlasts a session (another program holds it).
      if (!this.databaseBusy || stuck > 0) {
        const waiting = stuck === 0 ? 'this session waits' : `${stuck + 1} sessions wait`;
        this.report(`${problem}; ${waiting} in ${journalDir} until the next run or cw command saves ${stuck === 0 ? 'it' : 'them'}`);
      } else {
        this.options.logger.info(`${problem} at the end of the session; it waits in ${journalDir} for the next run or cw command`);
      }
    } catch (error) {
      this.book.restoreDirty(entries);
      this.report(`session not saved to the database: ${problem}`);
      this.options.logger.error('the journal could not keep the session either', error);
    }
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
        onCorruptMovedAside: (movedTo, salvaged) => this.report(`database was corrupt; moved aside to ${movedTo} (${salvaged})`),
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
    if (this.db) this.mergeWaitingSessions(this.db);
    if (this.db && this.options.onDatabaseOpen) {
      try {
        this.options.onDatabaseOpen(this.db);
      } catch (error) {
        this.options.logger.debug('work on opening the database failed', describeError(error));
      }
    }
  }

  /** Sessions that ended while the database could not be written: saved now it can (a busy one waits for the next chance). */
  private mergeWaitingSessions(db: Db): void {
    try {
      const { merged, problem } = mergeJournal(db, this.options.paths.journalDir, this.priceUsage);
      if (merged > 0) this.options.logger.info(`saved ${merged} session(s) that waited in ${this.options.paths.journalDir}`);
      if (problem !== null) this.options.logger.warn(`journal not applied: ${problem}`);
    } catch (error) {
      this.options.logger.warn('journal not applied', error);
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
    if (fact.kind === 'process-stats') return;
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
    if (!db || !ledger || this.dbDisabled) {
      this.unsaved = true;
      return;
    }
    const batch = this.pending;
    const entries = this.book.takeDirty();
    const writes = this.runWrites(entries, batch, now);
    let inherited: boolean[];
    try {
      inherited = db.transaction(() => applyRunWrites(db, ledger, writes)).immediate();
    } catch (error) {
      this.book.restoreDirty(entries);
      this.unsaved = true;
      // Another session holds the lock: keep the facts and try again on the next write.
      if (isBusy(error) && !this.finished) {
        this.dirty = true;
        this.options.logger.debug('database busy; will retry', describeError(error));
        return;
      }
      this.disableDatabase(error);
      return;
    }
    this.unsaved = false;
    this.pending = this.pending.slice(batch.length);
    if (writes.clearAnswered !== null) this.clearedUpTo = writes.clearAnswered.answeredAt;
    if (writes.settle) this.settledShare = this.state.reportedCostUsd;
    this.applyCorrections(this.correctionsFor(entries, inherited), now);
  }

  /**
   * The run's row, its changed messages under its claim, the limits and events of `batch`, and
   * the limits its last answer proved over. Claude's figure for the run is shared out over its
   * messages when the figure changes and when the run ends (its messages are complete then), not
   * on every write, which would cost a pass over the run's messages each time.
   */
  private runWrites(entries: readonly BookEntry[], batch: readonly { fact: Fact; at: number }[], now: number): RunWrites {
    const claim = { runId: this.state.id, runStartedAt: this.state.startedAt };
    const answeredAt = this.state.lastAnswerAt;
    return {
      runId: this.state.id,
      row: sessionRow(this.state, now),
      messages: entries.map((entry) => ({ message: this.ledgerMessage(entry, now), claim })),
      limits: batch.flatMap(({ fact }) => (fact.kind === 'rate-limit' ? [this.ledgerLimit(fact)] : [])),
      events: [...batch],
      clearAnswered: answeredAt !== null && answeredAt > this.clearedUpTo ? { account: this.state.account, model: this.state.model, answeredAt, now } : null,
      settle: this.finished || this.state.reportedCostUsd !== this.settledShare,
    };
  }

  /**
   * A message the ledger knew as earlier work, though the book counted it (it could not look it
   * up in time), is taken back out of the run's totals by the facts returned.
   */
  private correctionsFor(entries: readonly BookEntry[], inherited: readonly boolean[]): Fact[] {
    const corrections: Fact[] = [];
    entries.forEach((entry, index) => {
      if (!inherited[index] || entry.inherited) return;
      const correction = this.book.markInherited(entry);
      if (correction) corrections.push(correction);
    });
    return corrections;
  }

  private applyCorrections(corrections: readonly Fact[], now: number): void {
    if (corrections.length === 0) return;
    for (const fact of corrections) this.state = reduceSession(this.state, fact, now, this.priceUsage);
    this.dirty = true;
    this.scheduleWrite();
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
    const { account, claudeSessionId, id } = this.state;
    return ledgerLimitOf(fact, { account, claudeSessionId, runId: id, file: null }, { keepText: true });
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
      this.writeCurrentFile(document, now, claimCurrent);
      this.announce(document);
    } catch (error) {
      this.stateFilesDisabled = true;
      this.report(`state file not written: ${describeError(error)}`);
      this.options.logger.error('state files disabled', error);
    }
  }

  private writeCurrentFile(document: StateDocument, now: number, claimCurrent: boolean): void {
    if (this.currentFileDisabled) return;
    try {
      if (claimCurrent || mayWriteCurrent(this.currentFile, this.state.id, now)) writeStateDocument(this.currentFile, document);
    } catch (error) {
      this.currentFileDisabled = true;
      this.report(`state file not written: ${describeError(error)}`);
      this.options.logger.error(`${this.currentFile} not written for this session`, error);
    }
  }

  /** A change goes out once the state file that shows it is written, so a reader of the file agrees. */
  private announce(document: StateDocument): void {
    if (this.options.onStateWritten) this.tell('state', () => this.options.onStateWritten?.(this.state));
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

  /** The rest of the session's writes wait for the end, where the journal keeps them. */
  private disableDatabase(error: unknown): void {
    this.dbDisabled = true;
    this.ledger = null;
    this.databaseProblem ??= describeError(error);
    this.databaseBusy = isBusy(error);
    // Another writer's lock is no fault of ours, and nothing is lost to it: a warning, not an error the user is told of.
    if (this.databaseBusy) this.options.logger.warn('database locked past the wait; the rest of the session goes to the journal', describeError(error));
    else this.options.logger.error('database disabled for this session', error);
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
