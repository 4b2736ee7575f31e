/** Text made safe for the formats we write by hand. */

/** An RFC 4180 field: quoted when it holds a comma, a quote or a line break, quotes doubled. Lists are joined by spaces. */
export function csvCell(value: string | number | boolean | null | undefined | readonly (string | number)[]): string {
  const text = value === null || value === undefined ? '' : Array.isArray(value) ? value.join(' ') : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Text for HTML or SVG, in content or in a quoted attribute. */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}

/**
 * Text from outside (a path, a model's or a tool's words) for a terminal: control characters,
 * escape sequences among them, are shown as `\xNN` instead of acted on.
 */
export function terminalText(text: string): string {
  // eslint-disable-next-line no-control-regex -- the control characters are what is replaced
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
