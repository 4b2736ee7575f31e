import type { Live } from './api.js';
import { byId, clear, el, figure, statusBadge } from './dom.js';
import { clockTime, countdown, dateTime, duration, money, percent, projectOf, shortModel, tokens } from './format.js';
import { serverNow, state } from './state.js';

/** The live card: the indicator, live sessions (or the last one), limits, the open block, the last 6 hours. */
export function drawLive(view: Live): void {
  byId('live-indicator').setAttribute('data-live', view.live ? 'true' : 'false');
  byId('live-label').textContent = view.live ? 'LIVE SESSION ACTIVE' : 'No active session';
  const limited = view.sessions.filter((row) => row.session.status === 'RATE_LIMITED').length;
  const summary = byId('live-summary');
  if (view.live) {
    summary.textContent = `${view.sessions.length}${view.sessions.length === 1 ? ' session' : ' sessions'}${limited ? `, ${limited} rate-limited` : ''}`;
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

  const table = byId('live-sessions');
  table.hidden = !view.live;
  const body = clear(table.querySelector('tbody')!);
  for (const row of view.sessions) {
    const s = row.session;
    body.appendChild(
      el('tr', { 'data-session': s.id }, [
        el('td', null, [statusBadge(s.status)]),
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
  drawBlock(view.block);
  drawSpark(view.spark);
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
          el('b', { text: limit.kind }),
          el('div', { className: 'muted', text: limit.resetsAt === null ? 'reset time unknown' : `resets ${dateTime(limit.resetsAt)}` }),
          limit.text ? el('div', { className: 'muted', text: limit.text }) : null,
        ]),
        el('div', { className: 'countdown', 'data-resets': limit.resetsAt, text: limit.resetsAt === null ? '' : countdown(limit.resetsAt - serverNow()) }),
      ]),
    );
  }
}

/** The open block against its limit; the limit comes with the blocks summary, so this is drawn again then. */
export function drawBlock(open: Live['block']): void {
  const box = clear(byId('block'));
  if (!open) {
    box.appendChild(el('p', { className: 'muted', text: 'No open block.' }));
    return;
  }
  const { block, projection: p } = open;
  const totals = block.totals;
  box.appendChild(el('div', { className: 'muted', text: `${clockTime(block.startAt)} – ${clockTime(block.endAt)}` }));
  box.appendChild(
    el('div', { className: 'progress', role: 'progressbar', 'aria-label': 'time used of the block', 'aria-valuenow': Math.round(open.elapsedShare * 100), 'aria-valuemin': 0, 'aria-valuemax': 100 }, [
      el('span', { id: 'block-bar', style: { width: `${Math.round(open.elapsedShare * 1000) / 10}%` } }),
    ]),
  );
  box.appendChild(
    el('div', { className: 'figures' }, [
      figure(tokens(totals.totalTokens), 'tokens'),
      figure(money(totals.costUsd), 'cost'),
      figure(el('span', { id: 'block-left', 'data-ends': block.endAt, text: duration(block.endAt - serverNow()) }), 'left'),
      figure(p.tokensPerHour === null ? '-' : `${tokens(p.tokensPerHour)}/h`, 'burn rate'),
      figure(p.projectedTokens === null ? '-' : tokens(p.projectedTokens), 'projected tokens'),
      figure(p.projectedCostUsd === null ? '-' : money(p.projectedCostUsd), 'projected cost'),
    ]),
  );
  const limit = state.blockLimit;
  if (limit) {
    const used = totals.totalTokens / limit.tokens;
    box.appendChild(el('div', { className: 'muted', text: `${percent(used)} of ${limit.source === 'config' ? '' : '≈ '}${tokens(limit.tokens)} tokens (${limit.basis})` }));
    box.appendChild(el('div', { className: `progress${used >= 1 ? ' over' : ''}` }, [el('span', { style: { width: `${Math.min(100, Math.round(used * 1000) / 10)}%` } })]));
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
