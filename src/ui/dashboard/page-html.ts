/** The dashboard's one page. Static: everything it shows is filled in by app.js with textContent. */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>ClaudeWatch</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/app.css">
</head>
<body>
<header class="top">
  <h1>ClaudeWatch</h1>
  <span id="clock" class="muted num"></span>
  <span id="connection" class="connection" data-state="connecting">connecting</span>
</header>
<main>
  <section class="card" aria-labelledby="live-heading">
    <h2 id="live-heading" class="visually-hidden">Live</h2>
    <div id="live-indicator" class="indicator" data-live="false" role="status" aria-live="polite">
      <span class="dot" aria-hidden="true"></span><span id="live-label">No active session</span>
    </div>
    <p id="live-summary" class="muted"></p>
    <ul id="waiting" class="waiting" aria-label="Sessions waiting for you" hidden></ul>
    <ul id="resuming" class="waiting resuming" aria-label="Sessions that continue after their limit" hidden></ul>
    <div id="problem" class="problem" hidden></div>
    <table id="live-sessions" class="table" hidden>
      <thead><tr><th>Status</th><th>Now</th><th>Project</th><th>Model</th><th class="r">Cost</th><th class="r">Tokens</th><th class="r">Turns</th><th class="r">Running</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>

  <div class="grid">
    <section class="card" aria-labelledby="limits-heading">
      <h2 id="limits-heading">Rate limits in force</h2>
      <div id="limits"><p class="muted">None.</p></div>
    </section>
    <section class="card" aria-labelledby="windows-heading">
      <h2 id="windows-heading">Claude's limit windows</h2>
      <div id="windows"><p class="muted">Claude has reported none (it does for subscribers).</p></div>
    </section>
    <section class="card" aria-labelledby="block-heading">
      <h2 id="block-heading">5-hour window</h2>
      <div id="block"><p class="muted">No open block.</p></div>
      <div id="spark" class="spark"></div>
    </section>
  </div>

  <section class="card" aria-labelledby="history-heading">
    <h2 id="history-heading">Last 30 days</h2>
    <div id="totals" class="figures"></div>
    <div id="chart-daily-cost" class="chart"></div>
    <div id="chart-daily-tokens" class="chart"></div>
  </section>

  <section class="card" aria-labelledby="blocks-heading">
    <h2 id="blocks-heading">5-hour blocks, last 7 days</h2>
    <div id="blocks-summary" class="muted"></div>
    <div id="chart-blocks" class="chart"></div>
  </section>

  <section class="card" aria-labelledby="sessions-heading">
    <h2 id="sessions-heading">Sessions</h2>
    <table id="sessions" class="table clickable">
      <thead><tr><th>Started</th><th>Status</th><th>Project</th><th>Model</th><th class="r">Cost</th><th class="r">Tokens</th><th class="r">Turns</th><th class="r">Duration</th></tr></thead>
      <tbody></tbody>
    </table>
    <p id="sessions-empty" class="muted" hidden>No sessions recorded yet. Run claude through the shim or cw-run.</p>
  </section>

  <section id="session-detail" class="card" aria-labelledby="detail-heading" hidden>
    <div class="detail-head"><h2 id="detail-heading">Session</h2><button id="detail-close" type="button">Close</button></div>
    <dl id="detail-fields" class="fields"></dl>
    <h3>Events</h3>
    <table id="detail-events" class="table">
      <thead><tr><th>Time</th><th>Event</th><th>Detail</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
</main>
<script src="/app.js" defer></script>
</body>
</html>
`;
