/**
 * The page's script, served as /app.js (the page's policy allows no inline script). Plain ES2017 for any
 * current browser, no modules, no dependencies; everything shown goes in as text (textContent).
 */
export const PAGE_SCRIPT = `'use strict';
(function () {
  var state = { live: null, liveAt: 0, skew: 0, liveKey: null, selected: null, historyAt: 0, sessionsAt: 0, blockLimit: null };
  var HISTORY_EVERY_MS = 60000;

  function $(id) { return document.getElementById(id); }

  /** Builds an element; text goes in as text, never as HTML. */
  function el(tag, props, children) {
    var node = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (key) {
        var value = props[key];
        if (value === null || value === undefined) return;
        if (key === 'text') node.textContent = String(value);
        else if (key === 'className') node.className = value;
        // Through the CSSOM: the page's policy refuses style attributes.
        else if (key === 'style') Object.keys(value).forEach(function (name) { node.style[name] = value[name]; });
        else node.setAttribute(key, String(value));
      });
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

  function money(value) {
    if (value === null || value === undefined) return '-';
    return '$' + (value < 1 ? value.toFixed(4) : value.toFixed(2));
  }
  function tokens(count) {
    if (count === null || count === undefined) return '-';
    if (count < 1000) return String(Math.round(count));
    if (count < 1000000) return (count / 1000).toFixed(1) + 'k';
    return (count / 1000000).toFixed(2) + 'M';
  }
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function duration(ms) {
    if (ms === null || ms === undefined || ms < 0) return '-';
    var s = Math.round(ms / 1000);
    if (s < 60) return s + 's';
    var m = Math.floor(s / 60);
    if (m < 60) return m + 'm ' + pad(s % 60) + 's';
    var h = Math.floor(m / 60);
    return h + 'h ' + pad(m % 60) + 'm';
  }
  function countdown(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    return Math.floor(s / 3600) + ':' + pad(Math.floor(s / 60) % 60) + ':' + pad(s % 60);
  }
  function clockTime(at) { return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }); }
  function dateTime(at) {
    var d = new Date(at);
    return d.toLocaleDateString([], { month: 'short', day: 'numeric' }) + ' ' + d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }
  function percent(share) { return Math.round(share * 100) + '%'; }
  function totalTokens(s) { return s.inputTokens + s.outputTokens + s.cacheCreationTokens + s.cacheReadTokens; }
  function project(s) { return s.projectPath || s.cwd; }
  function shortModel(model) { return model ? model.replace(/^claude-/, '').replace(/-[0-9]{8}$/, '') : '-'; }
  function statusBadge(status) { return el('span', { className: 'status status-' + status, text: status }); }
  function serverNow() { return Date.now() + state.skew; }

  function api(path) {
    return fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } }).then(function (response) {
      if (!response.ok) throw new Error(path + ': HTTP ' + response.status);
      return response.json();
    });
  }


  function renderLive(view) {
    state.live = view;
    state.liveAt = Date.now();
    state.skew = view.now - Date.now();
    var indicator = $('live-indicator');
    indicator.setAttribute('data-live', view.live ? 'true' : 'false');
    $('live-label').textContent = view.live ? 'LIVE SESSION ACTIVE' : 'No active session';
    var limited = view.sessions.filter(function (row) { return row.session.status === 'RATE_LIMITED'; }).length;
    var summary = $('live-summary');
    if (view.live) {
      summary.textContent = view.sessions.length + (view.sessions.length === 1 ? ' session' : ' sessions') + (limited ? ', ' + limited + ' rate-limited' : '');
    } else if (view.lastSession) {
      var last = view.lastSession.session;
      summary.textContent = 'Last session: ' + project(last) + ' · ' + last.status + ' · ' + money(last.costUsd) + ' · ' + tokens(view.lastSession.totalTokens) + ' tokens · ' + last.numTurns + ' turns' +
        (view.lastSession.endedAgoMs === null ? '' : ' · ended ' + duration(view.lastSession.endedAgoMs) + ' ago');
    } else {
      summary.textContent = 'No session recorded yet.';
    }
    var problem = $('problem');
    problem.hidden = !view.problem;
    problem.textContent = view.problem || '';

    var table = $('live-sessions');
    table.hidden = !view.live;
    var body = clear(table.querySelector('tbody'));
    view.sessions.forEach(function (row) {
      var s = row.session;
      body.appendChild(el('tr', { 'data-session': s.id }, [
        el('td', null, [statusBadge(s.status)]),
        el('td', { className: 'path', text: project(s) }),
        el('td', { text: shortModel(s.model) }),
        el('td', { className: 'r', text: money(s.costUsd) }),
        el('td', { className: 'r', text: tokens(row.totalTokens) }),
        el('td', { className: 'r', text: s.numTurns }),
        el('td', { className: 'r running', 'data-started': Date.parse(s.startedAt), text: duration(row.runningMs) }),
      ]));
    });
    renderLimits(view.limits);
    renderBlock(view.block);
    renderSpark(view.spark);

    // A session that started or ended changes the list and, once it ends, the history.
    var key = view.sessions.map(function (row) { return row.session.id; }).join(',');
    if (state.liveKey !== null && key !== state.liveKey) {
      loadSessions();
      if (!view.live || key.length < state.liveKey.length) loadHistory();
    }
    state.liveKey = key;
    // While sessions run, their rows in the list grow too.
    if (view.live && Date.now() - state.sessionsAt > 5000) loadSessions();
  }

  function renderLimits(limits) {
    var box = clear($('limits'));
    if (!limits.length) { box.appendChild(el('p', { className: 'muted', text: 'None.' })); return; }
    limits.forEach(function (limit) {
      box.appendChild(el('div', { className: 'limit' }, [
        el('div', null, [
          el('b', { text: limit.kind }),
          el('div', { className: 'muted', text: limit.resetsAt === null ? 'reset time unknown' : 'resets ' + dateTime(limit.resetsAt) }),
          limit.text ? el('div', { className: 'muted', text: limit.text }) : null,
        ]),
        el('div', { className: 'countdown', 'data-resets': limit.resetsAt === null ? null : limit.resetsAt, text: limit.resetsAt === null ? '' : countdown(limit.resetsAt - serverNow()) }),
      ]));
    });
  }

  function renderBlock(open) {
    var box = clear($('block'));
    if (!open) { box.appendChild(el('p', { className: 'muted', text: 'No open block.' })); return; }
    var block = open.block;
    var p = open.projection;
    var totals = block.totals;
    box.appendChild(el('div', { className: 'muted', text: clockTime(block.startAt) + ' – ' + clockTime(block.endAt) }));
    box.appendChild(el('div', { className: 'progress', role: 'progressbar', 'aria-label': 'time used of the block', 'aria-valuenow': Math.round(open.elapsedShare * 100), 'aria-valuemin': 0, 'aria-valuemax': 100 }, [
      el('span', { id: 'block-bar', style: { width: Math.round(open.elapsedShare * 1000) / 10 + '%' } }),
    ]));
    var limit = state.blockLimit;
    var figures = el('div', { className: 'figures' }, [
      figure(tokens(totals.totalTokens), 'tokens'),
      figure(money(totals.costUsd), 'cost'),
      figure(el('span', { id: 'block-left', 'data-ends': block.endAt, text: duration(block.endAt - serverNow()) }), 'left'),
      figure(p.tokensPerHour === null ? '-' : tokens(p.tokensPerHour) + '/h', 'burn rate'),
      figure(p.projectedTokens === null ? '-' : tokens(p.projectedTokens), 'projected tokens'),
      figure(p.projectedCostUsd === null ? '-' : money(p.projectedCostUsd), 'projected cost'),
    ]);
    box.appendChild(figures);
    if (limit) {
      var used = totals.totalTokens / limit.tokens;
      box.appendChild(el('div', { className: 'muted', text: percent(used) + ' of ' + (limit.source === 'config' ? '' : '≈ ') + tokens(limit.tokens) + ' tokens (' + limit.basis + ')' }));
      box.appendChild(el('div', { className: 'progress' + (used >= 1 ? ' over' : '') }, [el('span', { style: { width: Math.min(100, Math.round(used * 1000) / 10) + '%' } })]));
    }
  }

  /** Tokens per quarter hour over the last six hours, as cw watch shows them. */
  function renderSpark(spark) {
    var box = clear($('spark'));
    var max = Math.max.apply(null, spark.tokens.concat([0]));
    var total = spark.tokens.reduce(function (sum, value) { return sum + value; }, 0);
    var cost = spark.costUsd.reduce(function (sum, value) { return sum + value; }, 0);
    var ns = 'http://www.w3.org/2000/svg';
    var width = 480;
    var height = 48;
    var slot = width / spark.tokens.length;
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', 'tokens per quarter hour, last 6 hours');
    spark.tokens.forEach(function (value, index) {
      var h = max === 0 ? 0 : Math.max(value > 0 ? 1 : 0, (value / max) * (height - 2));
      var rect = document.createElementNS(ns, 'rect');
      rect.setAttribute('x', String(index * slot + 1));
      rect.setAttribute('y', String(height - h));
      rect.setAttribute('width', String(slot - 2));
      rect.setAttribute('height', String(h));
      rect.setAttribute('class', 'spark-bar');
      var title = document.createElementNS(ns, 'title');
      title.textContent = clockTime(spark.from + index * spark.bucketMs) + ': ' + tokens(value) + ' tokens';
      rect.appendChild(title);
      svg.appendChild(rect);
    });
    box.appendChild(el('div', { className: 'muted', text: 'Last 6 hours: ' + tokens(total) + ' tokens, ' + money(cost) }));
    box.appendChild(svg);
  }

  function figure(value, label) {
    return el('div', { className: 'figure' }, [el('b', null, [value]), el('span', { text: label })]);
  }

  /** Clocks and countdowns move every second from the last picture, without asking the server. */
  function tick() {
    var now = serverNow();
    $('clock').textContent = new Date(now).toLocaleTimeString();
    Array.prototype.forEach.call(document.querySelectorAll('.running'), function (cell) {
      cell.textContent = duration(now - Number(cell.getAttribute('data-started')));
    });
    Array.prototype.forEach.call(document.querySelectorAll('.countdown[data-resets]'), function (cell) {
      cell.textContent = countdown(Number(cell.getAttribute('data-resets')) - now);
    });
    var left = $('block-left');
    if (left) left.textContent = duration(Number(left.getAttribute('data-ends')) - now);
    if (state.live && state.live.block) {
      var b = state.live.block.block;
      var bar = $('block-bar');
      if (bar) bar.style.width = Math.min(100, Math.round(((now - b.startAt) / (b.endAt - b.startAt)) * 1000) / 10) + '%';
    }
    if (Date.now() - state.historyAt > HISTORY_EVERY_MS) loadHistory();
  }

  function connect() {
    var connection = $('connection');
    var source = new EventSource('/api/events');
    source.addEventListener('open', function () { connection.setAttribute('data-state', 'live'); connection.textContent = 'live'; });
    source.addEventListener('error', function () { connection.setAttribute('data-state', 'lost'); connection.textContent = 'reconnecting'; });
    source.addEventListener('live', function (event) { renderLive(JSON.parse(event.data)); });
  }


  function loadHistory() {
    state.historyAt = Date.now();
    api('/api/stats').then(renderTotals).catch(showError);
    api('/api/blocks').then(renderBlocksSummary).catch(showError);
    loadChart('chart-daily-cost', '/charts/daily-cost.svg');
    loadChart('chart-daily-tokens', '/charts/daily-tokens.svg');
    loadChart('chart-blocks', '/charts/blocks.svg');
  }

  /** The charts are drawn and escaped by the server (svg-chart.ts); they come from our own origin only. */
  function loadChart(id, path) {
    fetch(path, { credentials: 'same-origin' }).then(function (response) {
      if (!response.ok) throw new Error(path + ': HTTP ' + response.status);
      return response.text();
    }).then(function (svg) {
      var doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
      var root = doc.documentElement;
      if (root.nodeName !== 'svg') throw new Error(path + ': not an SVG');
      clear($(id)).appendChild(document.importNode(root, true));
    }).catch(showError);
  }

  function renderTotals(stats) {
    var t = stats.totals;
    var top = stats.models[0];
    clear($('totals')).append(
      figure(money(t.costUsd), 'cost, ' + stats.from + ' to ' + stats.to),
      figure(tokens(t.totalTokens), 'tokens'),
      figure(String(t.sessions), 'sessions'),
      figure(top ? shortModel(top.model) : '-', 'top model by cost')
    );
  }

  function renderBlocksSummary(blocks) {
    state.blockLimit = blocks.limit;
    var count = blocks.timeline.filter(function (entry) { return entry.kind === 'block'; }).length;
    var hits = blocks.timeline.filter(function (entry) { return entry.kind === 'block' && entry.limitHit; }).length;
    $('blocks-summary').textContent = count + (count === 1 ? ' block' : ' blocks') + (hits ? ', ' + hits + ' ended in a limit' : '') +
      (blocks.limit ? ' · block limit ' + (blocks.limit.source === 'config' ? '' : '≈ ') + tokens(blocks.limit.tokens) + ' tokens (' + blocks.limit.basis + ')' : '');
    if (state.live) renderBlock(state.live.block);
  }


  function loadSessions() {
    state.sessionsAt = Date.now();
    api('/api/sessions?limit=50').then(renderSessions).catch(showError);
  }

  function renderSessions(sessions) {
    var body = clear($('sessions').querySelector('tbody'));
    $('sessions-empty').hidden = sessions.length > 0;
    sessions.forEach(function (s) {
      var ms = s.durationMs === null ? serverNow() - Date.parse(s.startedAt) : s.durationMs;
      var row = el('tr', { tabindex: 0, 'data-session': s.id, 'aria-selected': s.id === state.selected ? 'true' : 'false' }, [
        el('td', { className: 'num', text: dateTime(Date.parse(s.startedAt)) }),
        el('td', null, [statusBadge(s.status)]),
        el('td', { className: 'path', text: project(s) }),
        el('td', { text: shortModel(s.model) }),
        el('td', { className: 'r', text: money(s.costUsd) + (s.unpricedModels.length ? ' !' : '') }),
        el('td', { className: 'r', text: tokens(totalTokens(s)) }),
        el('td', { className: 'r', text: s.numTurns }),
        el('td', { className: 'r', text: duration(ms) }),
      ]);
      row.addEventListener('click', function () { openSession(s.id); });
      row.addEventListener('keydown', function (event) { if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); openSession(s.id); } });
      body.appendChild(row);
    });
  }

  function openSession(id) {
    state.selected = id;
    Array.prototype.forEach.call(document.querySelectorAll('#sessions tbody tr'), function (row) {
      row.setAttribute('aria-selected', row.getAttribute('data-session') === id ? 'true' : 'false');
    });
    api('/api/sessions/' + encodeURIComponent(id)).then(renderDetail).catch(showError);
  }

  function renderDetail(detail) {
    var s = detail.session;
    var panel = $('session-detail');
    panel.hidden = false;
    $('detail-heading').textContent = 'Session ' + s.id.slice(0, 8);
    var fields = [
      ['Id', s.id], ['Claude session', s.claudeSessionId || '-'], ['Status', s.status], ['Mode', s.mode], ['Project', project(s)],
      ['Branch', s.gitBranch || '-'], ['Model', (s.models.length ? s.models : [s.model || '-']).join(', ')], ['Claude version', s.claudeVersion || '-'],
      ['Started', dateTime(Date.parse(s.startedAt))], ['Ended', s.endedAt ? dateTime(Date.parse(s.endedAt)) : '-'],
      ['Duration', duration(s.durationMs)], ['Exit code', s.exitCode === null ? '-' : String(s.exitCode)],
      ['Cost', money(s.costUsd) + (s.costSource ? ' (' + s.costSource + ')' : '')], ['Turns', String(s.numTurns)],
      ['Tokens', tokens(totalTokens(s)) + ' (in ' + tokens(s.inputTokens) + ', out ' + tokens(s.outputTokens) + ', cache write ' + tokens(s.cacheCreationTokens) + ', cache read ' + tokens(s.cacheReadTokens) + ')'],
      ['Rate limit', s.rateLimit ? s.rateLimit.kind + (s.rateLimit.resetsAt ? ', resets ' + dateTime(Date.parse(s.rateLimit.resetsAt)) : '') : '-'],
      ['Where', s.isolationKey || s.placeKind || '-'],
    ];
    var list = clear($('detail-fields'));
    fields.forEach(function (pair) { list.append(el('dt', { text: pair[0] }), el('dd', { text: pair[1] })); });
    var body = clear($('detail-events').querySelector('tbody'));
    detail.events.forEach(function (event) {
      body.appendChild(el('tr', null, [
        el('td', { className: 'num', text: dateTime(event.at) }),
        el('td', { className: 'ev-' + event.type, text: event.type }),
        el('td', { text: event.detail }),
      ]));
    });
    panel.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  function showError(error) {
    var problem = $('problem');
    problem.hidden = false;
    problem.textContent = String(error && error.message ? error.message : error);
  }

  // The token came in the address; the page now holds it in a cookie, so take it out of sight and history.
  if (location.search.indexOf('token=') !== -1) history.replaceState(null, '', location.pathname);
  $('detail-close').addEventListener('click', function () { $('session-detail').hidden = true; state.selected = null; });
  api('/api/live').then(renderLive).catch(showError);
  connect();
  loadSessions();
  loadHistory();
  setInterval(tick, 1000);
  tick();
})();
`;
