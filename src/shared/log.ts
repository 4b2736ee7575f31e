import { appendFileSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from './private-fs.js';
import { redactSecrets, secretsFromEnv } from './redact.js';
import { describeError } from './errors.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Each call says whether the line is now in the file: a message that points a person to the log checks first. */
export interface Logger {
  debug(message: string, detail?: unknown): boolean;
  info(message: string, detail?: unknown): boolean;
  warn(message: string, detail?: unknown): boolean;
  error(message: string, detail?: unknown): boolean;
  /** Errors logged so far; the runner reports their count in one line after Claude exits. */
  readonly errorCount: number;
  readonly file: string | null;
}

const MAX_LOG_BYTES = 5 * 1024 * 1024;
const LEVEL_RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/**
 * Our diagnostics go to a file, never to the terminal Claude is drawing on. Logging must not
 * fail its caller: if the file cannot be written, the message is dropped.
 */
export function createFileLogger(file: string, options: { level?: LogLevel; env?: Record<string, string | undefined> } = {}): Logger {
  const minRank = LEVEL_RANK[options.level ?? 'info'];
  const secrets = secretsFromEnv(options.env ?? process.env);
  let errorCount = 0;
  let prepared = false;

  const write = (level: LogLevel, message: string, detail?: unknown): boolean => {
    if (level === 'error') errorCount++;
    if (LEVEL_RANK[level] < minRank) return false;
    try {
      if (!prepared) {
        ensurePrivateDir(dirname(file));
        rotateIfLarge(file);
        prepared = true;
      }
      const extra = detail === undefined ? '' : ` ${formatDetail(detail)}`;
      const line = `${new Date().toISOString()} ${process.pid} ${level.toUpperCase()} ${message}${extra}\n`;
      appendFileSync(file, redactSecrets(line, secrets), { mode: PRIVATE_FILE_MODE });
      return true;
    } catch {
      // A monitor that cannot log must still not get in the way.
      return false;
    }
  };

  return {
    debug: (m, d) => write('debug', m, d),
    info: (m, d) => write('info', m, d),
    warn: (m, d) => write('warn', m, d),
    error: (m, d) => write('error', m, d),
    get errorCount() {
      return errorCount;
    },
    file,
  };
}

export const silentLogger: Logger = {
  debug: () => false,
  info: () => false,
  warn: () => false,
  error: () => false,
  errorCount: 0,
  file: null,
};

function formatDetail(detail: unknown): string {
  if (detail instanceof Error) return detail.stack ?? describeError(detail);
  if (typeof detail === 'string') return detail;
  try {
    return JSON.stringify(detail);
  } catch {
    return String(detail);
  }
}

function rotateIfLarge(file: string): void {
  try {
    if (statSync(file).size > MAX_LOG_BYTES) renameSync(file, `${file}.1`);
  } catch {
    // No file yet.
  }
}
