import { closeSync, openSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Fact } from '../core/facts.js';
import type { WatchPlan } from '../core/watch-plan.js';
import { parseHookLine } from '../ingest/hook-event.js';
import { costFigureBefore } from '../ingest/transcript-cost.js';
import { transcriptLines } from '../ingest/transcript-file.js';
import { finishTranscript, INITIAL_TRANSCRIPT_STATE, parseTranscriptLine, type TranscriptState } from '../ingest/transcript-line.js';
import type { Logger } from '../shared/log.js';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../shared/private-fs.js';
import { FileFollower } from './file-follower.js';
import { listTranscripts, readdirQuietly, snapshotProject, statQuietly, type ProjectSnapshot } from './project-snapshot.js';

type Env = Record<string, string | undefined>;

export interface SessionWatchOptions {
  plan: WatchPlan;
  inboxFile: string;
  cwd: string;
  env: Env;
  startedAt: number;
  now: () => number;
  timeZone: string;
  emit: (facts: Fact[]) => void;
  logger: Logger;
  /** Transcripts other live sessions already follow: the scan never takes them. */
  claimedElsewhere?: () => ReadonlySet<string>;
  /** The project folders and their transcripts' sizes, taken before Claude started. */
  project?: ProjectSnapshot;
  /** Claude was asked to continue or resume a session (`-c`, `--resume`). */
  resumes?: boolean;
  pollMs?: number;
}

interface FollowedTranscript {
  follower: FileFollower;
  state: TranscriptState;
}

const DEFAULT_POLL_MS = 250;
/** With hooks or a chosen session id the transcript is named for us; the scan waits this long first. */
const NAMED_GRACE_MS = 5000;
/** Files touched this long before our start may still be the one Claude is about to create. */
const CLOCK_SLACK_MS = 2000;
const STALE_INBOX_MS = 24 * 60 * 60_000;

/**
 * Learns which transcript is this session's and follows it while Claude runs: from our hooks'
 * inbox, from the session id we chose, or by scanning the project's folder. Every line read
 * becomes facts for the recorder. Transcripts that existed before we started (a resumed
 * session) are read from where they stood then, so earlier work is not counted again.
 */
