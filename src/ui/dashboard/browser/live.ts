import type { Live } from './api.js';
import { byId, clear, el, figure, statusBadge } from './dom.js';
import { clockTime, countdown, dateTime, duration, money, percent, projectOf, shortModel, tokens } from './format.js';
import { serverNow } from './state.js';

/** The live card: the indicator, live sessions (or the last one), limits, the open block, the last 6 hours. */
export function drawLive(view: Live): void {
  byId('live-indicator').setAttribute('data-live', view.live ? 'true' : 'false');
  byId('live-label').textContent = view.live ? 'LIVE SESSION ACTIVE' : 'No active session';
  const limited = view.sessions.filter((row) => row.session.status === 'RATE_LIMITED').length;
  const waiting = view.sessions.filter((row) => row.session.waiting).length;
  const summary = byId('live-summary');
  if (view.live) {
    summary.textContent = `${view.sessions.length}${view.sessions.length === 1 ? ' session' : ' sessions'}${limited ? `, ${limited} rate-limited` : ''}${waiting ? `, ${waiting} waiting for you` : ''}`;
  } else if (view.lastSession) {
    const last = view.lastSession.session;
    summary.textContent =
      `Last session: ${projectOf(last)} · ${last.status} · ${money(last.costUsd)} · ${tokens(view.lastSession.totalTokens)} tokens · ${last.numTurns} turns` +
      (view.lastSession.endedAgoMs === null ? '' : ` · ended ${duration(view.lastSession.endedAgoMs)} ago`);
  } else {
    summary.textContent = 'No session recorded yet.';
  }
  const problem = byId('problem');
  problem.hidden = !view.problem;
  problem.textContent = view.problem ?? '';

  drawWaiting(view.sessions);
  drawResuming(view.sessions);
  const table = byId('live-sessions');
  table.hidden = !view.live;
  const body = clear(table.querySelector('tbody')!);
  for (const row of view.sessions) {
    const s = row.session;
    body.appendChild(
      el('tr', { 'data-session': s.id }, [
        el('td', null, [statusBadge(s.status)]),
        el('td', { className: s.waiting ? 'activity-waiting' : 'muted', text: s.waiting ? `waits for ${s.waiting.reason === 'permission' ? 'permission' : 'you'}` : (s.activity ?? '-') }),
        el('td', { className: 'path', text: projectOf(s) }),
        el('td', { text: shortModel(s.model) }),
        el('td', { className: 'r', text: money(s.costUsd) }),
        el('td', { className: 'r', text: tokens(row.totalTokens) }),
        el('td', { className: 'r', text: s.numTurns }),
        el('td', { className: 'r running', 'data-started': Date.parse(s.startedAt), text: duration(row.runningMs) }),
      ]),
    );
  }
  drawLimits(view.limits);
  drawWindows(view.windows);
  drawBlock(view);
  drawSpark(view.spark);
}

/** Who waits for the user, the longest wait first: what the page is most often opened for. */
function drawWaiting(sessions: Live['sessions']): void {
  const list = clear(byId('waiting'));
  const waiting = sessions.flatMap((row) => (row.session.waiting ? [{ session: row.session, waiting: row.session.waiting }] : [])).sort((a, b) => Date.parse(a.waiting.since) - Date.parse(b.waiting.since));
  list.hidden = waiting.length === 0;
  for (const { session, waiting: wait } of waiting) {
    const since = Date.parse(wait.since);
    list.appendChild(
      el('li', { 'data-waiting': session.id }, [
        el('b', { text: 'Waiting for you: ' }),
        el('span', { className: 'path', text: projectOf(session) }),
        el('span', { text: ` · ${wait.message} · since ${clockTime(since)} (${duration(serverNow() - since)})` }),
      ]),
    );
  }
}

/** Sessions that will type their continue once their limit resets (the opt-in resume), soonest first. */
function drawResuming(sessions: Live['sessions']): void {
  const list = clear(byId('resuming'));
  const due = sessions.flatMap((row) => (row.session.resumeAt ? [{ session: row.session, at: Date.parse(row.session.resumeAt) }] : [])).sort((a, b) => a.at - b.at);
  list.hidden = due.length === 0;
  for (const { session, at } of due) {
    list.appendChild(
      el('li', { 'data-resume': session.id }, [
        el('b', { text: 'Continues after its limit: ' }),
        el('span', { className: 'path', text: projectOf(session) }),
        el('span', { text: ` · at ${clockTime(at, true)} · in ` }),
        el('span', { className: 'countdown', 'data-resets': at, text: countdown(at - serverNow()) }),
      ]),
    );
  }
}

