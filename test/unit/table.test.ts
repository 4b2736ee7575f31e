import { Chalk } from 'chalk';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { cutMiddle, cutToWidth, wrapToWidth } from '../../src/ui/screen-text.js';
import { renderRows, renderTable } from '../../src/ui/table.js';

const colour = new Chalk({ level: 1 });
 
const plain = (text: string): string => text.replace(/\x1b\[[0-9;]*m/g, '');

/** Where each column starts on every line: equal on every row when the table is aligned. */
function columnStarts(lines: string[], marker: string): number[] {
  return lines.map((line) => stringWidth(line.slice(0, line.indexOf(marker))));
}

describe('renderTable', () => {
  it('aligns columns by the cells a terminal gives wide characters', () => {
    const { text } = renderRows(
      ['PROJECT', { header: 'COST', align: 'right' }, 'END'],
      [
        ['/work/api', '$1.00', '|'],
        ['/work/プロジェクト', '$22.00', '|'],
        ['/work/数据分析', '$3.50', '|'],
        ['/work/🚀-launch', '$0.10', '|'],
      ],
    );
    const lines = text.trimEnd().split('\n').slice(1);
    // The column after the costs starts in one cell on every row, so the right-aligned costs end in one too.
    expect(new Set(columnStarts(lines, '|'))).toEqual(new Set([stringWidth('/work/プロジェクト') + 2 + '$22.00'.length + 2]));
  });

  it('cuts a wide-character cell without splitting a character or overrunning the width', () => {
    const { text } = renderTable(
      [
        { header: 'PROJECT', cells: ['/home/用户/非常长的项目名称/子目录/服务'], elastic: true },
        { header: 'COST', align: 'right', cells: ['$1.00'] },
      ],
      { width: 24 },
    );
    for (const line of text.trimEnd().split('\n')) expect(stringWidth(line)).toBeLessThanOrEqual(24);
    expect(text).toContain('…');
    expect(text).not.toContain('\uFFFD');
  });

  it('shows control characters in data and adds colour only after cutting and padding', () => {
    const { text } = renderRows(
      ['NAME', 'STATUS'],
      [[`evil\x1b]0;title\x07\x1b[2J\u009b`, { text: 'ACTIVE', style: colour.green }]],
      { headerStyle: colour.bold },
    );
    const escapes = text.match(/\x1b[^m]*m/g) ?? [];
    // Only our own SGR colour codes: bold header, green status.
    expect(escapes.every((code) => /^\x1b\[[0-9;]*m$/.test(code))).toBe(true);
    expect(text).not.toMatch(/[\x07\u009b]|\x1b\]/);
    expect(plain(text)).toContain('evil\\e]0;title\\a\\e[2J\\x9b');
    expect(text).toContain(`${colour.green('ACTIVE')}`);
  });

  it('hides columns in the order given, then cuts the elastic ones, and says what it hid', () => {
    const columns = [
      { header: 'ID', cells: ['abc12345'] },
      { header: 'PROJECT', cells: ['/home/someone/work/a-very-long-project-name'], elastic: true },
      { header: 'MODE', cells: ['interactive'], dropOrder: 2 },
      { header: 'TYPE', cells: ['review'], dropOrder: 1 },
      { header: 'COST', align: 'right' as const, cells: ['$1.00'] },
    ];
    const wide = renderTable(columns, { width: 200 });
    expect(wide.dropped).toEqual([]);
    const narrower = renderTable(columns, { width: 74 });
    expect(narrower.dropped).toEqual(['TYPE']);
    const narrow = renderTable(columns, { width: 40 });
    expect(narrow.dropped).toEqual(['TYPE', 'MODE']);
    const row = narrow.text.split('\n')[1]!;
    expect(stringWidth(row)).toBeLessThanOrEqual(40);
    expect(row).toMatch(/^abc12345 {2}\/home\/.*….*name {2}\$1\.00$/);
  });

  it('uses compact cells before hiding columns, and full ones again when hiding made room', () => {
    const columns = [
      { header: 'DAY', cells: ['2026-11-30'] },
      { header: 'TOKENS', align: 'right' as const, cells: ['1,234,567'], compact: ['1.23M'] },
      { header: 'MODELS', cells: ['opus-4-5, sonnet-4-5'], dropOrder: 1 },
    ];
    expect(renderTable(columns, { width: 41 }).text).toContain('1.23M');
    const hidden = renderTable(columns, { width: 22 });
    expect(hidden.dropped).toEqual(['MODELS']);
    expect(hidden.text).toContain('1,234,567');
  });

  it('shares the cut between elastic columns, widest first', () => {
    const { text } = renderTable(
      [
        { header: 'A', cells: ['x'.repeat(40)], elastic: true },
        { header: 'B', cells: ['y'.repeat(20)], elastic: true },
      ],
      { width: 42 },
    );
    const [a, b] = text.split('\n')[1]!.split(/ {2}/);
    expect(stringWidth(a!) + 2 + stringWidth(b!)).toBeLessThanOrEqual(42);
    expect(stringWidth(a!)).toBe(20);
    expect(stringWidth(b!)).toBe(20);
  });

  it('never prints a line wider than the width, even with nothing left to hide', () => {
    const { text } = renderRows(['ONE', 'TWO', 'THREE'], [['a'.repeat(30), 'b'.repeat(30), 'c'.repeat(30)]], { width: 50 });
    for (const line of text.trimEnd().split('\n')) expect(stringWidth(line)).toBeLessThanOrEqual(50);
  });
});

describe('screen text', () => {
  it('cuts by cells, keeping colours closed', () => {
    expect(cutToWidth('用户名', 5)).toBe('用户');
    expect(cutToWidth(`${colour.red('abcdef')}`, 3)).toBe('\x1b[31mabc\x1b[0m');
    expect(cutMiddle('/home/用户/project', 10)).toBe('/home…ject');
    // A family emoji is one character of two cells: never split.
    expect(stringWidth(cutMiddle('👨‍👩‍👧 family', 6))).toBeLessThanOrEqual(6);
  });

  it('wraps prose at spaces by cells', () => {
    expect(wrapToWidth('項目 数据分析 and more words', 13)).toEqual(['項目 数据分析', 'and more', 'words']);
    expect(wrapToWidth('short', 80)).toEqual(['short']);
  });
});
