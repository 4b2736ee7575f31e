import { closeSync, openSync, readSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Fact } from '../core/facts.js';
import type { WatchPlan } from '../core/watch-plan.js';
import { parseHookLine } from '../ingest/hook-event.js';
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
  pollMs?: number;
}

interface FollowedTranscript {
  follower: FileFollower;
  state: TranscriptState;
  /** Claude's cost figure in the part of a resumed transcript written before we started. */
  costBaseline: number;
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
  private readonly snapshot: Map<string, number>;
  private readonly folders: string[];
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly options: SessionWatchOptions) {
    const project = options.project ?? snapshotProject(options.env, options.cwd);
    this.folders = project.folders;
    this.snapshot = project.sizes;
    // The hooks write to the inbox, and so does `cw statusline` whatever the plan: always followed.
    this.inbox = new FileFollower({ file: options.inboxFile, onLine: (line) => this.readInboxLine(line) });
  }

  get transcriptPath(): string | null {
    return this.transcript?.follower.file ?? null;
  }

  start(): void {
    if (this.inbox) prepareInbox(this.options.inboxFile);
    const chosen = this.options.plan.claudeSessionId;
    if (chosen !== null && this.folders[0] !== undefined) this.follow(join(this.folders[0], `${chosen}.jsonl`), chosen);
    this.timer = setInterval(() => this.tick(), this.options.pollMs ?? DEFAULT_POLL_MS);
    this.timer.unref();
  }

  /** Claude exited: read what is left, close the last turn, remove the inbox. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.guard('inbox', () => this.inbox?.finish());
    this.finishTranscript();
    if (this.inbox) removeQuietly(this.options.inboxFile);
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
    const followed: FollowedTranscript = {
      state: INITIAL_TRANSCRIPT_STATE,
      costBaseline: startOffset > 0 ? lastReportedCost(file, startOffset) : 0,
      follower: new FileFollower({
        file,
        startOffset,
        onLine: (line) => this.readTranscriptLine(followed, line),
        onRestart: () => {
          followed.state = INITIAL_TRANSCRIPT_STATE;
          followed.costBaseline = 0;
          this.options.logger.warn(`transcript ${file} shrank or was replaced; reading it again from the start`);
        },
        onOversizedLine: (bytes) => this.options.emit([{ kind: 'line-rejected', source: 'transcript', reason: `line of ${bytes} bytes skipped` }]),
      }),
    };
    this.transcript = followed;
    const sessionId = claudeSessionId ?? basename(file, '.jsonl');
    this.options.emit([{ kind: 'session-identified', source: 'transcript', claudeSessionId: sessionId, transcriptPath: file, transcriptOffset: startOffset }]);
    this.options.logger.debug(`following transcript ${file} from byte ${startOffset}`);
  }

  private readTranscriptLine(followed: FollowedTranscript, line: string): void {
    const result = parseTranscriptLine(line, { now: this.options.now(), timeZone: this.options.timeZone, state: followed.state });
    followed.state = result.state;
    this.options.emit(result.facts.map((fact) => this.scoped(followed, fact)));
  }

  /** Cost figures are cumulative per transcript: each keeps its own scope, minus what came before us. */
  private scoped(followed: FollowedTranscript, fact: Fact): Fact {
    if (fact.kind !== 'cost-reported') return fact;
    return { ...fact, costUsd: Math.max(0, fact.costUsd - followed.costBaseline), scope: followed.follower.file };
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
  private scan(): void {
    const { plan, startedAt } = this.options;
    if (plan.method !== 'transcript-scan' && this.options.now() - startedAt < NAMED_GRACE_MS) return;
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

/** How far back a resumed transcript is searched for its last cost line (Claude writes one at each exit). */
const COST_LOOKBACK_BYTES = 32 * 1024 * 1024;

/** The newest cumulative cost line in the first `endOffset` bytes; 0 when there is none. */
function lastReportedCost(file: string, endOffset: number): number {
  let text: string;
  try {
    const fd = openSync(file, 'r');
    try {
      const start = Math.max(0, endOffset - COST_LOOKBACK_BYTES);
      const buffer = Buffer.alloc(endOffset - start);
      const read = readSync(fd, buffer, 0, buffer.length, start);
      text = buffer.subarray(0, read).toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return 0;
  }
  let cost = 0;
  for (const line of text.split('\n')) {
    if (!line.includes('"cost-state"')) continue;
    for (const fact of parseTranscriptLine(line, { now: 0, timeZone: 'UTC' }).facts) {
      if (fact.kind === 'cost-reported') cost = fact.costUsd;
    }
  }
  return cost;
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
