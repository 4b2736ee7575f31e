import { printable } from '../core/text-escape.js';
import { cutMiddle, cutToWidth, padToWidth, visibleWidth, wrapToWidth } from './screen-text.js';

/**
 * Every text table we print. Cells are data: each is made printable (control characters shown,
 * never sent), measured in terminal cells (wide CJK and emoji count two), cut and padded, and only
 * then given its colour. When the table is wider than the terminal, cells first take their
 * compact form, then columns are hidden by `dropOrder` (lowest first), then the elastic columns
 * are cut in the middle; what was hidden is returned so the caller can say so.
 */

export interface StyledCell {
  text: string;
  /** Our colour for the cell, applied after it is cut and padded. */
  style?: (text: string) => string;
}

export type Cell = string | StyledCell;

export interface Column {
  header: string;
  /** Numbers right, text left (the default). */
  align?: 'left' | 'right';
  cells: readonly Cell[];
  /** Shorter cells with the same meaning (`1.23M` for `1,234,567`), used when the full ones do not fit. */
  compact?: readonly Cell[];
  /** Lower is hidden first; a column without one is never hidden. */
  dropOrder?: number;
  /** May be cut in the middle to fit (a path, an id, a list). */
  elastic?: boolean;
  /** Cut in the middle beyond this many cells, however wide the terminal. */
  maxWidth?: number;
}

export interface TableOptions {
  /** Terminal cells the table may take; Infinity for none. */
  width?: number;
  /** Rows above which a rule is drawn (a totals row, say). */
  rules?: readonly number[];
  headerStyle?: (text: string) => string;
}

export interface RenderedTable {
  /** The lines, each ending in a newline. */
  text: string;
  /** Headers of the columns hidden to fit, in the order hidden. */
  dropped: string[];
}

const GAP = 2;
/** An elastic column is never cut below this (or its own width, if less). */
const MIN_ELASTIC = 12;

interface Prepared {
  column: Column;
  header: string;
  full: PreparedCell[];
  compact: PreparedCell[] | null;
}

interface PreparedCell {
  text: string;
  style: ((text: string) => string) | undefined;
}

export function renderTable(columns: readonly Column[], options: TableOptions = {}): RenderedTable {
  const width = options.width ?? Infinity;
  const prepared = columns.map(prepare);
  const rows = prepared.reduce((most, column) => Math.max(most, column.full.length), 0);
  const tableWidth = (set: readonly Prepared[], compact: boolean): number =>
    set.reduce((sum, column) => sum + naturalWidth(column, compact), 0) + GAP * Math.max(0, set.length - 1);

  let shown = prepared;
  let compact = tableWidth(shown, false) > width && prepared.some((column) => column.compact !== null);
  const dropped: string[] = [];
  const droppable = prepared.filter((column) => column.column.dropOrder !== undefined).sort((a, b) => a.column.dropOrder! - b.column.dropOrder!);
  for (const column of droppable) {
    if (tableWidth(shown, compact) <= width) break;
    shown = shown.filter((kept) => kept !== column);
    dropped.push(column.header);
  }
  // With columns gone, full cells may fit again.
  if (compact && tableWidth(shown, false) <= width) compact = false;

  const widths = shown.map((column) => naturalWidth(column, compact));
  shrinkElastic(shown, widths, width - tableWidth(shown, compact));

  const line = (cellOf: (column: Prepared) => PreparedCell): string => {
    const text = shown
      .map((column, index) => {
        const cell = cellOf(column);
        const cut = visibleWidth(cell.text) > widths[index]! ? cutMiddle(cell.text, widths[index]!) : cell.text;
        const last = index === shown.length - 1 && column.column.align !== 'right';
        const padded = last ? cut : padToWidth(cut, widths[index]!, column.column.align ?? 'left');
        return cell.style ? styleOutsidePadding(padded, cut, cell.style) : padded;
      })
      .join(' '.repeat(GAP))
      .trimEnd();
    // Past every other way to fit, the line is cut rather than wrapped.
    return cutToWidth(text, width);
  };
  const lines = [line((column) => ({ text: column.header, style: options.headerStyle }))];
  const rules = new Set(options.rules ?? []);
  const rule = '-'.repeat(Math.min(width, widths.reduce((sum, w) => sum + w, 0) + GAP * Math.max(0, widths.length - 1)));
  for (let row = 0; row < rows; row++) {
    if (rules.has(row)) lines.push(rule);
    lines.push(line((column) => (compact && column.compact ? column.compact[row] : column.full[row]) ?? { text: '', style: undefined }));
  }
  return { text: `${lines.join('\n')}\n`, dropped };
}

function prepare(column: Column): Prepared {
  const cap = (cell: Cell): PreparedCell => {
    const { text, style } = typeof cell === 'string' ? { text: cell, style: undefined } : cell;
    const safe = printable(text);
    return { text: column.maxWidth === undefined ? safe : cutMiddle(safe, column.maxWidth), style };
  };
  return { column, header: printable(column.header), full: column.cells.map(cap), compact: column.compact ? column.compact.map(cap) : null };
}

function naturalWidth(column: Prepared, compact: boolean): number {
  const cells = compact && column.compact ? column.compact : column.full;
  return cells.reduce((most, cell) => Math.max(most, visibleWidth(cell.text)), visibleWidth(column.header));
}

/** Takes `-room` cells from the elastic columns, always from the widest, none below its floor. */
function shrinkElastic(shown: readonly Prepared[], widths: number[], room: number): void {
  const elastic = shown.flatMap((column, index) => (column.column.elastic ? [index] : []));
  const floor = (index: number): number => Math.min(MIN_ELASTIC, naturalWidth(shown[index]!, false), widths[index]!);
  const floors = new Map(elastic.map((index) => [index, floor(index)]));
  for (let excess = -room; excess > 0; excess--) {
    const widest = elastic.filter((index) => widths[index]! > floors.get(index)!).sort((a, b) => widths[b]! - widths[a]!)[0];
    if (widest === undefined) return;
    widths[widest] = widths[widest]! - 1;
  }
}

/** The colour covers the text, not the padding, so an underline or a background ends where the text does. */
function styleOutsidePadding(padded: string, text: string, style: (text: string) => string): string {
  if (text === '') return padded;
  const start = padded.indexOf(text);
  return padded.slice(0, start) + style(text) + padded.slice(start + text.length);
}

/** A column as `renderRows` takes it: a header alone, or everything but the cells. */
export type ColumnSpec = string | Omit<Column, 'cells'>;

/** Cells given row by row under these columns: the shape most commands have. */
export function renderRows(specs: readonly ColumnSpec[], rows: ReadonlyArray<readonly Cell[]>, options: TableOptions = {}): RenderedTable {
  const columns = specs.map((spec, index): Column => ({ ...(typeof spec === 'string' ? { header: spec } : spec), cells: rows.map((row) => row[index] ?? '') }));
  return renderTable(columns, options);
}

/** The lines that say which columns were hidden, fitted to `width`; none when nothing was. */
export function hiddenColumnsNote(dropped: readonly string[], instead: string, width = Infinity): string[] {
  return dropped.length === 0 ? [] : wrapToWidth(`Hidden to fit the terminal: ${dropped.join(', ')} (widen it, or use ${instead}).`, width);
}
