import { formatJson, versioned } from '../core/json-output.js';
import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { loadPriceTable, type LoadedPriceTable } from '../core/price-config.js';
import { resolveModelPrice } from '../core/pricing.js';
import { inspectClaudeArgs } from '../core/claude-args.js';
import { printableLines } from '../core/text-escape.js';
import { validateConfig } from '../core/config-schema.js';
import type { WatchPlan } from '../core/watch-plan.js';
import { allOnPath, describeOurCommands, findOurCommands } from '../runner/command-path.js';
import { findRealClaude, isExecutableFile, isShim } from '../runner/find-claude.js';
import { prepareWatch } from '../runner/watch-setup.js';
import { openDatabase } from '../store/database.js';
import { journalStatus } from '../store/journal.js';
import { openReadOnly } from '../store/reader.js';
import { countUnpricedModels, type UnpricedModelCount } from '../store/session-rows.js';
import { configuredRealClaude, loadConfig, type LoadedConfig } from '../shared/config.js';
import { describeError } from '../shared/errors.js';
import { PACKAGE_ROOT } from '../shared/package-info.js';
import { resolvePaths, type Paths } from '../shared/paths.js';
import { ensurePrivateDir, writeFileAtomic } from '../shared/private-fs.js';
import { createPainter } from '../ui/format.js';
import { type CommandOptions, parseCommandArgs } from './options/parse.js';
import { unlinkSync } from 'node:fs';

export type CheckLevel = 'ok' | 'warn' | 'fail';

export interface Check {
  name: string;
  level: CheckLevel;
  detail: string;
}

export async function diagnose(env = process.env): Promise<Check[]> {
  const paths = resolvePaths(env);
  const loaded = loadConfig(paths.configFile);
  const { config } = loaded;
  const checks: Check[] = [];
  checks.push(checkConfig(paths, loaded));
  checks.push(await checkRealClaude(env, configuredRealClaude(config)));
  checks.push(checkPathClaude(env));
  checks.push(checkOurCommands(env));
  checks.push(checkIdentification(env, paths, config));
  checks.push(checkNode());
  checks.push(await checkPty());
  checks.push(checkDatabase(paths));
  checks.push(checkJournal(paths));
  checks.push(...checkPrices(paths, loadPriceTable(config)));
  checks.push(checkStateDir(paths));
  checks.push(checkLog(paths));
  if (env.CLAUDEWATCH_DISABLE === '1') checks.push({ name: 'disabled', level: 'warn', detail: 'CLAUDEWATCH_DISABLE=1: the shim passes everything through unrecorded' });
  return checks;
}

/** The file against the schema: every setting that breaks it, each named (the price entries are the prices check's). */
function checkConfig(paths: Paths, { config, problem }: LoadedConfig): Check {
  if (problem) return { name: 'config', level: 'warn', detail: `${problem}; defaults in use` };
  if (!existsSync(paths.configFile)) return { name: 'config', level: 'ok', detail: `${paths.configFile} (not created; defaults in use)` };
  const problems = validateConfig(config).filter((line) => !line.startsWith('prices '));
  if (problems.length === 0) return { name: 'config', level: 'ok', detail: paths.configFile };
  const count = `${problems.length} setting${problems.length === 1 ? ' does' : 's do'} not follow the schema (\`cw config schema\`)`;
  const hint = 'hint: fix each with `cw config set KEY VALUE`, or `cw config reset KEY` for its default';
  return { name: 'config', level: 'warn', detail: `${paths.configFile}: ${count}:\n    ${problems.join('\n    ')}\n    ${hint}` };
}

async function checkRealClaude(env: NodeJS.ProcessEnv, configured: string | undefined): Promise<Check> {
  try {
    const found = findRealClaude({ env, configuredPath: configured, shimDirs: env.CLAUDEWATCH_SHIM_DIR ? [env.CLAUDEWATCH_SHIM_DIR] : [] });
    const version = await execa(found.path, ['--version'], { timeout: 15_000, reject: false, env: { ...env, CLAUDEWATCH_DISABLE: '1' } });
    const via = { env: 'CLAUDEWATCH_REAL_CLAUDE', config: 'realClaude in the config', path: 'PATH search' }[found.source];
    const versionText = version.exitCode === 0 ? String(version.stdout).trim() : `--version failed (exit ${version.exitCode})`;
    return { name: 'real claude', level: version.exitCode === 0 ? 'ok' : 'warn', detail: `${found.path} (found by ${via}): ${versionText}` };
  } catch (error) {
    return { name: 'real claude', level: 'fail', detail: describeError(error) };
  }
}

