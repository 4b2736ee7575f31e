import { type Calendar, formatDay, formatMonth, weekStartOf } from './calendar.js';

/**
 * Usage grouped for a report: by local day, week or month, by session, project or model. Input is
 * a flat list of usage records (one per assistant message, or one per wrapped session whose
 * transcript was never read); output rows carry totals, the models used and, on request, the same
 * totals per model.
 */

export interface UsageRecord {
  /** When it happened; for a record that sums several messages, the first of them. */
  at: number;
  /** The last message a summed record holds; absent for a single one. */
  lastAt?: number;
  /** Claude's session id; our own id for a wrapped run whose Claude session is unknown. */
  sessionId: string | null;
  project: string | null;
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  costUsd: number;
  /** False when the model had no price: its cost is missing from `costUsd`. */
  priced: boolean;
  messages: number;
  /** The machine whose export it was imported from; absent for this machine's own. */
  machine?: string;
}

export const REPORT_KINDS = ['daily', 'weekly', 'monthly', 'session', 'project', 'model', 'machine'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export interface UsageTotals {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  totalTokens: number;
  costUsd: number;
  messages: number;
  sessions: number;
  /** Models without a price, whose cost these totals leave out. */
  unpricedModels: string[];
}

export interface ModelTotals extends UsageTotals {
  model: string;
}

export interface ReportRow extends UsageTotals {
  /** The day (`2026-11-30`), week's Monday, month (`2026-11`), session id, project, model or machine. */
  key: string;
  /** For a session row: its project. */
  project?: string | null;
  firstAt: string;
  lastAt: string;
  models: string[];
  /** Per model, most expensive first, when asked for. */
  breakdown?: ModelTotals[];
  /** For a session row: our ids of the runs of that Claude session made through ClaudeWatch. */
  runs?: string[];
}

export interface Report {
  kind: ReportKind;
  timeZone: string;
  rows: ReportRow[];
  totals: UsageTotals;
}

export interface ReportOptions {
  kind: ReportKind;
  calendar: Calendar;
  breakdown: boolean;
  /** What a machine report calls this machine (its host name); records imported from others carry theirs. */
  thisMachine?: string;
}

/** Messages from Claude Code itself, not a model: never listed as a model. */
export const SYNTHETIC_MODEL = '<synthetic>';
export const UNKNOWN_PROJECT = '(unknown)';
export const THIS_MACHINE = '(this machine)';

export function buildReport(records: readonly UsageRecord[], options: ReportOptions): Report {
  const keyOf = groupKey(options.kind, options.calendar, options.thisMachine ?? THIS_MACHINE);
  const groups = new Map<string, Group>();
  const all = new Group();
  for (const record of records) {
    const key = keyOf(record);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = new Group()));
    group.add(record);
    all.add(record);
  }
  const rows = [...groups].map(([key, group]) => rowOf(key, group, options));
  sortRows(rows, options.kind);
  return { kind: options.kind, timeZone: options.calendar.timeZone, rows, totals: all.totals() };
}

function groupKey(kind: ReportKind, calendar: Calendar, thisMachine: string): (record: UsageRecord) => string {
  switch (kind) {
    case 'daily':
      return byDay(calendar, formatDay);
    case 'weekly':
      return byDay(calendar, (day) => formatDay(weekStartOf(day)));
    case 'monthly':
      return byDay(calendar, formatMonth);
    case 'session':
      return (record) => record.sessionId ?? UNKNOWN_PROJECT;
    case 'project':
      return (record) => record.project ?? UNKNOWN_PROJECT;
    case 'model':
      return (record) => record.model;
    case 'machine':
      return (record) => record.machine ?? thisMachine;
  }
}

/** Keys by local day, each day's key formatted once. */
function byDay(calendar: Calendar, format: (day: number) => string): (record: UsageRecord) => string {
  const keys = new Map<number, string>();
  return (record) => {
    const day = calendar.dayOf(record.at);
    let key = keys.get(day);
    if (key === undefined) keys.set(day, (key = format(day)));
    return key;
  };
}