function drawLimits(limits: Live['limits']): void {
  const box = clear(byId('limits'));
  if (limits.length === 0) {
    box.appendChild(el('p', { className: 'muted', text: 'None.' }));
    return;
  }
  for (const limit of limits) {
    box.appendChild(
      el('div', { className: 'limit' }, [
        el('div', null, [
          el('b', { text: windowLabel(limit.kind) }),
          el('div', { className: 'muted', text: limit.resetsAt === null ? 'reset time unknown' : `resets ${dateTime(limit.resetsAt)}` }),
          limit.text ? el('div', { className: 'muted', text: limit.text }) : null,
        ]),
        el('div', { className: 'countdown', 'data-resets': limit.resetsAt, text: limit.resetsAt === null ? '' : countdown(limit.resetsAt - serverNow()) }),
      ]),
    );
  }
}

const WINDOW_LABELS: Record<string, string> = {
  five_hour: '5-hour',
  seven_day: 'weekly',
  seven_day_opus: 'weekly Opus',
  seven_day_sonnet: 'weekly Sonnet',
  seven_day_overage_included: 'weekly (extra usage included)',
  seven_day_oauth_apps: 'weekly (apps)',
  overage: 'extra usage',
  credits: 'spend cap',
  subscription: 'plan',
  api_rate_limit: 'API rate',
  server_rate_limit: 'server',
};
const STATUS_WORDS: Record<string, string> = { allowed: 'ok', allowed_warning: 'warning', rejected: 'limit reached' };

function windowLabel(kind: string): string {
  return WINDOW_LABELS[kind] ?? kind;
}

/** Claude's own reading of each window: the share used, the server's word, the countdown to its reset. */
function drawWindows(windows: Live['windows']): void {
  const box = clear(byId('windows'));
  if (windows.length === 0) {
    box.appendChild(el('p', { className: 'muted', text: 'Claude has reported none (it does for subscribers).' }));
    return;
  }
  for (const window of windows) {
    const share = window.utilization;
    box.appendChild(
      el('div', { className: `window window-${window.status === 'allowed_warning' ? 'warning' : window.status}`, 'data-window': window.kind }, [
        el('span', { text: windowLabel(window.kind) }),
        el('b', { className: 'num', text: percent(share) }),
        el('span', { className: 'muted', text: STATUS_WORDS[window.status] ?? window.status }),
        el('div', { className: `progress${share >= 1 ? ' over' : ''}`, role: 'progressbar', 'aria-label': `${windowLabel(window.kind)} window used`, 'aria-valuenow': Math.round(share * 100), 'aria-valuemin': 0, 'aria-valuemax': 100 }, [
          el('span', { style: { width: `${Math.min(100, Math.round(share * 1000) / 10)}%` } }),
        ]),
        el('span', { className: 'muted', text: window.resetsAt === null ? 'reset time unknown' : `resets ${dateTime(window.resetsAt)}` }),
        window.resetsAt === null ? null : el('span', { className: 'countdown', 'data-resets': window.resetsAt, text: countdown(window.resetsAt - serverNow()) }),
      ]),
    );
  }
}

/**
 * The 5-hour window against its limit: Claude's share where it gave one, else ours against the
 * configured or learned limit, labelled; the time gone as a mark on the same bar.
 */
