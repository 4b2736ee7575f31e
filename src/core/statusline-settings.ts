import { shellQuote } from './watch-plan.js';

/**
 * Planning the change `cw install-statusline` makes to Claude's settings.json: text in, text out,
 * no files. The user's own statusline is kept: our command runs it with `--then '<command>'`, and
 * `--remove` puts it back from there, so nothing about it is stored anywhere else.
 */
export type StatuslineSettingsPlan =
  | { action: 'write'; text: string; before: StatusLineSetting | null; after: StatusLineSetting | null }
  | { action: 'none'; message: string }
  | { action: 'refuse'; message: string };

export interface StatusLineSetting {
  type?: unknown;
  command?: unknown;
  [key: string]: unknown;
}

type Parsed = { ok: true; settings: Record<string, unknown> } | { ok: false; message: string };

export function parseSettingsText(text: string | null, file: string): Parsed {
  if (text === null || text.trim() === '') return { ok: true, settings: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(stripBom(text));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `${file} is not valid JSON (${detail}). Fix it or move it aside, then run this again; it was left unchanged.` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ok: false, message: `${file} does not hold a JSON object. Fix it or move it aside, then run this again; it was left unchanged.` };
  }
  return { ok: true, settings: parsed as Record<string, unknown> };
}

export function planStatuslineInstall(text: string | null, file: string, ourCommand: string): StatuslineSettingsPlan {
  const parsed = parseSettingsText(text, file);
  if (!parsed.ok) return { action: 'refuse', message: parsed.message };
  const current = parsed.settings.statusLine;
  if (current !== undefined && !isCommandSetting(current)) {
    return { action: 'refuse', message: `${file} has a "statusLine" that is not a command; change it by hand.` };
  }
  const previous = current === undefined ? null : isOurStatuslineCommand(current.command) ? previousCommandOf(current.command) : current.command;
  const command = previous === null ? ourCommand : `${ourCommand} --then ${shellQuote(previous)}`;
  if (current !== undefined && current.command === command) return { action: 'none', message: `ClaudeWatch's statusline is already in ${file}.` };
  const after: StatusLineSetting = { ...(current ?? {}), type: 'command', command };
  return { action: 'write', text: renderLike(text, { ...parsed.settings, statusLine: after }), before: current ?? null, after };
}

export function planStatuslineRemove(text: string | null, file: string): StatuslineSettingsPlan {
  const parsed = parseSettingsText(text, file);
  if (!parsed.ok) return { action: 'refuse', message: parsed.message };
  const current = parsed.settings.statusLine;
  if (current === undefined || !isCommandSetting(current) || !isOurStatuslineCommand(current.command)) {
    return { action: 'none', message: `ClaudeWatch's statusline is not in ${file}; nothing to do.` };
  }
  const previous = previousCommandOf(current.command);
  const settings = { ...parsed.settings };
  let after: StatusLineSetting | null = null;
  if (previous === null) delete settings.statusLine;
  else settings.statusLine = after = { ...current, command: previous };
  return { action: 'write', text: renderLike(text, settings), before: current, after };
}

/** Ours is the `cw-statusline` entry, or `cw statusline`, however the path to it is spelled. */
export function isOurStatuslineCommand(command: unknown): command is string {
  if (typeof command !== 'string') return false;
  const words = shellWords(command);
  // `cw-statusline`, `node …/cw-statusline.js`, `cw statusline` or `node …/cw.js statusline`.
  const start = /(^|\/)node[\w.-]*$/.test(words[0] ?? '') ? 1 : 0;
  const entry = words[start] ?? '';
  return /(^|\/)cw-statusline(\.js)?$/.test(entry) || (/(^|\/)cw(\.js)?$/.test(entry) && words[start + 1] === 'statusline');
}

/** The user's statusline our command runs after itself, if it runs one. */
export function previousCommandOf(command: string): string | null {
  const words = shellWords(command);
  const at = words.indexOf('--then');
  const previous = at >= 0 ? words[at + 1] : undefined;
  return previous !== undefined && previous.trim() !== '' ? previous : null;
}

function isCommandSetting(value: unknown): value is StatusLineSetting & { command: string } {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && typeof (value as StatusLineSetting).command === 'string';
}

/**
 * The settings as JSON written the way the file was: its indentation (or none, if it was on one
 * line), its final newline. Key order is kept; a new key goes last.
 */
function renderLike(original: string | null, settings: Record<string, unknown>): string {
  const source = original === null ? '' : stripBom(original);
  // `{}` says nothing about a style; anything longer on one line was written that way on purpose.
  const oneLine = source.trim().length > 2 && !source.trim().includes('\n');
  const indent = oneLine ? undefined : (/\n([ \t]+)"/.exec(source)?.[1] ?? '  ');
  const finalNewline = source === '' || source.endsWith('\n');
  const bom = original?.startsWith('\uFEFF') ? '\uFEFF' : '';
  return `${bom}${JSON.stringify(settings, null, indent)}${finalNewline ? '\n' : ''}`;
}

function stripBom(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/**
 * Splits a command line into words as sh would for quoting: '…', "…" and backslashes. Enough to
 * read back what shellQuote wrote; operators are kept as plain words.
 */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (char === "'") {
      const end = line.indexOf("'", i + 1);
      const stop = end < 0 ? line.length : end;
      word += line.slice(i + 1, stop);
      i = stop;
      inWord = true;
    } else if (char === '"') {
      inWord = true;
      for (i++; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\' && i + 1 < line.length && '"\\$`\n'.includes(line[i + 1]!)) i++;
        word += line[i];
      }
    } else if (char === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}