function rowOf(key: string, group: Group, options: ReportOptions): ReportRow {
  const row: ReportRow = {
    key,
    ...(options.kind === 'session' ? { project: group.project } : {}),
    firstAt: new Date(group.firstAt).toISOString(),
    lastAt: new Date(group.lastAt).toISOString(),
    models: group.modelNames(),
    ...group.totals(),
  };
  if (options.breakdown) row.breakdown = group.byModel();
  return row;
}

function sortRows(rows: ReportRow[], kind: ReportKind): void {
  switch (kind) {
    case 'daily':
    case 'weekly':
    case 'monthly':
      rows.sort((a, b) => a.key.localeCompare(b.key));
      return;
    case 'session':
      // Like a history: the most recently active session last, next to the prompt.
      rows.sort((a, b) => a.lastAt.localeCompare(b.lastAt));
      return;
    case 'project':
    case 'model':
    case 'machine':
      rows.sort((a, b) => b.costUsd - a.costUsd || b.totalTokens - a.totalTokens || a.key.localeCompare(b.key));
      return;
  }
}

/** Running totals of usage records: what a report row, a model's line and a block add up. */
export class UsageSums {
  inputTokens = 0;
  outputTokens = 0;
  cacheCreationTokens = 0;
  cacheReadTokens = 0;
  costUsd = 0;
  messages = 0;
  readonly sessions = new Set<string>();
  readonly unpriced = new Set<string>();

  add(record: UsageRecord): void {
    this.inputTokens += record.inputTokens;
    this.outputTokens += record.outputTokens;
    this.cacheCreationTokens += record.cacheCreationTokens;
    this.cacheReadTokens += record.cacheReadTokens;
    this.costUsd += record.costUsd;
    this.messages += record.messages;
    if (record.sessionId !== null) this.sessions.add(record.sessionId);
    if (!record.priced && record.model !== SYNTHETIC_MODEL) this.unpriced.add(record.model);
  }

  totals(): UsageTotals {
    return {
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      cacheCreationTokens: this.cacheCreationTokens,
      cacheReadTokens: this.cacheReadTokens,
      totalTokens: this.inputTokens + this.outputTokens + this.cacheCreationTokens + this.cacheReadTokens,
      costUsd: this.costUsd,
      messages: this.messages,
      sessions: this.sessions.size,
      unpricedModels: [...this.unpriced].sort(),
    };
  }
}

class Group extends UsageSums {
  firstAt = Infinity;
  lastAt = -Infinity;
  project: string | null = null;
  private readonly models = new Map<string, UsageSums>();

  override add(record: UsageRecord): void {
    super.add(record);
    this.firstAt = Math.min(this.firstAt, record.at);
    const lastAt = record.lastAt ?? record.at;
    if (lastAt >= this.lastAt) {
      this.lastAt = lastAt;
      this.project = record.project ?? this.project;
    }
    let model = this.models.get(record.model);
    if (!model) this.models.set(record.model, (model = new UsageSums()));
    model.add(record);
  }

  modelNames(): string[] {
    return [...this.models.keys()].filter((model) => model !== SYNTHETIC_MODEL).sort();
  }

  byModel(): ModelTotals[] {
    return [...this.models]
      .filter(([model]) => model !== SYNTHETIC_MODEL)
      .map(([model, sums]) => ({ model, ...sums.totals() }))
      .sort((a, b) => b.costUsd - a.costUsd || b.totalTokens - a.totalTokens || a.model.localeCompare(b.model));
  }
}

/** `claude-sonnet-4-5-20250929` → `sonnet-4-5`: short enough for a table cell. */
export function shortModelName(model: string): string {
  return model.replace(/^claude-/, '').replace(/-\d{8}$/, '');
}

/** Opus, Sonnet, Haiku or other: the families whose limits and prices differ. */
export function modelFamily(model: string): 'opus' | 'sonnet' | 'haiku' | 'other' {
  const name = model.toLowerCase();
  if (name.includes('opus')) return 'opus';
  if (name.includes('sonnet')) return 'sonnet';
  if (name.includes('haiku')) return 'haiku';
  return 'other';
}
