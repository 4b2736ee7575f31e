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
