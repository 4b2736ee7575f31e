import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where everything of ours lives. One object so tests and commands agree on every location. */
export interface Paths {
  dataDir: string;
  stateDir: string;
  configDir: string;
  logDir: string;
  databaseFile: string;
  configFile: string;
  logFile: string;
  /** current_session.json: the session a reader should show first. */
  currentStateFile: string;
  /** One state file per live or recently ended session. */
  sessionStateDir: string;
  /** What a session could not write to the database, until a later run or command can. */
  journalDir: string;
  /** Where `cw install-shim` puts the shim unless told otherwise. */
  defaultShimDir: string;
  /** The CLAUDEWATCH_HOME `npm run demo` uses with the example claude, apart from the real history. */
  demoHome: string;
}

type Env = Record<string, string | undefined>;

/**
 * CLAUDEWATCH_HOME gathers everything under one directory (handy for tests and portable setups);
 * otherwise the XDG base-directory conventions apply.
 */
export function resolvePaths(env: Env = process.env): Paths {
  const home = env.HOME || homedir();
  const root = env.CLAUDEWATCH_HOME;
  const dataDir = root ?? join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'claudewatch');
  const stateDir = root ? join(root, 'state') : join(env.XDG_STATE_HOME || join(home, '.local', 'state'), 'claudewatch');
  const configDir = root ?? join(env.XDG_CONFIG_HOME || join(home, '.config'), 'claudewatch');
  const logDir = root ? join(root, 'logs') : join(stateDir, 'logs');
  return {
    dataDir,
    stateDir,
    configDir,
    logDir,
    databaseFile: join(dataDir, 'claudewatch.db'),
    configFile: join(configDir, 'config.json'),
    logFile: join(logDir, 'claudewatch.log'),
    currentStateFile: env.CLAUDE_SESSION_STATE_FILE || join(stateDir, 'current_session.json'),
    sessionStateDir: join(stateDir, 'sessions'),
    journalDir: join(stateDir, 'journal'),
    defaultShimDir: join(home, '.local', 'bin'),
    demoHome: join(dataDir, 'demo'),
  };
}
