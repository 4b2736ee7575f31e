import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { Calendar } from '../../src/core/calendar.js';
import { buildReport, type UsageRecord } from '../../src/core/usage-report.js';
import { renderReport } from '../../src/ui/report-render.js';

const plain = new Chalk({ level: 0 });

function record(iso: string, fields: Partial<UsageRecord> = {}): UsageRecord {
  return {
    at: Date.parse(iso),
    sessionId: 's1',
    project: '/work/app',
    model: 'claude-sonnet-4-5-20250929',
    inputTokens: 10,
    outputTokens: 20,
    cacheCreationTokens: 30,
    cacheReadTokens: 40,
    costUsd: 1,
    priced: true,
    messages: 1,
    ...fields,
  };
}

const RECORDS = [
  record('2026-11-29T23:30:00Z'),
  record('2026-11-30T08:00:00Z', { sessionId: 's2', model: 'claude-opus-4-5', costUsd: 5, project: '/work/api' }),
  record('2026-11-30T09:00:00Z', { sessionId: 's2', project: '/work/api' }),
  record('2026-12-01T10:00:00Z', { sessionId: 's3', model: 'claude-mystery-9', costUsd: 0, priced: false }),
];

describe('buildReport', () => {
  it('groups by local day, so the zone decides which day a late message belongs to', () => {
    const utc = buildReport(RECORDS, { kind: 'daily', calendar: new Calendar('UTC'), breakdown: false });
    expect(utc.rows.map((row) => [row.key, row.messages, row.costUsd, row.sessions])).toEqual([
      ['2026-11-29', 1, 1, 1],
      ['2026-11-30', 2, 6, 1],
      ['2026-12-01', 1, 0, 1],
    ]);
    const berlin = buildReport(RECORDS, { kind: 'daily', calendar: new Calendar('Europe/Berlin'), breakdown: false });
    expect(berlin.rows.map((row) => [row.key, row.messages])).toEqual([
      ['2026-11-30', 3],
      ['2026-12-01', 1],
    ]);
    expect(berlin.totals).toMatchObject({ inputTokens: 40, totalTokens: 400, costUsd: 7, messages: 4, sessions: 3, unpricedModels: ['claude-mystery-9'] });
  });

  it('groups weeks from Monday and months, oldest first', () => {
    const calendar = new Calendar('UTC');
    expect(buildReport(RECORDS, { kind: 'weekly', calendar, breakdown: false }).rows.map((row) => [row.key, row.messages])).toEqual([
      ['2026-11-23', 1],
      ['2026-11-30', 3],
    ]);
    expect(buildReport(RECORDS, { kind: 'monthly', calendar, breakdown: false }).rows.map((row) => row.key)).toEqual(['2026-11', '2026-12']);
  });

  it('ranks projects and models by cost, lists sessions by last activity with their project', () => {
    const calendar = new Calendar('UTC');
    expect(buildReport(RECORDS, { kind: 'project', calendar, breakdown: false }).rows.map((row) => [row.key, row.costUsd])).toEqual([
      ['/work/api', 6],
      ['/work/app', 1],
    ]);
    expect(buildReport(RECORDS, { kind: 'model', calendar, breakdown: false }).rows.map((row) => row.key)).toEqual([
      'claude-opus-4-5',
      'claude-sonnet-4-5-20250929',
      'claude-mystery-9',
    ]);
    const sessions = buildReport(RECORDS, { kind: 'session', calendar, breakdown: false }).rows;
    expect(sessions.map((row) => [row.key, row.project, row.lastAt])).toEqual([
      ['s1', '/work/app', '2026-11-29T23:30:00.000Z'],
      ['s2', '/work/api', '2026-11-30T09:00:00.000Z'],
      ['s3', '/work/app', '2026-12-01T10:00:00.000Z'],
    ]);
  });

  it('breaks a row down per model, most expensive first, adding up to the row', () => {
    const report = buildReport(RECORDS, { kind: 'daily', calendar: new Calendar('UTC'), breakdown: true });
    const day = report.rows[1]!;
    expect(day.breakdown!.map((model) => [model.model, model.costUsd])).toEqual([
      ['claude-opus-4-5', 5],
      ['claude-sonnet-4-5-20250929', 1],
    ]);
    expect(day.breakdown!.reduce((sum, model) => sum + model.totalTokens, 0)).toBe(day.totalTokens);
  });
});

describe('renderReport', () => {
  const report = buildReport(
    [...RECORDS, record('2026-11-30T10:00:00Z', { project: '/work/a "quoted", project|x <b>', sessionId: 's4' })],
    { kind: 'project', calendar: new Calendar('UTC'), breakdown: false },
  );
  const scope = { since: '2026-11-01', until: null, project: null };

  it('writes CSV that quotes commas and quotes, with no totals line', () => {
    const csv = renderReport(report, 'csv', { width: Infinity, paint: plain, scope });
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('key,model,project,first_at,last_at,models,input_tokens,output_tokens,cache_creation_tokens,cache_read_tokens,total_tokens,cost_usd,messages,sessions,unpriced_models');
    expect(csv).toContain('"/work/a ""quoted"", project|x <b>",');
    expect(lines).toHaveLength(report.rows.length + 2); // header, rows, the final empty string
  });

  it('escapes pipes in Markdown and markup in HTML', () => {
    const markdown = renderReport(report, 'markdown', { width: Infinity, paint: plain, scope });
    expect(markdown).toContain('/work/a "quoted", project\\|x &lt;b&gt;');
    expect(markdown).toContain('| **Total** |');
    const html = renderReport(report, 'html', { width: Infinity, paint: plain, scope });
    expect(html).toContain('/work/a &quot;quoted&quot;, project|x &lt;b&gt;');
    expect(html).not.toContain('<b>');
    expect(html).toMatch(/^<!doctype html>/);
  });

  it('fits a table into the width by compacting numbers, then hiding columns, and says what it hid', () => {
    const wide = renderReport(report, 'table', { width: 200, paint: plain, scope });
    expect(wide).toContain('Cache write');
    expect(wide).not.toContain('Hidden');
    const narrow = renderReport(report, 'table', { width: 60, paint: plain, scope });
    for (const line of narrow.split('\n').filter((line) => !line.startsWith('Usage by') && !line.startsWith('Hidden') && !line.startsWith('!'))) {
      expect(line.length, line).toBeLessThanOrEqual(60);
    }
    expect(narrow).toMatch(/Hidden to fit the terminal: Models/);
    expect(narrow).toContain('$8.00!'); // the unpriced mark stays with the total
  });
});
