import stringWidth from 'string-width';

/**
 * Text measured and cut by the cells a terminal gives it: a CJK character or an emoji takes two,
 * a combining mark none, colour codes none. The one home of string-width.
 */

// eslint-disable-next-line no-control-regex -- colour codes start with ESC
const COLOUR_SPLIT = /(\x1b\[[0-9;]*m)/;
// eslint-disable-next-line no-control-regex -- colour codes start with ESC
const COLOUR = /^\x1b\[[0-9;]*m$/;
const GRAPHEMES = new Intl.Segmenter('en', { granularity: 'grapheme' });

export function visibleWidth(text: string): number {
  return stringWidth(text);
}

/** What a user sees as one character, each with its width in cells. */
function cellsOf(text: string): Array<{ text: string; width: number }> {
  return [...GRAPHEMES.segment(text)].map(({ segment }) => ({ text: segment, width: stringWidth(segment) }));
}

/** At most `width` cells, so a line never wraps; colour codes kept, and closed if the cut fell inside one. */
export function cutToWidth(text: string, width: number): string {
  if (visibleWidth(text) <= width) return text;
  let out = '';
  let cells = 0;
  let coloured = false;
  for (const part of text.split(COLOUR_SPLIT)) {
    if (COLOUR.test(part)) {
      out += part;
      coloured = true;
      continue;
    }
    for (const cell of cellsOf(part)) {
      if (cells + cell.width > width) return coloured ? `${out}\x1b[0m` : out;
      out += cell.text;
      cells += cell.width;
    }
  }
  return coloured ? `${out}\x1b[0m` : out;
}

/** `left` and `right` on one line of `width`, `right` dropped when both do not fit. */
export function spread(left: string, right: string, width: number): string {
  const gap = width - visibleWidth(left) - visibleWidth(right);
  return gap >= 2 ? left + ' '.repeat(gap) + right : cutToWidth(left, width);
}

/** At most `width` cells of plain text, cut in the middle so both ends show (`/home/a…/service`). */
export function cutMiddle(text: string, width: number): string {
  if (visibleWidth(text) <= width) return text;
  const cells = cellsOf(text);
  if (width <= 1) return takeCells(cells, width).join('');
  const headWidth = Math.ceil((width - 1) / 2);
  const head = takeCells(cells, headWidth);
  const tail = takeCells([...cells].reverse(), width - 1 - headWidth).reverse();
  return `${head.join('')}…${tail.join('')}`;
}

function takeCells(cells: ReadonlyArray<{ text: string; width: number }>, width: number): string[] {
  const taken: string[] = [];
  let used = 0;
  for (const cell of cells) {
    if (used + cell.width > width) break;
    taken.push(cell.text);
    used += cell.width;
  }
  return taken;
}

/** `text` padded with spaces to `width` cells, on the side that keeps its alignment. */
export function padToWidth(text: string, width: number, align: 'left' | 'right'): string {
  const pad = ' '.repeat(Math.max(0, width - visibleWidth(text)));
  return align === 'right' ? pad + text : text + pad;
}

/** Prose broken at spaces into lines of at most `width` cells (a word longer than that stands alone). */
export function wrapToWidth(text: string, width: number): string[] {
  if (visibleWidth(text) <= width) return [text];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const joined = line === '' ? word : `${line} ${word}`;
    if (line !== '' && visibleWidth(joined) > width) {
      lines.push(line);
      line = word;
    } else {
      line = joined;
    }
  }
  lines.push(line);
  return lines;
}
