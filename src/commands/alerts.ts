import { formatJson, versioned } from '../core/json-output.js';
import { checkAlerts } from '../runner/alert-check.js';
import { loadConfig } from '../shared/config.js';
import { UserError } from '../shared/errors.js';
import { createFileLogger } from '../shared/log.js';
import { resolvePaths } from '../shared/paths.js';
import { ackAlert, alertMessage, clearAlerts, listAlerts, type StoredAlert } from '../store/alerts.js';
import { openForReading } from '../store/reader.js';
import { createPainter, outputWidth } from '../ui/format.js';
import { renderRows } from '../ui/table.js';
import { zoneTime, type ZoneTime } from '../core/zone-time.js';
import { resolveTimeZone } from './options/history-options.js';
import { type CommandOptions, parseCommandArgs } from './options/parse.js';

const USAGE = `Usage: cw alerts <list|check|ack ID|clear> [--json] [--timezone ZONE]

  cw alerts list [--all]   open alerts, newest first (--all: acknowledged and cleared ones too)
  cw alerts check          evaluate every rule now, raise what is new, close what cleared,
                           deliver it (cron-friendly)
  cw alerts ack ID         acknowledge one alert
  cw alerts clear          acknowledge every open alert

Rules (config "alerts"): cost per day and week, the open block's share of its limit (and the
whole limit), a burn rate that reaches the limit before the block ends, a limit Claude reports,
one of Claude's limit windows past alerts.windowPercent, a session that failed. Each rule about
one window or threshold is its own condition: raised once per period, closed when it clears, at
most once per alerts.minIntervalMinutes. Alerts go to the terminal (after Claude exits, in cw
watch), the desktop and alerts.webhooks; their times are in the zone of --timezone, config
"timezone", TZ or the system.
`;

/** The options `cw alerts` takes, for its parser and for shell completion. */
export const OPTIONS = { json: { type: 'boolean' }, all: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' }, timezone: { type: 'string' } } as const satisfies CommandOptions;

/** What the first word after the command may be, for shell completion. */
export const ARGUMENTS: readonly string[] = ['list', 'check', 'ack', 'clear'];

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('alerts', argv, OPTIONS);
  const [action = 'list', id] = positionals;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const env = process.env;
  const paths = resolvePaths(env);
  const now = Date.now();
  const config = loadConfig(paths.configFile).config;
  const time = zoneTime(resolveTimeZone('alerts', values.timezone, config.timezone, env));
  switch (action) {
    case 'list': {
      const { db } = openForReading(env);
      let alerts: StoredAlert[];
      try {
        alerts = listAlerts(db, { includeClosed: values.all === true });
      } finally {
        db.close();
      }
      process.stdout.write(values.json ? formatJson(versioned({ alerts: alerts.map((alert) => alertJson(alert, time)) })) : renderAlerts(alerts, values.all === true, time));
      return 0;
    }
    case 'check': {
      const { raised, problems } = await checkAlerts(config, env, now);
      if (problems.length > 0) createFileLogger(paths.logFile).warn(`alert delivery: ${problems.join('; ')}`);
      if (values.json) process.stdout.write(formatJson(versioned({ raised: raised.map((alert) => alertJson(alert, time)), problems })));
      else if (!values.quiet) process.stdout.write(raised.length === 0 ? 'No new alerts.\n' : renderAlerts(raised, false, time));
      return 0;
    }
    case 'ack': {
      const number = Number(id);
      if (!Number.isInteger(number) || number <= 0) throw new UserError('cw alerts ack: give the alert’s number, from cw alerts list.', 2);
      const { db } = openForReading(env);
      try {
        if (!ackAlert(db, number, now)) throw new UserError(`cw alerts ack: no open alert ${number}.`, 1);
      } finally {
        db.close();
      }
      process.stdout.write(`Alert ${number} acknowledged.\n`);
      return 0;
    }
    case 'clear': {
      const { db } = openForReading(env);
      try {
        process.stdout.write(`${clearAlerts(db, now)} alert(s) acknowledged.\n`);
      } finally {
        db.close();
      }
      return 0;
    }
    default:
      throw new UserError(`cw alerts: unknown action "${action}"; use list, check, ack or clear.`, 2);
  }
}

/** As scripts read it: the fields as stored (times in epoch ms, as before), the words in the zone asked for. */
function alertJson(alert: StoredAlert, time: ZoneTime): Record<string, unknown> {
  return { ...alert, message: alertMessage(alert, (at) => time.when(at, alert.createdAt)) };
}

function renderAlerts(alerts: StoredAlert[], withState: boolean, time: ZoneTime): string {
  if (alerts.length === 0) return 'No open alerts.\n';
  const paint = createPainter();
  const severity = (value: string) => ({ text: value, style: value === 'critical' ? paint.red : value === 'warning' ? paint.yellow : undefined });
  const state = (alert: StoredAlert): string => (alert.ackedAt !== null ? 'acked' : alert.clearedAt !== null ? 'cleared' : 'open');
  const rows = alerts.map((alert) => [
    String(alert.id),
    time.dateTime(alert.createdAt).slice(0, 16),
    severity(alert.severity),
    ...(withState ? [state(alert)] : []),
    // Times in the words read as the raised time does.
    alertMessage(alert, (at) => time.when(at, alert.createdAt)),
  ]);
  const columns = [{ header: 'ID', align: 'right' as const }, `RAISED (${time.timeZone})`, 'SEVERITY', ...(withState ? ['STATE'] : []), { header: 'ALERT', elastic: true }];
  return renderRows(columns, rows, { width: outputWidth(), headerStyle: paint.bold }).text;
}