export class SessionWatch {
  private readonly inbox: FileFollower | null;
  private transcript: FollowedTranscript | null = null;
  /** The session a print run named in its JSON events, read when Claude exits. */
  private namedSession: string | null = null;
  /** Every Claude session this run was told or read is its own. */
  private readonly ownSessions = new Set<string>();
  /** Every transcript followed so far: read already, so the final sweep leaves them alone. */
  private readonly followedFiles = new Set<string>();
  private readonly snapshot: Map<string, number>;
  private readonly folders: string[];
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly options: SessionWatchOptions) {
    const project = options.project ?? snapshotProject(options.env, options.cwd);
    this.folders = project.folders;
    this.snapshot = project.sizes;
    // The hooks write to the inbox, and so does `cw statusline` whatever the plan, but a print run
    // with JSON output runs neither.
    this.inbox = options.plan.method === 'stream' ? null : new FileFollower({ file: options.inboxFile, onLine: (line) => this.readInboxLine(line) });
  }

  get transcriptPath(): string | null {
    return this.transcript?.follower.file ?? null;
  }

  start(): void {
    // A print run's JSON events carry every count as it happens; its transcript is read once, at the end.
    if (this.options.plan.method === 'stream') return;
    if (this.inbox) prepareInbox(this.options.inboxFile);
    const chosen = this.options.plan.claudeSessionId;
    if (chosen !== null && this.folders[0] !== undefined) this.follow(join(this.folders[0], `${chosen}.jsonl`), chosen);
    this.timer = setInterval(() => this.tick(), this.options.pollMs ?? DEFAULT_POLL_MS);
    this.timer.unref();
  }

  /**
   * A print run named its Claude session: its transcript holds the final counts of every message
   * (the events carry some before the output is done) and the model, which some versions' JSON
   * leaves out.
   */
  identify(claudeSessionId: string): void {
    this.ownSessions.add(claudeSessionId);
    if (this.options.plan.method === 'stream' && !this.stopped) this.namedSession = claudeSessionId;
  }

  /** Claude exited: read what is left, close the last turn, remove the inbox. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.guard('inbox', () => this.inbox?.finish());
    if (this.namedSession !== null && this.folders[0] !== undefined) {
      const named = this.namedSession;
      this.guard('transcript', () => this.follow(join(this.folders[0]!, `${named}.jsonl`), named));
    }
    // A run shorter than one poll ends before the scan ever looked; it looks once more now.
    if (this.transcript === null && this.options.plan.method !== 'stream') this.guard('transcript scan', () => this.scan(true));
    this.finishTranscript();
    this.guard('transcript sweep', () => this.sweep());
    if (this.inbox) removeQuietly(this.options.inboxFile);
  }

  /**
   * Claude does not always write a session where its name says: 2.0.0 continues a session in a
   * new file whose lines carry the old session's id, and its hooks may name a file never
   * written. Once Claude has exited, every other transcript of the project that grew while it
   * ran is read from where it stood, keeping only lines of this run's sessions (and, for a
   * resume, of the session that was continued). The ledger counts a message once however often
   * it was read.
   */
  private sweep(): void {
    const claimed = this.options.claimedElsewhere?.() ?? new Set<string>();
    for (const folder of this.folders) {
      for (const name of listTranscripts(folder)) {
        const file = join(folder, name);
        if (this.followedFiles.has(file) || claimed.has(file)) continue;
        const stat = statQuietly(file);
        const before = this.snapshot.get(file);
        if (!stat || (before === undefined ? stat.mtimeMs < this.options.startedAt - CLOCK_SLACK_MS : stat.size <= before)) continue;
        this.readOwnLines(file, before ?? 0, this.options.resumes === true && before !== undefined);
      }
    }
  }

  private readOwnLines(file: string, offset: number, continued: boolean): void {
    let state = INITIAL_TRANSCRIPT_STATE;
    const baseline = costFigureBefore(file, offset);
    for (const line of transcriptLines(file, offset)) {
      const result = parseTranscriptLine(line, { now: this.options.now(), timeZone: this.options.timeZone, state });
      state = result.state;
      const session = state.sessionId;
      if (session === null || (!continued && !this.ownSessions.has(session))) continue;
      this.ownSessions.add(session);
      const facts = result.facts.filter((fact) => fact.kind !== 'session-identified' && fact.kind !== 'turn-completed');
      this.options.emit(facts.map((fact) => (fact.kind === 'cost-reported' ? { ...fact, scope: file, baselineUsd: baseline } : fact)));
    }
  }

  /** One round of reading; public so tests can drive it without timers. */
  tick(): void {
    if (this.stopped) return;
    this.guard('inbox', () => this.inbox?.poll());
    if (this.transcript === null) this.guard('transcript scan', () => this.scan());
    this.guard('transcript', () => this.transcript?.follower.poll());
  }

  private readInboxLine(line: string): void {
    const { hook, facts } = parseHookLine(line, { now: this.options.now(), timeZone: this.options.timeZone });
    this.options.emit(facts);
    if (hook?.event === 'SessionStart' && hook.transcriptPath !== null) this.follow(hook.transcriptPath, hook.claudeSessionId);
  }

  private follow(file: string, claudeSessionId: string | null): void {
    if (this.transcript?.follower.file === file) return;
    this.finishTranscript();
    const startOffset = this.snapshot.get(file) ?? 0;
    const sessionId = claudeSessionId ?? basename(file, '.jsonl');
    const followed: FollowedTranscript = {
      state: INITIAL_TRANSCRIPT_STATE,
      follower: new FileFollower({
        file,
        startOffset,
        onLine: (line) => this.readTranscriptLine(followed, line),
        onRestart: () => {
          followed.state = INITIAL_TRANSCRIPT_STATE;
          this.options.emit([{ kind: 'session-identified', source: 'transcript', claudeSessionId: sessionId, transcriptPath: file, transcriptOffset: 0, costBaselineUsd: 0 }]);
          this.options.logger.warn(`transcript ${file} shrank or was replaced; reading it again from the start`);
        },
        onOversizedLine: (bytes) => this.options.emit([{ kind: 'line-rejected', source: 'transcript', reason: `line of ${bytes} bytes skipped` }]),
      }),
    };
    this.transcript = followed;
    this.followedFiles.add(file);
    this.ownSessions.add(sessionId);
    // What Claude's cumulative cost line said before we started: a resumed session's earlier spending.
    const costBaselineUsd = costFigureBefore(file, startOffset);
    this.options.emit([{ kind: 'session-identified', source: 'transcript', claudeSessionId: sessionId, transcriptPath: file, transcriptOffset: startOffset, costBaselineUsd }]);
    this.options.logger.debug(`following transcript ${file} from byte ${startOffset}`);
  }

  private readTranscriptLine(followed: FollowedTranscript, line: string): void {
    const result = parseTranscriptLine(line, { now: this.options.now(), timeZone: this.options.timeZone, state: followed.state });
    followed.state = result.state;
    if (result.state.sessionId !== null) this.ownSessions.add(result.state.sessionId);
    this.options.emit(result.facts.map((fact) => (fact.kind === 'cost-reported' ? { ...fact, scope: followed.follower.file } : fact)));
  }

  private finishTranscript(): void {
    const followed = this.transcript;
    if (!followed) return;
    this.guard('transcript', () => followed.follower.finish());
    this.options.emit(finishTranscript(followed.state, this.options.now()));
  }

  /**
   * The fallback: a transcript created (or, for an old-style resume, grown) since we started, in
   * this project's folder, that no other live session follows. Named methods get a grace period.
   */
  private scan(final = false): void {
    const { plan, startedAt } = this.options;
    if (!final && plan.method !== 'transcript-scan' && this.options.now() - startedAt < NAMED_GRACE_MS) return;
    const claimed = this.options.claimedElsewhere?.() ?? new Set<string>();
    let best: { file: string; mtimeMs: number } | null = null;
    for (const folder of this.folders) {
      for (const name of listTranscripts(folder)) {
        const file = join(folder, name);
        if (claimed.has(file)) continue;
        const stat = statQuietly(file);
        if (!stat) continue;
        const before = this.snapshot.get(file);
        const isNew = before === undefined ? stat.mtimeMs >= startedAt - CLOCK_SLACK_MS : stat.size > before;
        if (isNew && (best === null || stat.mtimeMs > best.mtimeMs)) best = { file, mtimeMs: stat.mtimeMs };
      }
    }
    if (best) this.follow(best.file, null);
  }

  private guard(part: string, action: () => void): void {
    try {
      action();
    } catch (error) {
      this.options.logger.error(`${part} reading failed`, error);
    }
  }
}

/** The inbox exists, owner-only, before Claude can run a hook; old ones of crashed runs are removed. */
function prepareInbox(file: string): void {
  const dir = dirname(file);
  ensurePrivateDir(dir);
  const now = Date.now();
  for (const name of readdirQuietly(dir)) {
    const stat = statQuietly(join(dir, name));
    if (stat && now - stat.mtimeMs > STALE_INBOX_MS) removeQuietly(join(dir, name));
  }
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}
