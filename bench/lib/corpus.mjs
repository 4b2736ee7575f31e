// A large Claude Code history made from the repository's transcript fixtures: each fixture copied
// until the history holds the size asked for, every copy re-keyed (session, message and request
// ids) and moved to a project and a day of its own within 60 days, so nothing de-duplicates away.
// The copies are made in a fixed order, so a history grown from 200 to 800 MB holds the 200 MB
// one as it was.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DAY = 86_400_000;
const START = Date.UTC(2026, 8, 1);
const PROJECTS = 40;

/**
 * The transcripts a history is grown from: `dir` when given (your own, say), else the fixtures'
 * test/fixtures/transcripts when it exists, else every transcript under test/fixtures; in each
 * case only those both tools count alike.
 */
export function sourceTranscripts(root, dir) {
  const preferred = join(root, 'test', 'fixtures', 'transcripts');
  const from = dir ?? (existsSync(preferred) ? preferred : join(root, 'test', 'fixtures'));
  const files = listJsonl(from).filter((file) => !holdsUnkeyedCopies(file));
  if (files.length === 0) throw new Error(`no transcripts (*.jsonl) under ${from} whose every message names its request`);
  return files;
}

/**
 * Whether a transcript holds a message line without a request id: Claude Code 1.x writes those
 * when it copies a resumed session's messages into the new file. We count such a copy once, as
 * the message it repeats; ccusage cannot tell it from a new message and counts every copy, so a
 * history holding them has no common total to compare.
 */
function holdsUnkeyedCopies(file) {
  return readFileSync(file, 'utf8')
    .split('\n')
    .some((line) => {
      const entry = parseQuietly(line);
      return typeof entry === 'object' && entry.type === 'assistant' && typeof entry.message?.id === 'string' && typeof entry.requestId !== 'string';
    });
}

function listJsonl(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return listJsonl(path);
      return entry.isFile() && entry.name.endsWith('.jsonl') && statSync(path).size > 0 ? [path] : [];
    })
    .sort();
}

/** A history under `home/.claude/projects` that grows on request. */
export function createCorpus(home, sourceFiles) {
  const sources = sourceFiles.map((file, index) => ({
    name: `f${index}`,
    entries: readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map(parseQuietly),
  }));
  let copy = 0;
  let bytes = 0;
  let files = 0;
  return {
    get bytes() {
      return bytes;
    },
    get files() {
      return files;
    },
    /** Adds copies until the history holds at least `megabytes` MB. */
    growTo(megabytes) {
      while (bytes < megabytes * 1e6) {
        const folder = join(home, '.claude', 'projects', `-work-project-${copy % PROJECTS}`);
        mkdirSync(folder, { recursive: true });
        for (const source of sources) {
          const session = `${copy.toString(16).padStart(8, '0')}-0000-4000-8000-${source.name.padStart(12, '0')}`;
          const text = `${source.entries.map((entry) => rekey(entry, copy, session)).join('\n')}\n`;
          writeFileSync(join(folder, `${session}.jsonl`), text);
          bytes += Buffer.byteLength(text);
          files += 1;
        }
        copy += 1;
      }
    },
  };
}

function parseQuietly(line) {
  try {
    const entry = JSON.parse(line);
    return entry !== null && typeof entry === 'object' ? entry : line;
  } catch {
    return line;
  }
}

/** One transcript line as another session on another day would have written it. */
function rekey(entry, copy, session) {
  if (typeof entry === 'string') return entry;
  const day = START + (copy % 60) * DAY;
  const out = { ...entry };
  if (typeof out.sessionId === 'string') out.sessionId = session;
  if (typeof out.cwd === 'string') out.cwd = `/work/project-${copy % PROJECTS}`;
  if (typeof out.requestId === 'string') out.requestId = `${out.requestId}-${copy}`;
  if (typeof out.uuid === 'string') out.uuid = `${out.uuid}-${copy}`;
  if (out.message && typeof out.message === 'object' && typeof out.message.id === 'string') out.message = { ...out.message, id: `${out.message.id}-${copy}` };
  if (out.message?.usage) out.message = { ...out.message, usage: consistentUsage(out.message.usage) };
  if (typeof out.timestamp === 'string') {
    const time = Date.parse(out.timestamp);
    // Keep the time of day, move the date: sessions spread over 60 days.
    if (Number.isFinite(time)) out.timestamp = new Date(day + (((time % DAY) + DAY) % DAY)).toISOString();
  }
  return JSON.stringify(out);
}

/**
 * Usage whose cache-write split adds up to its total, as the API's always does. Our mock API
 * reports the total with an empty split; ccusage takes the split when there is one and we take
 * the total, so such lines would make the totals differ for a reason no real history has.
 */
function consistentUsage(usage) {
  const split = usage.cache_creation;
  const total = usage.cache_creation_input_tokens;
  if (split === null || typeof split !== 'object' || typeof total !== 'number') return usage;
  const hour = typeof split.ephemeral_1h_input_tokens === 'number' ? split.ephemeral_1h_input_tokens : 0;
  const minutes = typeof split.ephemeral_5m_input_tokens === 'number' ? split.ephemeral_5m_input_tokens : 0;
  if (hour + minutes === total || hour > total) return usage;
  return { ...usage, cache_creation: { ...split, ephemeral_5m_input_tokens: total - hour } };
}
