/** The zone local times are read in, without loading ICU where the system names it. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { localTimeZone } from '../../src/shared/time-zone.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cw-zone-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

let links = 0;
/** A localtime link into a zone database under `dir`, as a system has one. */
function linkTo(zonePath: string): string {
  const target = join(dir, 'zoneinfo', zonePath);
  mkdirSync(join(target, '..'), { recursive: true });
  writeFileSync(target, 'TZif');
  const link = join(dir, `localtime-${(links += 1)}`);
  symlinkSync(target, link);
  return link;
}

it('takes TZ first, then the zone the system links /etc/localtime to', () => {
  expect(localTimeZone({ TZ: 'America/New_York' }, linkTo('Europe/Berlin'))).toBe('America/New_York');
  expect(localTimeZone({}, linkTo('Europe/Berlin'))).toBe('Europe/Berlin');
  expect(localTimeZone({}, linkTo('America/Argentina/Buenos_Aires'))).toBe('America/Argentina/Buenos_Aires');
  expect(localTimeZone({}, linkTo('posix/Asia/Tokyo'))).toBe('Asia/Tokyo');
  expect(localTimeZone({}, linkTo('right/Etc/GMT+5'))).toBe('Etc/GMT+5');
});

it('asks Intl where there is no link to read a name from', () => {
  const intl = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const copied = join(dir, 'localtime');
  writeFileSync(copied, 'TZif');
  expect(localTimeZone({}, copied)).toBe(intl);
  expect(localTimeZone({}, join(dir, 'missing'))).toBe(intl);
  const odd = join(dir, 'odd');
  symlinkSync('/nowhere/near/a/zone/database', odd);
  expect(localTimeZone({}, odd)).toBe(intl);
});