/** What a user typing `claude` gets: the first `claude` on PATH. */
function checkPathClaude(env: NodeJS.ProcessEnv): Check {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'claude');
    if (!isExecutableFile(candidate)) continue;
    return isShim(candidate)
      ? { name: 'claude on PATH', level: 'ok', detail: `${candidate} is the ClaudeWatch shim: sessions are recorded` }
      : { name: 'claude on PATH', level: 'warn', detail: `${candidate} is the real claude: sessions are not recorded (run \`cw install-shim\`)` };
  }
  return { name: 'claude on PATH', level: 'warn', detail: 'no `claude` on PATH' };
}

/** Whether `cw` and `cw-run` are this installation's on PATH, and if not, how to make them so. */
function checkOurCommands(env: NodeJS.ProcessEnv): Check {
  const commands = findOurCommands(env.PATH, PACKAGE_ROOT);
  const detail = describeOurCommands(commands, PACKAGE_ROOT, env.SHELL).filter((line) => line !== '');
  return { name: 'cw on PATH', level: allOnPath(commands) ? 'ok' : 'warn', detail: detail.join('\n    ') };
}

function describeMethod(plan: WatchPlan): string {
  switch (plan.method) {
    case 'stream':
      return 'from print mode’s JSON events';
    case 'hooks':
      return `from hooks added through --settings (${plan.hookEvents.join(', ')})`;
    case 'session-id':
      return 'from the session id ClaudeWatch chooses (--session-id)';
    case 'transcript-scan':
      return 'by the newest transcript in the project folder (two sessions started at once in one folder may be confused)';
  }
}

/** How an interactive session started here would find its transcript, and why not a better way. */
function checkIdentification(env: NodeJS.ProcessEnv, paths: Paths, config: Record<string, unknown>): Check {
  const name = 'transcript';
  try {
    const realClaude = findRealClaude({ env, configuredPath: configuredRealClaude(config), shimDirs: env.CLAUDEWATCH_SHIM_DIR ? [env.CLAUDEWATCH_SHIM_DIR] : [] }).path;
    const { plan, claude } = prepareWatch({ args: [], info: inspectClaudeArgs([]), env, cwd: process.cwd(), config, realClaude, paths, sessionId: 'doctor' });
    const version = claude.version === null ? 'version unknown' : `Claude Code ${claude.version}`;
    const why = plan.method === 'hooks' ? '' : `; not hooks because ${plan.reason}`;
    return { name, level: plan.method === 'transcript-scan' ? 'warn' : 'ok', detail: `${version}: sessions are identified ${describeMethod(plan)}${why}` };
  } catch (error) {
    return { name, level: 'warn', detail: `cannot tell how sessions find their transcript: ${describeError(error)}` };
  }
}

function checkNode(): Check {
  const major = Number(process.versions.node.split('.')[0]);
  return major >= 20
    ? { name: 'node', level: 'ok', detail: `${process.version} (${process.execPath})` }
    : { name: 'node', level: 'fail', detail: `${process.version}: ClaudeWatch needs Node 20 or newer` };
}

async function checkPty(): Promise<Check> {
  try {
    await import('node-pty');
    return { name: 'pseudo-terminal', level: 'ok', detail: 'node-pty loads: interactive sessions are observed' };
  } catch (error) {
    return { name: 'pseudo-terminal', level: 'warn', detail: `node-pty does not load (${describeError(error)}): interactive sessions run unobserved` };
  }
}

function checkDatabase(paths: Paths): Check {
  try {
    const db = openDatabase(paths.databaseFile, { busyTimeoutMs: 2000 });
    try {
      const count = (db.prepare('SELECT COUNT(*) AS n FROM sessions').get() as { n: number }).n;
      return { name: 'database', level: 'ok', detail: `${paths.databaseFile} (${count} sessions)` };
    } finally {
      db.close();
    }
  } catch (error) {
    return { name: 'database', level: 'fail', detail: `${paths.databaseFile}: ${describeError(error)}` };
  }
}

/** Sessions that ended while the database could not take them, waiting to be saved. */
function checkJournal(paths: Paths): Check {
  const { waiting, unreadable } = journalStatus(paths.journalDir);
  if (waiting.length === 0 && unreadable.length === 0) return { name: 'journal', level: 'ok', detail: 'no session waits to be saved' };
  const lines: string[] = [];
  if (waiting.length > 0) {
    lines.push(
      `${waiting.length} session${waiting.length === 1 ? '' : 's'} ended while the database could not be written and wait${waiting.length === 1 ? 's' : ''} in ${paths.journalDir}`,
      '    hint: the next run or cw command that can write the database saves them (cw sessions, say); until then they are not in reports',
    );
  }
  if (unreadable.length > 0) lines.push(`${unreadable.length} journal file${unreadable.length === 1 ? '' : 's'} could not be read and ${unreadable.length === 1 ? 'was' : 'were'} set aside: ${unreadable.join(', ')}`);
  return { name: 'journal', level: 'warn', detail: lines.join('\n') };
}

