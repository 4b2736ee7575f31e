/** Text measured and cut by what a terminal shows: colour codes take no cells. */

// eslint-disable-next-line no-control-regex -- colour codes start with ESC
const COLOUR = /\x1b\[[0-9;]*m/y;

export function visibleWidth(text: string): number {
  // eslint-disable-next-line no-control-regex -- colour codes start with ESC
  return [...text.replace(/\x1b\[[0-9;]*m/g, '')].length;
}

/** At most `width` cells, so a line never wraps; colour codes kept, and closed if the cut fell inside one. */
export function cutToWidth(text: string, width: number): string {
  if (visibleWidth(text) <= width) return text;
  let out = '';
  let cells = 0;
  let coloured = false;
  let index = 0;
  while (index < text.length && cells < width) {
    COLOUR.lastIndex = index;
    const code = COLOUR.exec(text);
    if (code) {
      out += code[0];
      coloured = true;
      index += code[0].length;
      continue;
    }
    const char = String.fromCodePoint(text.codePointAt(index)!);
    out += char;
    cells += 1;
    index += char.length;
  }
  return coloured ? `${out}\x1b[0m` : out;
}

/** `left` and `right` on one line of `width`, `right` dropped when both do not fit. */
export function spread(left: string, right: string, width: number): string {
  const gap = width - visibleWidth(left) - visibleWidth(right);
  return gap >= 2 ? left + ' '.repeat(gap) + right : cutToWidth(left, width);
}

/** At most `width` characters of plain text, cut in the middle so both ends show (`/home/a…/service`). */
export function cutMiddle(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 1) return chars.slice(0, width).join('');
  const head = Math.ceil((width - 1) / 2);
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - (width - 1 - head)).join('')}`;
}
