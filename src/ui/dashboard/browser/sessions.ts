import type { Session, SessionDetail } from './api.js';
import { byId, clear, el, statusBadge } from './dom.js';
import { dateTime, duration, money, projectOf, sessionTokens, shortModel, tokens } from './format.js';
import { serverNow, state } from './state.js';

/** Every session, newest first (runs, and Claude sessions used without ClaudeWatch); a click or Enter opens one. */
export function drawSessions(sessions: Session[], open: (id: string) => void): void {
  const body = clear(byId('sessions').querySelector('tbody')!);
  byId('sessions-empty').hidden = sessions.length > 0;
  for (const s of sessions) {
    const ms = s.durationMs ?? serverNow() - Date.parse(s.startedAt);
    const row = el('tr', { tabindex: 0, 'data-session': s.id, 'aria-selected': s.id === state.selected ? 'true' : 'false' }, [
      el('td', { className: 'num', text: dateTime(Date.parse(s.startedAt)) }),
      el('td', null, [statusBadge(s.source === 'wrapped' ? s.status : 'IMPORTED')]),
      el('td', { className: 'path', text: projectOf(s) }),
      el('td', { text: shortModel(s.model) }),
      el('td', { className: 'r', text: money(s.costUsd) + (s.unpricedModels.length ? ' !' : '') }),
      el('td', { className: 'r', text: tokens(sessionTokens(s)) }),
      el('td', { className: 'r', text: s.numTurns }),
      el('td', { className: 'r', text: duration(ms) }),
    ]);
    row.addEventListener('click', () => open(s.id));
    row.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        open(s.id);
      }
    });
    body.appendChild(row);
  }
}

export function markSelected(id: string | null): void {
  document.querySelectorAll('#sessions tbody tr').forEach((row) => {
    row.setAttribute('aria-selected', row.getAttribute('data-session') === id ? 'true' : 'false');
  });
}

/** One session's fields and events, below the list. */
export function drawDetail(detail: SessionDetail): void {
  const s = detail.session;
  const panel = byId('session-detail');
  panel.hidden = false;
  byId('detail-heading').textContent = `Session ${s.id.slice(0, 8)}`;
  const shared: Array<[string, string]> = [
    ['Id', s.id],
    ['Claude session', s.claudeSessionId || '-'],
    ['Project', projectOf(s)],
    ['Model', (s.models.length ? s.models : [s.model || '-']).join(', ')],
    ['Claude version', s.claudeVersion || '-'],
    ['Started', dateTime(Date.parse(s.startedAt))],
    ['Ended', s.endedAt ? dateTime(Date.parse(s.endedAt)) : '-'],
    ['Duration', duration(s.durationMs)],
    ['Cost', money(s.costUsd) + (s.costSource ? ` (${s.costSource})` : '')],
    ['Turns', String(s.numTurns)],
    [
      'Tokens',
      `${tokens(sessionTokens(s))} (in ${tokens(s.inputTokens)}, out ${tokens(s.outputTokens)}, cache write ${tokens(s.cacheCreationTokens)}, cache read ${tokens(s.cacheReadTokens)})`,
    ],
  ];
  const own: Array<[string, string]> =
    s.source === 'wrapped'
      ? [
          ['Status', s.status],
          ['Mode', s.mode],
          ['Branch', s.gitBranch || '-'],
          ['Exit code', s.exitCode === null ? '-' : String(s.exitCode)],
          ['Rate limit', s.rateLimit ? s.rateLimit.kind + (s.rateLimit.resetsAt ? `, resets ${dateTime(Date.parse(s.rateLimit.resetsAt))}` : '') : '-'],
          ['Where', s.isolationKey || s.placeKind || '-'],
        ]
      : [['Status', 'imported from its transcripts: used without ClaudeWatch']];
  const fields = [...shared, ...own, ['Runs', detail.runs.length > 0 ? detail.runs.map((run) => run.slice(0, 8)).join(', ') : '-'] as [string, string]];
  const list = clear(byId('detail-fields'));
  for (const [term, value] of fields) list.append(el('dt', { text: term }), el('dd', { text: value }));
  const body = clear(byId('detail-events').querySelector('tbody')!);
  for (const event of detail.events) {
    body.appendChild(el('tr', null, [el('td', { className: 'num', text: dateTime(event.at) }), el('td', { className: `ev-${event.type}`, text: event.type }), el('td', { text: event.detail })]));
  }
  panel.scrollIntoView({ behavior: 'smooth', block: 'start' });
}
