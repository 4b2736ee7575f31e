/**
 * A text table that fits a width: numbers right-aligned, and when the table is too wide, cells
 * are first written shorter (each column may offer a compact form), then whole columns are dropped
 * in the order given, then the one elastic column is cut in the middle. What was dropped is said.
 */

export interface Column {
  header: string;
  align: 'left' | 'right';
  /** Full cells, one per row. */
  cells: string[];
  /** Shorter cells with the same meaning (`1.23M` for `1,234,567`), used when the full ones do not fit. */
  compact?: string[];
  /** Lower drops first; a column without one is never dropped. */
  dropOrder?: number;
  /** The column that may be cut to fit (a path or an id). */
  elastic?: boolean;
}

export interface FittedTable {
  text: string;
  dropped: string[];
}

const GAP = 2;
const MIN_ELASTIC = 12;

export function fitTable(columns: readonly Column[], width: number, options: { rule?: number[]; paintHeader?: (text: string) => string } = {}): FittedTable {
  let shown = [...columns];
  const widthOf = (set: readonly Column[], compact: boolean): number =>
    set.reduce((sum, column) => sum + columnWidth(column, compact), 0) + GAP * Math.max(0, set.length - 1);

  let compact = widthOf(shown, false) > width;
  const droppable = shown.filter((column) => column.dropOrder !== undefined).sort((a, b) => a.dropOrder! - b.dropOrder!);
  const dropped: string[] = [];
  for (const column of droppable) {
    if (widthOf(shown, compact) <= width) break;
    shown = shown.filter((kept) => kept !== column);
    dropped.push(column.header);
  }
  // With columns gone, full cells may fit again.
  if (compact && widthOf(shown, false) <= width) compact = false;

  const widths = shown.map((column) => columnWidth(column, compact));
  const excess = widthOf(shown, compact) - width;
  const elastic = shown.findIndex((column) => column.elastic);
  if (excess > 0 && elastic >= 0) widths[elastic] = Math.max(MIN_ELASTIC, widths[elastic]! - excess);

  const rows = columns[0]?.cells.length ?? 0;
  const line = (cellOf: (column: Column, index: number) => string): string =>
    shown
      .map((column, index) => {
        const text = cut(cellOf(column, index), widths[index]!);
        const pad = ' '.repeat(widths[index]! - visibleLength(text));
        return column.align === 'right' ? pad + text : index === shown.length - 1 ? text : text + pad;
      })
      .join(' '.repeat(GAP))
      .trimEnd();
  const header = line((column) => column.header);
  const lines = [options.paintHeader ? options.paintHeader(header) : header];
  const rules = new Set(options.rule ?? []);
  const ruleLine = '-'.repeat(Math.min(width, widths.reduce((sum, w) => sum + w, 0) + GAP * (widths.length - 1)));
  for (let row = 0; row < rows; row++) {
    if (rules.has(row)) lines.push(ruleLine);
    lines.push(line((column) => (compact && column.compact ? column.compact[row]! : column.cells[row]!) ?? ''));
  }
  return { text: `${lines.join('\n')}\n`, dropped };
}

function columnWidth(column: Column, compact: boolean): number {
  const cells = compact && column.compact ? column.compact : column.cells;
  return Math.max(visibleLength(column.header), ...cells.map(visibleLength));
}

/** Cuts a cell to `width`, keeping both ends (`/home/me/…/project`), colour codes aside. */
function cut(text: string, width: number): string {
  if (visibleLength(text) <= width) return text;
  // eslint-disable-next-line no-control-regex -- colour codes start with ESC
  const plain = text.replace(/\x1b\[[0-9;]*m/g, '');
  const head = Math.ceil((width - 1) / 2);
  return `${plain.slice(0, head)}…${plain.slice(plain.length - (width - 1 - head))}`;
}

function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex -- colour codes start with ESC
  return text.replace(/\x1b\[[0-9;]*m/g, '').length;
}