export function drawBlock(view: Live): void {
  const box = clear(byId('block'));
  const gauge = view.gauge;
  if (!gauge) {
    box.appendChild(el('p', { className: 'muted', text: 'No open block.' }));
    return;
  }
  box.appendChild(el('div', { className: 'muted', text: `${clockTime(gauge.startAt)} – ${clockTime(gauge.endAt)}` }));
  const fill = gauge.fill;
  const gone = `${percent(gauge.elapsedShare)} of the time gone`;
  const used = fill === null ? gone : `${percent(fill.share)} used (${fill.source === 'claude' ? 'Claude' : limitLabel(fill.source)}) · ${gone}`;
  box.appendChild(
    el('div', { className: `progress${fill !== null && fill.share >= 1 ? ' over' : ''}`, role: 'progressbar', 'aria-label': 'share of the limit used', 'aria-valuenow': fill === null ? null : Math.round(fill.share * 100), 'aria-valuemin': 0, 'aria-valuemax': 100 }, [
      el('span', { style: { width: `${fill === null ? 0 : Math.min(100, Math.round(fill.share * 1000) / 10)}%` } }),
      el('i', { id: 'block-time', title: 'time gone', 'data-start': gauge.startAt, 'data-end': gauge.endAt, style: { left: `${Math.round(gauge.elapsedShare * 1000) / 10}%` } }),
    ]),
  );
  box.appendChild(el('div', { id: 'block-used', text: used }));
  if (gauge.claude !== null && gauge.ours !== null) {
    box.appendChild(el('div', { className: 'muted', text: `ours: ${gauge.ours.source === 'given' ? '' : '≈ '}${percent(gauge.ours.share)} of ${tokens(gauge.ours.limitTokens)} tokens (${limitLabel(gauge.ours.source)}${gauge.ours.basis ? `, ${gauge.ours.basis}` : ''})` }));
  } else if (gauge.ours !== null && gauge.ours.basis) {
    box.appendChild(el('div', { className: 'muted', text: `limit ${gauge.ours.source === 'given' ? '' : '≈ '}${tokens(gauge.ours.limitTokens)} tokens (${gauge.ours.basis})` }));
  }
  box.appendChild(el('div', { id: 'block-projection', className: gauge.projection.state === 'reached' || gauge.projection.state === 'reached-at' ? 'bad' : 'muted', text: describeProjection(gauge.projection) }));
  const open = view.block;
  if (!open) return;
  const { block, projection: p } = open;
  box.appendChild(
    el('div', { className: 'figures' }, [
      figure(tokens(block.totals.totalTokens), 'tokens'),
      figure(money(block.totals.costUsd), 'cost'),
      figure(el('span', { id: 'block-left', 'data-ends': gauge.endAt, text: duration(gauge.endAt - serverNow()) }), 'left'),
      figure(p.tokensPerHour === null ? '-' : `${tokens(p.tokensPerHour)}/h`, 'burn rate'),
      figure(p.projectedTokens === null ? '-' : tokens(p.projectedTokens), 'projected tokens'),
      figure(p.projectedCostUsd === null ? '-' : money(p.projectedCostUsd), 'projected cost'),
    ]),
  );
}

function limitLabel(source: string): string {
  return source === 'given' ? 'configured limit' : source === 'learned' ? 'learned limit' : source === 'highest-block' ? 'highest block' : source;
}

function describeProjection(projection: NonNullable<Live['gauge']>['projection']): string {
  switch (projection.state) {
    case 'reached':
      return 'limit reached';
    case 'reached-at':
      return `at this rate the limit is reached at ${clockTime(projection.at)}${projection.basis === 'ours' ? ' (our estimate)' : ''}`;
    case 'holds':
      return `at this rate the window ends before the limit${projection.basis === 'ours' ? ' (our estimate)' : ''}`;
    case 'too-little-data':
      return `no projection yet: it needs ${duration(projection.needMs)} of use (${duration(projection.haveMs)} so far)`;
    case 'no-limit':
      return `no limit known: set planLimits.tokensPerBlock, or one is learned after ${projection.needBlocks} finished blocks (${projection.haveBlocks} so far)`;
  }
}

/** Tokens per quarter hour over the last six hours, as cw watch shows them. */
function drawSpark(spark: Live['spark']): void {
  const box = clear(byId('spark'));
  const max = Math.max(...spark.tokens, 0);
  const total = spark.tokens.reduce((sum, value) => sum + value, 0);
  const cost = spark.costUsd.reduce((sum, value) => sum + value, 0);
  const ns = 'http://www.w3.org/2000/svg';
  const width = 480;
  const height = 48;
  const slot = width / spark.tokens.length;
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'tokens per quarter hour, last 6 hours');
  spark.tokens.forEach((value, index) => {
    const h = max === 0 ? 0 : Math.max(value > 0 ? 1 : 0, (value / max) * (height - 2));
    const rect = document.createElementNS(ns, 'rect');
    rect.setAttribute('x', String(index * slot + 1));
    rect.setAttribute('y', String(height - h));
    rect.setAttribute('width', String(slot - 2));
    rect.setAttribute('height', String(h));
    rect.setAttribute('class', 'spark-bar');
    const title = document.createElementNS(ns, 'title');
    title.textContent = `${clockTime(spark.from + index * spark.bucketMs)}: ${tokens(value)} tokens`;
    rect.appendChild(title);
    svg.appendChild(rect);
  });
  box.appendChild(el('div', { className: 'muted', text: `Last 6 hours: ${tokens(total)} tokens, ${money(cost)}` }));
  box.appendChild(svg);
}
