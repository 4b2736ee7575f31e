/**
 * Claude Code output to seed the generators with: the fixtures in test/fixtures (captures of the
 * real CLI and files that follow public ones; see SOURCES.md there), and mutations of it:
 * truncated at a random byte, bytes flipped, invalid UTF-8 and CRs spliced in, huge strings
 * inserted, JSON values swapped for random ones.
 */
import fc from 'fast-check';
import { fixtureNames, readFixture } from '../../support/fixtures.js';

const FILE_KINDS = ['.jsonl', '.json'];

export function fixtureFiles(folder: string): Array<{ name: string; text: string }> {
  return fixtureNames(folder, FILE_KINDS).map((name) => ({ name, text: readFixture(folder, name) }));
}

function readLines(folder: string): string[] {
  return fixtureFiles(folder)
    .flatMap(({ text }) => text.split('\n'))
    .filter((line) => line.trim() !== '');
}

export const TRANSCRIPT_LINES = readLines('transcripts');
/** Only the .jsonl streams: the .json files are pretty-printed single objects. */
export const HEADLESS_LINES = fixtureFiles('headless')
  .flatMap(({ name, text }) => (name.endsWith('.jsonl') ? text.split('\n') : [JSON.stringify(JSON.parse(text))]))
  .filter((line) => line.trim() !== '');
export const HOOK_LINES = readLines('hooks');
export const STATUSLINE_LINES = readLines('statusline');

export interface RateLimitRow {
  text: string;
  kind: string;
}

/** test/fixtures/ratelimit-messages.tsv: the 55 wordings users reported; `\n` in text is a line break. */
export const RATE_LIMIT_ROWS: RateLimitRow[] = readFixture('ratelimit-messages.tsv')
  .split('\n')
  .slice(1)
  .filter((line) => line !== '')
  .map((line) => {
    const [text = '', kind = ''] = line.split('\t');
    return { text: text.replace(/\\n/g, '\n'), kind };
  });

/** Bytes that break UTF-8 or line handling. */
const NASTY_BYTES: readonly number[][] = [
  [0xff],
  [0xc3],
  [0xe2, 0x82],
  [0xf0, 0x9f, 0x98],
  [0xed, 0xa0, 0x80],
  [0xc0, 0xaf],
  [0x0d],
  [0x00],
  [0x0d, 0x0a],
  [0x1b, 0x5b, 0x33, 0x31, 0x6d],
  [0xef, 0xbb, 0xbf],
];

/** Up to `max` bytes of one character repeated: a huge string without a huge generator. */
export const hugeBytes = (max: number): fc.Arbitrary<Buffer> =>
  fc.tuple(fc.integer({ min: 0, max }), fc.constantFrom('x', '"', '\\', '{', 'é', '😀', ' ', '\r')).map(([length, char]) => {
    const unit = Buffer.from(char);
    return Buffer.alloc(Math.max(unit.length, length - (length % unit.length)), unit);
  });

type Mutation = (bytes: Buffer) => Buffer;

/** One byte-level mutation of a line. */
export const byteMutation = (hugeMax = 64 * 1024): fc.Arbitrary<Mutation> =>
  fc.oneof(
    fc.nat().map((at): Mutation => (bytes) => bytes.subarray(0, at % (bytes.length + 1))),
    fc.nat().map((at): Mutation => (bytes) => bytes.subarray(at % (bytes.length + 1))),
    fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })).map(([at, xor]): Mutation => (bytes) => {
      if (bytes.length === 0) return bytes;
      const copy = Buffer.from(bytes);
      copy[at % copy.length] = copy[at % copy.length]! ^ xor;
      return copy;
    }),
    fc.tuple(fc.nat(), fc.constantFrom(...NASTY_BYTES)).map(([at, nasty]): Mutation => (bytes) => splice(bytes, at, Buffer.from(nasty))),
    fc.tuple(fc.nat(), hugeBytes(hugeMax)).map(([at, huge]): Mutation => (bytes) => splice(bytes, at, huge)),
    fc.tuple(fc.nat(), fc.uint8Array({ maxLength: 16 })).map(([at, random]): Mutation => (bytes) => splice(bytes, at, Buffer.from(random))),
    fc.constant<Mutation>((bytes) => Buffer.concat([bytes, bytes])),
  );

function splice(bytes: Buffer, at: number, insert: Buffer): Buffer {
  const index = at % (bytes.length + 1);
  return Buffer.concat([bytes.subarray(0, index), insert, bytes.subarray(index)]);
}