/** The table sessions are priced with, what config.json changes in it, and what it could not price. */
function checkPrices(paths: Paths, prices: LoadedPriceTable): Check[] {
  const { table, problems, fromConfig } = prices;
  const overrides = fromConfig.length > 0 ? `from config.json: ${fromConfig.join(', ')}` : 'no overrides in config.json';
  const checks: Check[] = [{ name: 'prices', level: 'ok', detail: `table ${table.version}, ${Object.keys(table.models).length} models; ${overrides} (see \`cw prices\`)` }];
  if (problems.length > 0) {
    const lines = problems.map((problem) => `${problem}\n      hint: fix or remove this entry in ${paths.configFile}; until then it is ignored`);
    const entries = `${problems.length} entr${problems.length === 1 ? 'y' : 'ies'}`;
    checks.push({ name: 'price overrides', level: 'warn', detail: `${entries} ignored:\n    ${lines.join('\n    ')}` });
  }
  checks.push(checkUnpricedModels(paths, prices));
  return checks;
}

function checkUnpricedModels(paths: Paths, { table }: LoadedPriceTable): Check {
  let counts: UnpricedModelCount[];
  try {
    counts = readUnpricedModels(paths.databaseFile);
  } catch (error) {
    return { name: 'unpriced models', level: 'warn', detail: `cannot read ${paths.databaseFile}: ${describeError(error)}` };
  }
  if (counts.length === 0) return { name: 'unpriced models', level: 'ok', detail: 'every recorded session was priced' };
  const lines = counts.map(({ model, sessions }) => {
    const seen = `${model}: ${sessions} session${sessions === 1 ? '' : 's'}, priced at $0 by ClaudeWatch`;
    // Recorded costs are not re-priced, so a price added later helps only new sessions.
    const hint = resolveModelPrice(model, table)
      ? 'it has a price now; sessions recorded before keep $0 for it'
      : `add its rates under "prices" in ${paths.configFile} (see \`cw prices\`)`;
    return `${seen}\n      hint: ${hint}`;
  });
  return { name: 'unpriced models', level: 'warn', detail: `seen in recorded sessions:\n    ${lines.join('\n    ')}` };
}

function readUnpricedModels(databaseFile: string): UnpricedModelCount[] {
  const db = openReadOnly(databaseFile);
  if (!db) return [];
  try {
    return countUnpricedModels(db);
  } finally {
    db.close();
  }
}

function checkStateDir(paths: Paths): Check {
  const probe = join(paths.stateDir, `.doctor-${process.pid}`);
  try {
    ensurePrivateDir(paths.stateDir);
    writeFileAtomic(probe, 'ok');
    unlinkSync(probe);
    return { name: 'state files', level: 'ok', detail: `${paths.currentStateFile} (sessions in ${paths.sessionStateDir})` };
  } catch (error) {
    return { name: 'state files', level: 'fail', detail: `${paths.stateDir} is not writable: ${describeError(error)}` };
  }
}

function checkLog(paths: Paths): Check {
  let recent: string[];
  try {
    recent = readFileSync(paths.logFile, 'utf8').split('\n').filter((line) => line.includes(' ERROR ')).slice(-3);
  } catch {
    return { name: 'log', level: 'ok', detail: `${paths.logFile} (empty)` };
  }
  if (recent.length === 0) return { name: 'log', level: 'ok', detail: `${paths.logFile} (no errors)` };
  return { name: 'log', level: 'warn', detail: `${paths.logFile}; recent errors:\n    ${recent.map((line) => line.slice(0, 240)).join('\n    ')}` };
}

/** The options `cw doctor` takes, for its parser and for shell completion. */
export const OPTIONS = { json: { type: 'boolean' } } as const satisfies CommandOptions;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('doctor', argv, OPTIONS);
  if (values.help) {
    process.stdout.write('Usage: cw doctor [--json]\n\nExplain which claude runs, through what, and what is wrong.\n');
    return 0;
  }
  const checks = await diagnose();
  if (values.json) {
    process.stdout.write(formatJson(versioned({ checks })));
  } else {
    const paint = createPainter();
    const mark = { ok: paint.green('ok  '), warn: paint.yellow('warn'), fail: paint.red('FAIL') };
    for (const check of checks) process.stdout.write(`${mark[check.level]}  ${printableLines(`${check.name}: ${check.detail}`)}\n`);
  }
  return checks.some((check) => check.level === 'fail') ? 1 : 0;
}
