import { closeSync, openSync, readSync } from 'node:fs';
import { parseTranscriptLine } from './transcript-line.js';

/** How far back a transcript is searched for its last cost line (Claude writes one at each save). */
const COST_LOOKBACK_BYTES = 32 * 1024 * 1024;

/**
 * Claude's cumulative cost figure as the transcript held it at `endOffset`: the newest cost line
 * before that byte, 0 when there is none (versions that write none, or a session that had not
 * spent yet). What a resumed session had before a run began.
 */
export function costFigureBefore(file: string, endOffset: number): number {
  if (endOffset <= 0) return 0;
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
