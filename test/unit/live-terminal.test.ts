import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { openLiveTerminal, type LiveTerminal } from '../../src/ui/live-terminal.js';

/** A terminal's output side: what was written, and a size that can change. */
class FakeScreen extends EventEmitter {
  written = '';
  columns = 50;
  rows = 4;
  isTTY = true;
  write(text: string): boolean {
    this.written += text;
    return true;
  }
}

let terminal: LiveTerminal | null = null;
afterEach(() => terminal?.restore());

function open() {
  const stdin = new PassThrough();
  const stdout = new FakeScreen();
  const quits: string[] = [];
  let resizes = 0;
  terminal = openLiveTerminal(
    { onQuit: (reason) => quits.push(reason), onResize: () => resizes++ },
    stdin as unknown as NodeJS.ReadStream,
    stdout as unknown as NodeJS.WriteStream,
  );
  return { stdin, stdout, quits, resizes: () => resizes, terminal };
}

describe('openLiveTerminal', () => {
  it('takes the alternate screen and hides the cursor; gives both back once', () => {
    const { stdout, terminal } = open();
    expect(stdout.written).toBe('\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J');
    stdout.written = '';
    terminal.restore();
    terminal.restore();
    expect(stdout.written).toBe('\x1b[?25h\x1b[?1049l');
    terminal.draw(['late']);
    expect(stdout.written).toBe('\x1b[?25h\x1b[?1049l');
  });

  it('quits on q or Ctrl+C, and passes resizes on', async () => {
    const { stdin, stdout, quits, resizes } = open();
    stdin.write('x');
    stdin.write('q');
    stdin.write('\x03');
    await new Promise((resolve) => setImmediate(resolve));
    expect(quits).toEqual(['key', 'key']);
    stdout.emit('resize');
    expect(resizes()).toBe(1);
  });

  it('writes each row at its place, cleared first, then clears below a shorter frame', () => {
    const { stdout, terminal } = open();
    stdout.written = '';
    terminal.draw(['one', 'two']);
    expect(stdout.written).toBe('\x1b[1;1H\x1b[2Kone\x1b[2;1H\x1b[2Ktwo\x1b[3;1H\x1b[J');
    stdout.written = '';
    terminal.draw(['a', 'b', 'c', 'd'], true);
    expect(stdout.written).toBe('\x1b[2J\x1b[1;1H\x1b[2Ka\x1b[2;1H\x1b[2Kb\x1b[3;1H\x1b[2Kc\x1b[4;1H\x1b[2Kd');
  });
});
