/**
 * The dashboard page's script, bundled by the build into the one file served as /app.js (the
 * page's policy allows no inline script). The live picture arrives as Server-Sent Events; the
 * history and the sessions are fetched when it shows they changed. Everything shown goes in as
 * text.
 */
import { api, fetchChart, type Blocks, type Live, type Session, type SessionDetail, type Stats } from './api.js';
import { byId, clear } from './dom.js';
import { clockTime, countdown, duration } from './format.js';
import { drawBlocksSummary, drawTotals } from './history.js';
import { drawLive } from './live.js';
import { drawDetail, drawSessions, markSelected } from './sessions.js';
import { serverNow, state } from './state.js';

const HISTORY_EVERY_MS = 60_000;

function onLive(view: Live): void {
  // The first fetch can answer after an event the stream already brought: an older picture never replaces a newer one.
  if (state.live !== null && view.now < state.live.now) return;
  state.live = view;
  state.skew = view.now - Date.now();
  state.timeZone = view.timeZone;
  drawLive(view);
  // A session that started or ended changes the list and, once it ends, the history.
  const key = view.sessions.map((row) => row.session.id).join(',');
  if (state.liveKey !== null && key !== state.liveKey) {
    loadSessions();
    if (!view.live || key.length < state.liveKey.length) loadHistory();
  }
  state.liveKey = key;
  // While sessions run, their rows in the list grow too.
  if (view.live && Date.now() - state.sessionsAt > 5000) loadSessions();
}

/** Clocks and countdowns move every second from the last picture, without asking the server. */
function tick(): void {
  const now = serverNow();
  byId('clock').textContent = clockTime(now, true);
  document.querySelectorAll('.running').forEach((cell) => {
    cell.textContent = duration(now - Number(cell.getAttribute('data-started')));
  });
  document.querySelectorAll('.countdown[data-resets]').forEach((cell) => {
    cell.textContent = countdown(Number(cell.getAttribute('data-resets')) - now);
  });
  const left = document.getElementById('block-left');
  if (left) left.textContent = duration(Number(left.getAttribute('data-ends')) - now);
  const mark = document.getElementById('block-time');
  if (mark) {
    const start = Number(mark.getAttribute('data-start'));
    const end = Number(mark.getAttribute('data-end'));
    mark.style.left = `${Math.min(100, Math.max(0, Math.round(((now - start) / (end - start)) * 1000) / 10))}%`;
  }
  if (Date.now() - state.historyAt > HISTORY_EVERY_MS) loadHistory();
}

function connect(): void {
  const connection = byId('connection');
  const source = new EventSource('/api/events');
  source.addEventListener('open', () => {
    connection.setAttribute('data-state', 'live');
    connection.textContent = 'live';
  });
  source.addEventListener('error', () => {
    connection.setAttribute('data-state', 'lost');
    connection.textContent = 'reconnecting';
  });
  source.addEventListener('live', (event) => onLive(JSON.parse((event as MessageEvent<string>).data) as Live));
}

function loadHistory(): void {
  state.historyAt = Date.now();
  api<Stats>('/api/stats').then(drawTotals).catch(showError);
  api<Blocks>('/api/blocks').then(drawBlocksSummary).catch(showError);
  loadChart('chart-daily-cost', '/charts/daily-cost.svg');
  loadChart('chart-daily-tokens', '/charts/daily-tokens.svg');
  loadChart('chart-blocks', '/charts/blocks.svg');
}

function loadChart(id: string, path: string): void {
  fetchChart(path)
    .then((svg) => clear(byId(id)).appendChild(svg))
    .catch(showError);
}

function loadSessions(): void {
  state.sessionsAt = Date.now();
  api<Session[]>('/api/sessions?limit=50')
    .then((sessions) => drawSessions(sessions, openSession))
    .catch(showError);
}

function openSession(id: string): void {
  state.selected = id;
  markSelected(id);
  api<SessionDetail>(`/api/sessions/${encodeURIComponent(id)}`).then(drawDetail).catch(showError);
}

function showError(error: unknown): void {
  const problem = byId('problem');
  problem.hidden = false;
  problem.textContent = error instanceof Error && error.message ? error.message : String(error);
}

// The token came in the address; the page now holds it in a cookie, so take it out of sight and history.
if (location.search.includes('token=')) history.replaceState(null, '', location.pathname);
byId('detail-close').addEventListener('click', () => {
  byId('session-detail').hidden = true;
  state.selected = null;
});
api<Live>('/api/live').then(onLive).catch(showError);
connect();
loadSessions();
loadHistory();
setInterval(tick, 1000);
tick();
