/** Text from outside (paths, model names, commit subjects) made safe for each place we write it. */

const NAMED_CONTROLS: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\v': '\\v',
  '\f': '\\f',
  '\r': '\\r',
  '\x1b': '\\e',
};

/**
 * C0 controls, DEL and C1 controls (U+0080–U+009F, which some terminals take as 8-bit CSI or
 * OSC), and the bidirectional overrides and isolates that make a line read differently from
 * what it holds.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/**
 * For a terminal: every control character shown as an escape a person can read, so an OSC 0
 * title, an OSC 52 clipboard write, a clear-screen or a bell arrives as the text `\e]0;…\a` and
 * does nothing. Colours of our own are added after this, never before.
 */
export function printable(text: string): string {
  return text.replace(CONTROLS, showControl);
}

/** As `printable`, for text of ours that spans lines on purpose: only the line breaks are kept. */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}

function showControl(char: string): string {
  const named = NAMED_CONTROLS[char];
  if (named !== undefined) return named;
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** A spreadsheet takes a cell starting with one of these as a formula (or, with tab and CR, as the start of one). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * An RFC 4180 field. Text that a spreadsheet would evaluate gets a leading `'`, as OWASP advises,
 * so `=cmd|' /C calc'!A0` stays text; numbers are ours and stay numbers. Control characters are
 * shown as in a terminal. Lists are joined by spaces.
 */
export function csvCell(value: string | number | boolean | null | undefined | readonly (string | number)[]): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const raw = value === null || value === undefined ? '' : Array.isArray(value) ? value.join(' ') : String(value);
  const text = FORMULA_START.test(raw) ? `'${printable(raw)}` : printable(raw);
  return /[",]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Text for HTML or SVG, in content or in a quoted attribute; control characters shown as in a terminal. */
export function escapeMarkup(text: string): string {
  return printable(text).replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}

/**
 * Text for a Markdown table cell: raw HTML becomes entities, and whatever Markdown would read as
 * syntax (a pipe ending the cell, emphasis, code, the brackets of a link or an image) is
 * backslash-escaped.
 */
export function markdownCell(text: string): string {
  return printable(text)
    .replace(/[&<>]/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[char]!)
    .replace(/[\\`*_[\]|~]/g, '\\$&');
}

/**
 * Text from outside (a path, a model's or a tool's words) for a terminal: control characters,
 * escape sequences among them, are shown as `\xNN` instead of acted on.
 */
export function terminalText(text: string): string {
  // eslint-disable-next-line no-control-regex -- the control characters are what is replaced
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
