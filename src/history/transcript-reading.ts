import { dirname } from 'node:path';
import type { Fact } from '../core/facts.js';
import { completeLines } from '../ingest/transcript-file.js';
import { INITIAL_TRANSCRIPT_STATE, isInertLine, parseTranscriptLine, type TranscriptState } from '../ingest/transcript-line.js';
import { ledgerLimitOf, ledgerMessageOf, type LedgerLimit, type LedgerMessage } from '../store/ledger.js';

/**
 * One transcript file read from where the last import stopped to its last complete line (a line
 * still being written waits for the next import): the reports of messages and limits it holds,
 * in order, and what the file says of itself. Reading touches no database, so files can be read
 * anywhere (in worker threads) and written in their order by one writer.
 */

export interface ReadingJob {
  root: string;
  path: string;
  /** Where to start, and the parse state the last import left there; 0 and null to read it all. */
  offset: number;
  state: TranscriptState | null;
  /** Epoch ms: the time of a line that has none. */
  now: number;
  timeZone: string;
}

export interface FileIdentity {
  sessionId: string | null;
  cwd: string | null;
  version: string | null;
  firstAt: number | null;
  lastAt: number | null;
  /** Claude's cumulative cost figure, the last the file holds. */
  cost: number | null;
}

export interface TranscriptReading {
  path: string;
  /** Just past the last complete line read. */
  offset: number;
  bytesRead: number;
  state: TranscriptState;
  identity: FileIdentity;
  lines: number;
  prompts: number;
  turns: number;
  rejected: number;
  /** The first reasons lines were rejected. */
  rejections: string[];
  messages: LedgerMessage[];
  limits: LedgerLimit[];
}

const KEPT_REJECTIONS = 5;
const READ_CHUNK_BYTES = 1024 * 1024;

/** One buffer for every file a thread reads, one after another: a fresh one per file would cost more than reading it. */
let sharedBuffer: Buffer | undefined;

export function readTranscript(job: ReadingJob): TranscriptReading {
  let state = job.state ?? INITIAL_TRANSCRIPT_STATE;
  const reading: TranscriptReading = {
    path: job.path,
    offset: job.offset,
    bytesRead: 0,
    state,
    // A resumed read knows the session from the parse state: its lines name it again only on a change.
    identity: { sessionId: state.sessionId, cwd: state.cwd, version: state.version, firstAt: null, lastAt: null, cost: null },
    lines: 0,
    prompts: 0,
    turns: 0,
    rejected: 0,
    rejections: [],
    messages: [],
    limits: [],
  };
  const reject = (reason: string): void => {
    reading.rejected += 1;
    if (reading.rejections.length < KEPT_REJECTIONS) reading.rejections.push(reason);
  };
  const buffer = (sharedBuffer ??= Buffer.allocUnsafe(READ_CHUNK_BYTES));
  for (const { bytes, end } of completeLines(job.path, job.offset, { buffer, onOversized: () => reject('a line over 64 MB') })) {
    reading.offset = end;
    reading.lines += 1;
    if (isInertLine(bytes)) continue;
    const result = parseTranscriptLine(bytes.toString('utf8'), { now: job.now, timeZone: job.timeZone, state });
    state = result.state;
    if (result.isUserPrompt) reading.prompts += 1;
    for (const fact of result.facts) {
      noteFact(fact, reading, reject);
      const { identity } = reading;
      if (fact.kind === 'usage') {
        // The line's own session wins: a 1.x resume names the new session on the lines it copies.
        reading.messages.push(ledgerMessageOf(fact, { claudeSessionId: identity.sessionId, file: job.path, cwd: identity.cwd, at: 0 }));
      } else if (fact.kind === 'rate-limit') {
        // The account is the config directory the transcript is under; the words are not kept.
        reading.limits.push(ledgerLimitOf(fact, { account: dirname(job.root), claudeSessionId: identity.sessionId, runId: null, file: job.path }, { keepText: false }));
      }
    }
  }
  reading.state = state;
  reading.bytesRead = reading.offset - job.offset;
  return reading;
}

function noteFact(fact: Fact, reading: TranscriptReading, reject: (reason: string) => void): void {
  const { identity } = reading;
  switch (fact.kind) {
    case 'session-identified':
      identity.sessionId ??= fact.claudeSessionId;
      identity.cwd = fact.cwd ?? identity.cwd;
      identity.version = fact.claudeVersion ?? identity.version;
      break;
    case 'usage':
      if (fact.at !== undefined) {
        identity.firstAt = Math.min(identity.firstAt ?? fact.at, fact.at);
        identity.lastAt = Math.max(identity.lastAt ?? fact.at, fact.at);
      }
      break;
    case 'turn-completed':
      reading.turns += 1;
      break;
    case 'cost-reported':
      identity.cost = fact.costUsd;
      break;
    case 'line-rejected':
      reject(fact.reason);
      break;
    default:
      break;
  }
}
