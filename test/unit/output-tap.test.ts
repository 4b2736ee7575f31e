/** Claude's output for our observers, from its first byte, while they load after the spawn. */
import { expect, it } from 'vitest';
import { OutputTap } from '../../src/runner/output-tap.js';

const chunk = (text: string): Buffer => Buffer.from(text);

it('keeps what comes before the observers attach and hands it over in order, then passes the rest on', () => {
  const tap = new OutputTap();
  tap.observe(chunk('{"type":'), 'stdout');
  tap.observe(chunk('warn'), 'stderr');
  tap.observe(chunk('"init"}\n'), 'stdout');
  const seen: string[] = [];
  tap.attach((data, stream) => seen.push(`${stream}:${data.toString()}`));
  expect(seen).toEqual(['stdout:{"type":', 'stderr:warn', 'stdout:"init"}\n']);
  tap.observe(chunk('next'), 'stdout');
  expect(seen.at(-1)).toBe('stdout:next');
  expect(tap.lostEarlyOutput).toBe(false);
});

it('keeps no more than its bound, nothing after the first chunk left out, and says so', () => {
  const tap = new OutputTap(8);
  tap.observe(chunk('12345'), 'stdout');
  tap.observe(chunk('67890'), 'stdout');
  tap.observe(chunk('abc'), 'stdout');
  const seen: string[] = [];
  tap.attach((data) => seen.push(data.toString()));
  expect(seen).toEqual(['12345']);
  expect(tap.lostEarlyOutput).toBe(true);
});

it('drops what it kept once nobody will attach', () => {
  const tap = new OutputTap();
  tap.observe(chunk('before'), 'stdout');
  tap.close();
  tap.observe(chunk('after'), 'stdout');
  const seen: string[] = [];
  tap.attach((data) => seen.push(data.toString()));
  expect(seen).toEqual([]);
});
