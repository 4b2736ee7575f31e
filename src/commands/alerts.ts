import { formatJson, versioned } from '../core/json-output.js';
import { checkAlerts } from '../runner/alert-check.js';
import { loadConfig } from '../shared/config.js';
import { UserError } from '../shared/errors.js';
import { createFileLogger } from '../shared/log.js';
import { resolvePaths } from '../shared/paths.js';
import { ackAlert, clearAlerts, listAlerts, type StoredAlert } from '../store/alerts.js';
import { openForReading } from '../store/reader.js';
import { createPainter, outputWidth } from '../ui/format.js';
import { renderRows } from '../ui/table.js';
import { type CommandOptions, parseCommandArgs } from './options/parse.js';

const USAGE = `Usage: cw alerts <list|check|ack ID|clear> [--json]

  cw alerts list [--all]   open alerts, newest first (--all: acknowledged ones too)
  cw alerts check          evaluate every rule now, raise what is new, deliver it (cron-friendly)
  cw alerts ack ID         acknowledge one alert
  cw alerts clear          acknowledge every open alert

Rules (config "alerts"): cost per day and week, the open block's share of its limit, a burn rate
that reaches the limit before the block ends, a limit reached, a session that failed. Each alert
is raised once per condition and period, at most once per alerts.minIntervalMinutes per rule, and
goes to the terminal (after Claude exits, in cw watch), the desktop and alerts.webhooks.
`;

/** The options `cw alerts` takes, for its parser and for shell completion. */
export const OPTIONS = { json: { type: 'boolean' }, all: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' } } as const satisfies CommandOptions;

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
  switch (action) {
    case 'list': {
      const { db } = openForReading(env);
      let alerts: StoredAlert[];
      try {
        alerts = listAlerts(db, { includeAcked: values.all === true });
      } finally {
        db.close();
      }
      process.stdout.write(values.json ? formatJson(versioned({ alerts })) : renderAlerts(alerts, values.all === true));
      return 0;
    }
    case 'check': {
      const { raised, problems } = await checkAlerts(loadConfig(paths.configFile).config, env, now);
      if (problems.length > 0) createFileLogger(paths.logFile).warn(`alert delivery: ${problems.join('; ')}`);
      if (values.json) process.stdout.write(formatJson(versioned({ raised, problems })));
      else if (!values.quiet) process.stdout.write(raised.length === 0 ? 'No new alerts.\n' : renderAlerts(raised, false));
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

function renderAlerts(alerts: StoredAlert[], withState: boolean): string {
  if (alerts.length === 0) return 'No open alerts.\n';
  const paint = createPainter();
  const severity = (value: string) => ({ text: value, style: value === 'critical' ? paint.red : value === 'warning' ? paint.yellow : undefined });
  const rows = alerts.map((alert) => [
    String(alert.id),
    new Date(alert.createdAt).toISOString().replace('T', ' ').slice(0, 16),
    severity(alert.severity),
    ...(withState ? [alert.ackedAt === null ? 'open' : 'acked'] : []),
    alert.message,
  ]);
  const columns = [{ header: 'ID', align: 'right' as const }, 'RAISED (UTC)', 'SEVERITY', ...(withState ? ['STATE'] : []), { header: 'ALERT', elastic: true }];
  return renderRows(columns, rows, { width: outputWidth(), headerStyle: paint.bold }).text;
}
