import { describe, expect, it } from 'vitest';
import { csvCell, markdownCell, printable, printableLines } from '../../src/core/text-escape.js';

/** What hostile names carry: a window title (OSC 0), a clipboard write (OSC 52), a clear-screen, a bell, C1 CSI. */
const OSC_TITLE = '\x1b]0;pwned\x07';
const OSC_CLIPBOARD = '\x1b]52;c;cm0gLXJmIH4=\x1b\\';
const CLEAR = '\x1b[2J\x1b[H';
const C1_CSI = '\u009b31m';

describe('printable', () => {
  it('shows escape sequences as text a person can read', () => {
    expect(printable(`proj${OSC_TITLE}ect`)).toBe('proj\\e]0;pwned\\aect');
    expect(printable(OSC_CLIPBOARD)).toBe('\\e]52;c;cm0gLXJmIH4=\\e\\');
    expect(printable(CLEAR)).toBe('\\e[2J\\e[H');
  });

  it('shows C0, DEL, C1 and bidirectional overrides by their code', () => {
    expect(printable('a\x00b\x7fc')).toBe('a\\x00b\\x7fc');
    expect(printable(C1_CSI)).toBe('\\x9b31m');
    expect(printable('\u0085next')).toBe('\\x85next');
    expect(printable('file\u202Etxt.exe')).toBe('file\\u202etxt.exe');
    expect(printable('tab\there\r\nline')).toBe('tab\\there\\r\\nline');
  });

  it('leaves every other character alone, wide or combining', () => {
    const text = '/home/用户/プロジェクト/café 🚀 naïve';
    expect(printable(text)).toBe(text);
  });

  it('never lets a control character through, whatever the input', () => {
    const every = Array.from({ length: 0x2070 }, (_, code) => String.fromCharCode(code)).join('');
     
    expect(printable(every)).not.toMatch(/[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
  });

  it('keeps the line breaks of text of ours that spans lines', () => {
    expect(printableLines(`one ${OSC_TITLE}\ntwo\r`)).toBe('one \\e]0;pwned\\a\ntwo\\r');
  });
});

describe('csvCell', () => {
  it('neutralises what a spreadsheet would evaluate with a leading quote', () => {
    expect(csvCell("=cmd|' /C calc'!A0")).toBe("'=cmd|' /C calc'!A0");
    expect(csvCell('+1+1')).toBe("'+1+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\\t=1");
    expect(csvCell('\r=1')).toBe("'\\r=1");
    // Quoted as RFC 4180 wants, after the quote is added.
    expect(csvCell('=HYPERLINK("http://x", "y")')).toBe(`"'=HYPERLINK(""http://x"", ""y"")"`);
  });

  it('leaves numbers, plain text and inner signs as they are', () => {
    expect(csvCell(-1.5)).toBe('-1.5');
    expect(csvCell(0)).toBe('0');
    expect(csvCell('/work/a-b=c')).toBe('/work/a-b=c');
    expect(csvCell('claude-sonnet-4-5')).toBe('claude-sonnet-4-5');
    expect(csvCell(null)).toBe('');
    expect(csvCell(['a', 'b'])).toBe('a b');
  });

  it('shows control characters instead of writing them', () => {
    expect(csvCell(`x${OSC_TITLE}`)).toBe('x\\e]0;pwned\\a');
    expect(csvCell('two\nlines, one cell')).toBe('"two\\nlines, one cell"');
  });
});

describe('markdownCell', () => {
  it('turns raw HTML into text', () => {
    expect(markdownCell('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(markdownCell('a & b')).toBe('a &amp; b');
  });

  it('escapes table syntax, emphasis, code and link brackets', () => {
    expect(markdownCell('a|b')).toBe('a\\|b');
    expect(markdownCell('[click](javascript:alert(1))')).toBe('\\[click\\](javascript:alert(1))');
    expect(markdownCell('*bold* _it_ `code` ~~s~~')).toBe('\\*bold\\* \\_it\\_ \\`code\\` \\~\\~s\\~\\~');
    expect(markdownCell('C:\\path')).toBe('C:\\\\path');
  });

  it('shows control characters', () => {
    expect(markdownCell(`x${CLEAR}`)).toBe('x\\\\e\\[2J\\\\e\\[H');
  });
});
