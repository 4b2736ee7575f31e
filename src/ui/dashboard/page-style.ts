/** The page's stylesheet: the system font, no web fonts, nothing fetched. */
export const PAGE_STYLE = `
:root {
  --bg: #f6f7f9; --card: #fff; --text: #1d232b; --muted: #5f6b7a; --line: #e3e7ec;
  --live: #0a7d3b; --live-bg: #e3f6ea; --idle: #6b7480; --warn: #a15c00; --bad: #b3261e; --bar: #0072B2;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root { --bg: #14171b; --card: #1c2026; --text: #e6e9ed; --muted: #98a2ae; --line: #2d333b; --live: #3ccf7a; --live-bg: #173524; --idle: #8b949e; --bar: #56B4E9; }
  .chart svg { background: #fff; border-radius: 6px; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 0 16px 40px; }
.top { max-width: 1100px; margin: 0 auto; padding: 16px; display: flex; align-items: baseline; gap: 16px; }
.top h1 { font-size: 20px; margin: 0; flex: 1; }
h2 { font-size: 15px; margin: 0 0 10px; }
h3 { font-size: 14px; margin: 16px 0 6px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 16px; margin-bottom: 16px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 16px; }
.grid .card { margin-bottom: 16px; }
.muted { color: var(--muted); }
.num, .r, td.r { font-variant-numeric: tabular-nums; }
.r { text-align: right; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
.connection { font-size: 12px; padding: 2px 8px; border-radius: 10px; background: var(--line); color: var(--muted); }
.connection[data-state="live"] { background: var(--live-bg); color: var(--live); }
.connection[data-state="lost"] { color: var(--bad); }
.indicator { display: inline-flex; align-items: center; gap: 10px; font-size: 20px; font-weight: 700; letter-spacing: .02em; padding: 8px 16px; border-radius: 999px; background: var(--line); color: var(--idle); }
.indicator .dot { width: 14px; height: 14px; border-radius: 50%; border: 2px solid currentColor; }
.indicator[data-live="true"] { background: var(--live-bg); color: var(--live); }
.indicator[data-live="true"] .dot { background: currentColor; animation: pulse 1.6s ease-in-out infinite; }
@keyframes pulse { 50% { opacity: .35; } }
@media (prefers-reduced-motion: reduce) { .indicator[data-live="true"] .dot { animation: none; } }
.problem { color: var(--bad); margin: 8px 0; }
.bad { color: var(--bad); }
.table { width: 100%; border-collapse: collapse; margin-top: 8px; }
.table th, .table td { padding: 6px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
.table th { font-size: 12px; color: var(--muted); font-weight: 600; }
.table th.r, .table td.r { text-align: right; white-space: nowrap; }
.table td.path { word-break: break-all; }
.clickable tbody tr { cursor: pointer; }
.clickable tbody tr:hover, .clickable tbody tr:focus { background: var(--bg); outline: none; }
.clickable tbody tr[aria-selected="true"] { background: var(--live-bg); }
.status { font-size: 12px; font-weight: 600; padding: 1px 6px; border-radius: 4px; background: var(--line); white-space: nowrap; }
.status-ACTIVE, .status-COMPLETED { color: var(--live); }
.status-RATE_LIMITED, .status-FAILED { color: var(--bad); }
.status-INTERRUPTED { color: var(--warn); }
.waiting { margin: 8px 0; padding: 0; list-style: none; }
.waiting li { padding: 6px 10px; border-left: 3px solid var(--warn); margin-bottom: 4px; }
.resuming li { border-left-color: var(--bar); }
.resuming .countdown { font-size: inherit; color: inherit; }
.activity-waiting { color: var(--warn); font-weight: 600; }
.limit { display: flex; justify-content: space-between; gap: 12px; padding: 6px 0; border-bottom: 1px solid var(--line); }
.limit:last-child { border-bottom: 0; }
.countdown { font-size: 18px; font-weight: 700; color: var(--bad); font-variant-numeric: tabular-nums; }
.progress { height: 12px; border-radius: 6px; background: var(--line); overflow: hidden; margin: 6px 0 10px; }
.progress > span { display: block; height: 100%; background: var(--bar); }
.progress.over > span { background: var(--bad); }
.progress { position: relative; }
.progress > i { position: absolute; top: 0; bottom: 0; width: 2px; background: var(--text); }
.window { display: grid; grid-template-columns: 1fr auto auto; gap: 4px 12px; align-items: baseline; padding: 6px 0; border-bottom: 1px solid var(--line); }
.window:last-child { border-bottom: 0; }
.window .progress { grid-column: 1 / -1; margin: 0; }
.window-warning b { color: var(--warn); }
.window-rejected b { color: var(--bad); }
.figures { display: flex; flex-wrap: wrap; gap: 24px; margin-bottom: 8px; }
.figure b { display: block; font-size: 20px; font-variant-numeric: tabular-nums; }
.figure > span { color: var(--muted); font-size: 12px; }
.chart { margin-top: 12px; overflow-x: auto; }
.chart svg { width: 100%; max-width: 960px; height: auto; display: block; }
.fields { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
.fields dt { color: var(--muted); }
.fields dd { margin: 0; word-break: break-all; font-variant-numeric: tabular-nums; }
.detail-head { display: flex; justify-content: space-between; align-items: center; }
button { font: inherit; padding: 4px 12px; border: 1px solid var(--line); border-radius: 6px; background: var(--card); color: var(--text); cursor: pointer; }
.spark { margin-top: 12px; }
.spark svg { width: 100%; height: 48px; display: block; }
.spark-bar { fill: var(--bar); }
.ev-limit, .ev-error { color: var(--bad); }
.ev-warning { color: var(--warn); }
.ev-answer { color: var(--live); }
`;
