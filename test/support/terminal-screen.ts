/**
 * A minimal headless terminal: enough VT100/xterm to turn Claude Code's screen output back into
 * text. Claude paints with absolute and relative cursor moves (2.1.x writes "Hello\x1b[9Gfrom"
 * instead of "Hello from"), so stripping escapes from the raw bytes loses spaces and order.
 * Colours and modes are ignored; only characters and their positions are kept.
 */

/** Rough wcwidth: wide East Asian and emoji ranges take two cells, combining marks none. */
function charWidth(cp: number): number {
  if (cp === 0x200d || (cp >= 0x300 && cp <= 0x36f) || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

type Grid = string[][];

const blankRow = (cols: number): string[] => Array.from({ length: cols }, () => ' ');

/** Claude pads with NO-BREAK SPACE after its prompt glyph; read it as a space. */
const rowText = (row: string[]): string => row.join('').replace(/\u00a0/g, ' ').trimEnd();

export class TerminalScreen {
  private main: Grid;
  private alt: Grid;
  private grid: Grid;
  private row = 0;
  private col = 0;
  private wrapPending = false;
  private saved = { row: 0, col: 0 };
  private scrollTop = 0;
  private scrollBottom: number;
  /** Text after an incomplete escape sequence at the end of the last chunk. */
  private carry = '';
  private readonly scrollback: string[] = [];
  /** Every distinct non-empty row seen after each write, in order of first appearance. */
  private readonly seen = new Set<string>();

  constructor(
    readonly cols = 100,
    readonly rows = 30,
  ) {
    this.main = this.blankGrid();
    this.alt = this.blankGrid();
    this.grid = this.main;
    this.scrollBottom = rows - 1;
  }

  /** The visible screen, one line per row, trailing spaces removed. */
  text(): string {
    return this.grid
      .map((r) => rowText(r))
      .join('\n')
      .replace(/\n+$/, '');
  }

  /** Rows that scrolled off the top of the main screen, then every distinct row ever shown. */
  history(): string {
    return [...this.scrollback, ...this.seen].join('\n');
  }

  write(data: string): void {
    const s = this.carry + data;
    this.carry = '';
    let i = 0;
    while (i < s.length) {
      const ch = s[i] as string;
      if (ch === '\x1b') {
        const consumed = this.escape(s, i);
        if (consumed === 0) {
          this.carry = s.slice(i);
          break;
        }
        i += consumed;
        continue;
      }
      const cp = s.codePointAt(i) as number;
      const len = cp > 0xffff ? 2 : 1;
      if (!this.control(cp)) this.print(s.slice(i, i + len), cp);
      i += len;
    }
    for (const r of this.grid) {
      const line = rowText(r);
      if (line.trim().length > 0) this.seen.add(line);
    }
  }

  private blankGrid(): Grid {
    return Array.from({ length: this.rows }, () => blankRow(this.cols));
  }

  private control(cp: number): boolean {
    switch (cp) {
      case 0x0d:
        this.col = 0;
        this.wrapPending = false;
        return true;
      case 0x0a:
      case 0x0b:
      case 0x0c:
        this.lineFeed();
        return true;
      case 0x08:
        this.col = Math.max(0, this.col - 1);
        this.wrapPending = false;
        return true;
      case 0x09:
        this.col = Math.min(this.cols - 1, (Math.floor(this.col / 8) + 1) * 8);
        return true;
      default:
        return cp < 0x20 || cp === 0x7f;
    }
  }

  private print(ch: string, cp: number): void {
    const width = charWidth(cp);
    if (width === 0) return;
    if (this.wrapPending || this.col + width > this.cols) {
      this.col = 0;
      this.lineFeed();
      this.wrapPending = false;
    }
    const row = this.grid[this.row] as string[];
    row[this.col] = ch;
    if (width === 2 && this.col + 1 < this.cols) row[this.col + 1] = '';
    this.col += width;
    if (this.col >= this.cols) {
      this.col = this.cols - 1;
      this.wrapPending = true;
    }
  }

  private lineFeed(): void {
    if (this.row === this.scrollBottom) this.scrollUp(1);
    else if (this.row < this.rows - 1) this.row += 1;
  }

  private scrollUp(n: number): void {
    for (let k = 0; k < n; k++) {
      const [gone] = this.grid.splice(this.scrollTop, 1);
      if (this.grid === this.main && this.scrollTop === 0 && gone) this.scrollback.push(rowText(gone));
      this.grid.splice(this.scrollBottom, 0, blankRow(this.cols));
    }
  }

  private scrollDown(n: number): void {
    for (let k = 0; k < n; k++) {
      this.grid.splice(this.scrollBottom, 1);
      this.grid.splice(this.scrollTop, 0, blankRow(this.cols));
    }
  }

  /** Returns how many characters the sequence at `i` spans, or 0 when it is cut off. */
  private escape(s: string, i: number): number {
    const next = s[i + 1];
    if (next === undefined) return 0;
    if (next === '[') {
      const m = /^\x1b\[([0-?]*)([ -/]*)([@-~])/.exec(s.slice(i, i + 64));
      if (!m) return s.length - i < 64 ? 0 : 2;
      this.csi(m[1] ?? '', m[2] ?? '', m[3] ?? '');
      return m[0].length;
    }
    if (next === ']' || next === 'P' || next === '_' || next === '^' || next === 'X') {
      // OSC/DCS/APC/PM/SOS: skip to BEL or ST.
      for (let j = i + 2; j < s.length; j++) {
        if (s[j] === '\x07') return j - i + 1;
        if (s[j] === '\x1b' && s[j + 1] === '\\') return j - i + 2;
      }
      return 0;
    }
    if (next === '(' || next === ')' || next === '*' || next === '+' || next === '#' || next === '%') {
      return s.length - i < 3 ? 0 : 3;
    }
    switch (next) {
      case '7':
        this.saved = { row: this.row, col: this.col };
        break;
      case '8':
        ({ row: this.row, col: this.col } = this.saved);
        break;
      case 'D':
        this.lineFeed();
        break;
      case 'E':
        this.col = 0;
        this.lineFeed();
        break;
      case 'M':
        if (this.row === this.scrollTop) this.scrollDown(1);
        else this.row = Math.max(0, this.row - 1);
        break;
      case 'c':
        this.reset();
        break;
      default:
        break;
    }
    return 2;
  }

  private reset(): void {
    this.main = this.blankGrid();
    this.alt = this.blankGrid();
    this.grid = this.main;
    this.row = 0;
    this.col = 0;
    this.scrollTop = 0;
    this.scrollBottom = this.rows - 1;
  }

  private csi(params: string, intermediates: string, final: string): void {
    if (intermediates !== '') return;
    const isPrivate = /^[<=>?]/.test(params);
    const nums = (isPrivate ? params.slice(1) : params).split(';').map((p) => (p === '' ? NaN : Number.parseInt(p, 10)));
    const n = (index: number, fallback: number): number => {
      const v = nums[index];
      return v === undefined || Number.isNaN(v) || v === 0 ? fallback : v;
    };
    const clampRow = (r: number): number => Math.max(0, Math.min(this.rows - 1, r));
    const clampCol = (c: number): number => Math.max(0, Math.min(this.cols - 1, c));
    if (isPrivate) {
      if (params.startsWith('?') && (final === 'h' || final === 'l')) this.privateMode(nums, final === 'h');
      return;
    }
    this.wrapPending = false;
    const row = this.grid[this.row] as string[];
    switch (final) {
      case 'A':
        this.row = clampRow(this.row - n(0, 1));
        break;
      case 'B':
      case 'e':
        this.row = clampRow(this.row + n(0, 1));
        break;
      case 'C':
      case 'a':
        this.col = clampCol(this.col + n(0, 1));
        break;
      case 'D':
        this.col = clampCol(this.col - n(0, 1));
        break;
      case 'E':
        this.row = clampRow(this.row + n(0, 1));
        this.col = 0;
        break;
      case 'F':
        this.row = clampRow(this.row - n(0, 1));
        this.col = 0;
        break;
      case 'G':
      case '`':
        this.col = clampCol(n(0, 1) - 1);
        break;
      case 'd':
        this.row = clampRow(n(0, 1) - 1);
        break;
      case 'H':
      case 'f':
        this.row = clampRow(n(0, 1) - 1);
        this.col = clampCol(n(1, 1) - 1);
        break;
      case 'J':
        this.eraseDisplay(Number.isNaN(nums[0] ?? NaN) ? 0 : (nums[0] as number));
        break;
      case 'K': {
        const mode = Number.isNaN(nums[0] ?? NaN) ? 0 : (nums[0] as number);
        const [from, to] = mode === 0 ? [this.col, this.cols] : mode === 1 ? [0, this.col + 1] : [0, this.cols];
        for (let c = from; c < to; c++) row[c] = ' ';
        break;
      }
      case 'X':
        for (let c = this.col; c < Math.min(this.cols, this.col + n(0, 1)); c++) row[c] = ' ';
        break;
      case 'P':
        row.splice(this.col, n(0, 1));
        while (row.length < this.cols) row.push(' ');
        break;
      case '@':
        row.splice(this.col, 0, ...blankRow(n(0, 1)));
        row.length = this.cols;
        break;
      case 'L':
      case 'M': {
        if (this.row < this.scrollTop || this.row > this.scrollBottom) break;
        const savedTop = this.scrollTop;
        this.scrollTop = this.row;
        if (final === 'L') this.scrollDown(n(0, 1));
        else this.scrollUpInPlace(n(0, 1));
        this.scrollTop = savedTop;
        break;
      }
      case 'S':
        this.scrollUp(n(0, 1));
        break;
      case 'T':
        this.scrollDown(n(0, 1));
        break;
      case 'r':
        this.scrollTop = clampRow(n(0, 1) - 1);
        this.scrollBottom = clampRow(n(1, this.rows) - 1);
        this.row = 0;
        this.col = 0;
        break;
      case 's':
        this.saved = { row: this.row, col: this.col };
        break;
      case 'u':
        ({ row: this.row, col: this.col } = this.saved);
        break;
      default:
        break;
    }
  }

  /** Delete lines inside the region without sending them to scrollback. */
  private scrollUpInPlace(n: number): void {
    for (let k = 0; k < n; k++) {
      this.grid.splice(this.scrollTop, 1);
      this.grid.splice(this.scrollBottom, 0, blankRow(this.cols));
    }
  }

  private eraseDisplay(mode: number): void {
    const clearRow = (r: number, from: number, to: number): void => {
      const row = this.grid[r] as string[];
      for (let c = from; c < to; c++) row[c] = ' ';
    };
    if (mode === 0) {
      clearRow(this.row, this.col, this.cols);
      for (let r = this.row + 1; r < this.rows; r++) clearRow(r, 0, this.cols);
    } else if (mode === 1) {
      for (let r = 0; r < this.row; r++) clearRow(r, 0, this.cols);
      clearRow(this.row, 0, this.col + 1);
    } else {
      for (let r = 0; r < this.rows; r++) clearRow(r, 0, this.cols);
    }
  }

  private privateMode(modes: number[], on: boolean): void {
    for (const mode of modes) {
      if (mode !== 1049 && mode !== 47 && mode !== 1047) continue;
      if (on && this.grid !== this.alt) {
        this.saved = { row: this.row, col: this.col };
        this.alt = this.blankGrid();
        this.grid = this.alt;
      } else if (!on && this.grid === this.alt) {
        this.grid = this.main;
        ({ row: this.row, col: this.col } = this.saved);
      }
    }
  }
}
