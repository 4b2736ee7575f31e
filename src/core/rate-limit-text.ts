/**
 * Recognises the limit and warning messages Claude Code prints, in every wording its published
 * packages carry, 0.2.x to 2.1.330 (each wording with the releases that print it is a row of
 * test/unit/limit-wordings.test.ts; test/fixtures/ratelimit-messages.tsv lists those users
 * reported). Pure: `now` and the fallback zone come from the caller.
 */
import type { LimitKind, LimitSeverity, ResetPrecision } from './facts.js';
import { windowKindOf } from './limit-windows.js';
import { parseResetTime, type ResetTime, type ResetTimeOptions } from './reset-time.js';

export interface RateLimitMatch {
  severity: LimitSeverity;
  limitKind: LimitKind;
  /** The matched message, trimmed, one line. */
  text: string;
  resetsAt: number | null;
  /** How exact `resetsAt` is: an epoch after the bar names the second, a shown time the minute. */
  resetPrecision: ResetPrecision;
  /** 0..1, from "You've used 93% of your 5-hour limit". */
  utilization?: number;
}

export type RateLimitTextOptions = ResetTimeOptions;

/** The window a `rateLimitType` names; one this version does not know is still a subscription limit. */
export function limitKindFromRateLimitType(type: string): LimitKind {
  return windowKindOf(type) ?? 'subscription';
}

interface Classified {
  severity: LimitSeverity;
  limitKind: LimitKind;
  utilization?: number;
}

type Rule = (body: string, hasErrorPrefix: boolean) => Classified | null;

const APOSTROPHE = "['’]";
/** What may follow a message's head: the end, a separator, or punctuation; never more prose words. */
const END = String.raw`(?=\s*(?:$|[·∙•.,;:|(—–]))`;
const WINDOW_NAME = String.raw`((?:[\w'’$-]+\s+){0,4}?(?:limit|budget|cap))`;

/*
 * Anchoring rule: a message counts only when it starts the line, optionally after spaces, the
 * `⎿` glyph of a tool result or system line, and `Error:` / `API Error:`. Claude's own prose
 * starts with `⏺` on the screen, and a file, grep hit, diff, code line, quote or markdown bullet
 * that contains these words puts something else first (a line number, path, `+`, quote, `-`),
 * so the same words inside shown content do not match. After its head, a message may only go on
 * with a separator (`·`, `∙`, `.`, `,`, `(`…), so a sentence that merely begins with "Session
 * limit reached" and continues with other words is not taken for one. Text given as several
 * lines is read from its first non-blank line only: a message starts the text.
 */