/** A real line with zero to three byte mutations, as bytes. */
export const mutatedLineBytes = (lines: readonly string[], hugeMax?: number): fc.Arbitrary<Buffer> =>
  fc.tuple(fc.constantFrom(...lines), fc.array(byteMutation(hugeMax), { maxLength: 3 })).map(([line, mutations]) =>
    mutations.reduce<Buffer>((bytes, mutate) => mutate(bytes), Buffer.from(line)),
  );

/** A random JSON-ish value, with the odd ones a file may hold: huge numbers, timestamps at the ends of Date's range. */
export const oddJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom<unknown>(
    null, true, false, 0, -1, 1e308, -0, 1.5, 8.64e15, -8.64e15, '', ' ', 'NaN', '<synthetic>', [], {}, 'rate_limit', 'rejected', 'five_hour', 429,
    // Timestamps Date.parse reads at the ends of its range, and ones it cannot read.
    '+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00.000Z', '2026-13-45T99:99:99Z',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.double(),
);

/**
 * A real JSON line with zero to three of its values (at any depth) replaced by random ones, as
 * a parsed value: the structures Claude writes, with the types and shapes a broken or future
 * version might put in their place.
 */
export const mutatedJson = (lines: readonly string[]): fc.Arbitrary<unknown> =>
  fc.tuple(fc.constantFrom(...lines), fc.array(fc.tuple(fc.nat(), oddJsonValue), { maxLength: 3 })).map(([line, swaps]) => {
    let value: unknown = JSON.parse(line);
    for (const [pick, replacement] of swaps) value = replaceAt(value, pick, replacement);
    return value;
  });

/** `value` with its `pick`-th node (depth first, the root is 0) replaced by `replacement`. */
function replaceAt(value: unknown, pick: number, replacement: unknown): unknown {
  const nodes = countNodes(value);
  let index = pick % nodes;
  const walk = (node: unknown): unknown => {
    if (index === 0) {
      index = -1;
      return replacement;
    }
    index -= 1;
    if (index < 0) return node;
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, walk(child)]));
    }
    return node;
  };
  return walk(value);
}

function countNodes(value: unknown): number {
  if (Array.isArray(value)) return 1 + value.reduce<number>((sum, child) => sum + countNodes(child), 0);
  if (value !== null && typeof value === 'object') return 1 + Object.values(value).reduce<number>((sum, child) => sum + countNodes(child), 0);
  return 1;
}

/** A line to feed a parser: a real one mutated at the byte level, a real one with random values, or random text. */
export const anyLine = (lines: readonly string[], hugeMax?: number): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: mutatedLineBytes(lines, hugeMax).map((bytes) => bytes.toString('utf8')) },
    { weight: 3, arbitrary: mutatedJson(lines).map((value) => JSON.stringify(value) ?? 'undefined') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('utf8')) },
  );

/**
 * The TSV wordings where Claude writes them, as JSON lines: a transcript system line, an error
 * placeholder, an api_error body, a hook's StopFailure, a failed print-mode result. Mutated with
 * mutatedJson they reach the limit readers with odd timestamps, types and shapes.
 */
export const LIMIT_LINES: string[] = RATE_LIMIT_ROWS.flatMap(({ text }) => [
  JSON.stringify({ type: 'system', subtype: 'informational', content: text, timestamp: '2026-01-23T11:00:00.000Z', sessionId: 's1' }),
  JSON.stringify({
    type: 'assistant',
    isApiErrorMessage: true,
    error: 'rate_limit',
    message: { id: 'm1', model: '<synthetic>', content: [{ type: 'text', text }], usage: { input_tokens: 0, output_tokens: 0 } },
    timestamp: '2026-01-23T11:00:00.000Z',
  }),
  JSON.stringify({
    type: 'system',
    subtype: 'api_error',
    retryAttempt: 1,
    error: { status: 429, headers: { 'retry-after': '30' }, error: { error: { type: 'rate_limit_error', message: text } } },
    timestamp: '2026-01-23T11:00:00.000Z',
  }),
  JSON.stringify({ hook_event_name: 'StopFailure', error: 'rate_limit', error_message: text, session_id: 's1', at: 1_769_166_000_000 }),
  JSON.stringify({ type: 'result', subtype: 'success', is_error: true, result: text, session_id: 's1', total_cost_usd: 0.1 }),
]);