const LEADER = /^[\s\u00a0]*(?:⎿[\s\u00a0]*)?/;
const ERROR_PREFIX = /^(?:API\s+)?Error:\s*/i;
const STATUS_ERROR = /^(?:API\s+)?Error(?::\s*|\s*\(\s*)(?:(\d{3})\b\s*)?(\{.*)?/i;
const RESET_PHRASE = /(?:\|(?=\s*\d)|\breached:\s*|\b(?:resets?|regain access|continue automatically)\b)(.*)$/i;

/**
 * The window a message names ("5-hour limit", "Opus weekly", "usage credit limit"), or null
 * when the words name none we know ("Context limit", "fast limit").
 */
function classifyWindowName(name: string): LimitKind | null {
  const words = name.toLowerCase().replace(/\blimit\b/g, '').trim();
  // Fast mode's cooldown only drops back to normal speed; nothing is blocked.
  if (/\bfast\b/.test(words)) return null;
  if (/\b(?:5-hour|five-hour|session)\b/.test(words)) return 'five_hour';
  // 2.1.x names the weekly window that counts extra usage too after its model.
  if (/\bfable\b/.test(words)) return 'seven_day_overage_included';
  if (/\bopus\b/.test(words)) return 'seven_day_opus';
  if (/\bsonnet\b/.test(words)) return 'seven_day_sonnet';
  if (/\b(?:weekly|7-day)\b/.test(words)) return 'seven_day';
  // "usage credit limit" is what 2.1.x calls the overage window in its warnings, "spending cap" 1.0.85 to 2.0.49.
  if (/\b(?:extra usage|usage credits?|spending cap)\b/.test(words)) return 'overage';
  if (/\b(?:spend|budget|monthly|individual|org's|org’s|group)\b/.test(words)) return 'credits';
  if (/^(?:(?:your|claude|claude ai)\s*)?(?:usage)?$/.test(words)) return 'subscription';
  return null;
}

const limit = (limitKind: LimitKind): Classified => ({ severity: 'limit', limitKind });
const warning = (limitKind: LimitKind, utilization?: number): Classified =>
  utilization === undefined ? { severity: 'warning', limitKind } : { severity: 'warning', limitKind, utilization };

const HIT_YOUR = new RegExp(`^You${APOSTROPHE}ve (?:hit|reached) your ${WINDOW_NAME}${END}`, 'i');
// Each word before "limit" has a letter: a bare number first is a line number (`cat -n`, a grep hit).
// 1.0.85 to 2.0.49 go on with "–" ("Limit reached – contact an admin to keep working").
const LIMIT_REACHED = /^((?:(?=[\w-]*[a-z])[\w-]+\s+){0,3}?)limit reached(?:\s+again)?(?=\s*(?:$|[·∙.|:–—]))/i;
/** 1.0.85 to 2.0.49, both the plan's window and the extra-usage cap spent: "Spending cap reached resets 1:24am". */
const SPENDING_CAP_REACHED = /^Spending cap reached(?=\s*(?:$|[·∙.|:–—]|resets\b))/i;
/** 1.0.85 to 2.0.49 for team and enterprise seats: "Session limit resets 6pm ∙ contact an admin to keep working". */
const TEAM_LIMIT_RESETS = /^((?:(?=[\w-]*[a-z])[\w-]+\s+){0,2}?)limit (?:resets\b[^·∙]*|reached\s*)[·∙]\s*contact an admin\b/i;
/**
 * Work goes on at extra cost after a window is spent, so it is a warning, not a wall:
 * "5-hour limit reached, now using extra usage" (1.0.85), "Weekly limit reached · resets … · now
 * using extra usage" (2.0.51), "You're now using extra usage · Your session limit resets 6am"
 * (2.0.71), "Now using usage credits for Opus · Your Opus limit resets …" (2.1.x).
 */
const NOW_USING_EXTRA = /\bnow using (?:extra usage|(?:your )?usage (?:credits|allocation)|credits)\b/i;
const NOW_USING_HEAD = new RegExp(`^(?:You${APOSTROPHE}re now using|Now using|((?:(?=[\\w-]*[a-z])[\\w-]+\\s+){0,3}?)limit reached\\b)`, 'i');
const NOW_USING_WINDOW = /\b(?:your ((?:[\w'’-]+\s+){0,2}?limit) resets|usage credits for (\w+))\b/i;
/** 2.0.51 to 2.0.69: "93% of 5-hour limit used · resets 6am". */
const PERCENT_OF = /^(\d{1,3})% of ((?:[\w'’-]+\s+){0,3}?[\w'’-]+) used\b/i;
const MODEL_FALLBACK = /^Claude ((?:[\w.-]+\s+){0,3}?)limit reached, now using\b/i;
const OUT_OF_EXTRA_USAGE = new RegExp(`^You${APOSTROPHE}re out of extra usage${END}`, 'i');
const CREDITS = new RegExp(
  [
    `^You${APOSTROPHE}re out of usage credits`,
    '^Your org is out of usage',
    `^Your seat type doesn${APOSTROPHE}t include (?:extra )?usage`,
    '^Your usage allocation has been disabled',
    `^Your group${APOSTROPHE}s usage limit is set to`,
    '^(?:Your )?credit balance (?:is )?too low',
    '^You have reached your specified API usage limits',
    '^Usage credits (?:are )?required for',
    String.raw`^(?:Claude )?(?:Fable|Haiku|Mythos|Opus|Sonnet)(?: [^·∙]{1,40})? requires usage credits\.`,
    '^Usage is paused for your organization',
  ].join('|'),
  'i',
);
const SERVER_LIMITING = /^Server is temporarily limiting requests\b/i;
const REQUEST_REJECTED = /^Request rejected \(429\)(.*)$/i;
const API_RATE_LIMITED = /^Rate limit(?:ed|\s+reached)\b/i;
const API_RATE_LIMIT_MESSAGE =
  /^(?:This request would exceed (?:your account's|the) rate limit|Number of (?:[\w-]+\s+){0,3}has exceeded your [\w-]+ rate limit)/i;
const USED_PERCENT = new RegExp(`^You${APOSTROPHE}ve used (\\d{1,3})% of your ((?:[\\w'’-]+\\s+){0,3}?[\\w'’-]+)${END}`, 'i');
const OVER_PERCENT = /^Over (\d{1,3})% of your ((?:[\w'’-]+\s+){0,3}?[\w'’-]+) used\b/i;
const CLOSE_TO = new RegExp(`^You${APOSTROPHE}re close to your ${WINDOW_NAME}${END}`, 'i');
const APPROACHING = new RegExp(`^Approaching ${WINDOW_NAME}${END}`, 'i');
/** 2.1.x prints percentages and "close to" for the overage window as "usage" / "usage limit". */
const OVERAGE_WARNING_NAME = /^usage(?: limit)?$/i;

const RULES: readonly Rule[] = [
  (body) => {
    const match = MODEL_FALLBACK.exec(body);
    return match ? warning(classifyWindowName(match[1] ?? '') ?? 'subscription') : null;
  },
  (body) => {
    const head = NOW_USING_HEAD.exec(body);
    if (!head || !NOW_USING_EXTRA.test(body)) return null;
    const named = NOW_USING_WINDOW.exec(body);
    const name = head[1] !== undefined ? `${head[1]}limit` : (named?.[1] ?? (named?.[2] ? `${named[2]} limit` : null));
    return warning(name === null ? 'overage' : (classifyWindowName(name) ?? 'subscription'));
  },
  (body) => (SPENDING_CAP_REACHED.test(body) ? limit('subscription') : null),
  (body) => {
    const match = TEAM_LIMIT_RESETS.exec(body);
    return match ? limit(classifyWindowName(match[1] ?? '') ?? 'subscription') : null;
  },
  (body) => {
    const match = HIT_YOUR.exec(body);
    if (!match) return null;
    const name = match[1] ?? '';
    // The CLI treats every "You've hit your …" as a limit; a window we do not know is still one.
    if (/\bfast\b/i.test(name)) return null;
    return limit(classifyWindowName(name) ?? 'subscription');
  },
  (body) => (OUT_OF_EXTRA_USAGE.test(body) ? limit('overage') : null),
  (body) => (CREDITS.test(body) ? limit('credits') : null),
  (body) => (SERVER_LIMITING.test(body) ? limit('server_rate_limit') : null),
  (body) => {
    const match = REQUEST_REJECTED.exec(body);
    if (!match) return null;
    const detail = (match[1] ?? '').replace(/^\s*[·∙:]\s*/, '');
    return limit(CREDITS.test(detail) || /^spend limit reached\b/i.test(detail) ? 'credits' : 'api_rate_limit');
  },
  (body, hasErrorPrefix) => (hasErrorPrefix && API_RATE_LIMITED.test(body) ? limit('api_rate_limit') : null),
  (body) => (API_RATE_LIMIT_MESSAGE.test(body) ? limit('api_rate_limit') : null),
  (body) => {
    const match = LIMIT_REACHED.exec(body);
    if (!match) return null;
    const kind = classifyWindowName(match[1] ?? '');
    return kind === null ? null : limit(kind);
  },
  (body) => {
    const match = USED_PERCENT.exec(body);
    if (!match) return null;
    const percent = Number(match[1]);
    if (percent > 100) return null;
    const name = match[2] ?? '';
    const kind = OVERAGE_WARNING_NAME.test(name) ? 'overage' : classifyWindowName(name);
    return kind === null ? null : warning(kind, percent / 100);
  },
  (body) => {
    const match = PERCENT_OF.exec(body);
    if (!match) return null;
    const percent = Number(match[1]);
    const kind = classifyWindowName(match[2] ?? '');
    return kind === null || percent > 100 ? null : warning(kind, percent / 100);
  },
  (body) => {
    // "Over 75%" is a threshold crossed, not a reading, so it carries no utilization.
    const match = OVER_PERCENT.exec(body);
    if (!match) return null;
    const name = match[2] ?? '';
    const kind = OVERAGE_WARNING_NAME.test(name) ? 'overage' : classifyWindowName(name);
    return kind === null ? null : warning(kind);
  },
  (body) => {
    const match = CLOSE_TO.exec(body);
    if (!match) return null;
    const name = match[1] ?? '';
    return warning(OVERAGE_WARNING_NAME.test(name) ? 'overage' : (classifyWindowName(name) ?? 'subscription'));
  },
  (body) => {
    const match = APPROACHING.exec(body);
    if (!match) return null;
    const kind = classifyWindowName(match[1] ?? '');
    return kind === null ? null : warning(kind);
  },
];

/**
 * Matches one line of Claude's output against the limit and warning messages. Returns null for
 * anything else, including 529 overloaded and 500 errors.
 */
export function matchRateLimitText(text: string, opts: RateLimitTextOptions): RateLimitMatch | null {
  const firstLine = text.split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
  const message = firstLine.replace(LEADER, '').trimEnd();
  if (message === '') return null;
  const classified = classifyErrorStatus(message, opts) ?? classifyMessage(message, opts);
  if (!classified) return null;
  const { reset, ...rest } = classified;
  return { ...rest, text: message, resetsAt: reset?.resetsAt ?? null, resetPrecision: reset?.precision ?? 'minute' };
}

type ClassifiedWithReset = Classified & { reset: ResetTime | null };

function classifyMessage(message: string, opts: RateLimitTextOptions): ClassifiedWithReset | null {
  const body = message.replace(ERROR_PREFIX, '');
  const hasErrorPrefix = body.length !== message.length;
  for (const rule of RULES) {
    const classified = rule(body, hasErrorPrefix);
    if (classified) return { ...classified, reset: findReset(body, opts) };
  }
  return null;
}

/**
 * `Error: 429 {…}`, `API Error (529 {…}) · Retrying…`: the status and the API's error body
 * decide. The body's own message is read like any other line, so a 400 that says "You have
 * reached your specified API usage limits" is a credits limit.
 */
function classifyErrorStatus(message: string, opts: RateLimitTextOptions): ClassifiedWithReset | null {
  const match = STATUS_ERROR.exec(message);
  if (!match || (match[1] === undefined && match[2] === undefined)) return null;
  const status = match[1] === undefined ? null : Number(match[1]);
  const json = match[2] ?? '';
  const errorType = /"type"\s*:\s*"(\w+_error)"/.exec(json)?.[1] ?? null;
  const apiMessage = readJsonMessage(json);
  const inner = apiMessage === null ? null : classifyMessage(apiMessage, opts);
  if (inner) return inner;
  if (status === 429 || errorType === 'rate_limit_error') return { ...limit('api_rate_limit'), reset: null };
  return null;
}

function readJsonMessage(json: string): string | null {
  const raw = /"message"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(json)?.[1];
  if (raw === undefined) return null;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

function findReset(body: string, opts: RateLimitTextOptions): ResetTime | null {
  const phrase = RESET_PHRASE.exec(body)?.[1];
  if (phrase === undefined) return null;
  return parseResetTime(phrase, opts);
}
