/**
 * Reading the prompt box, menus and Claude's own automatic continue from the screen. The rows
 * below are the lower part of real screens of 2.1.330 and 1.0.60, rendered from their pty output
 * while they ran against our mock API; the recorded screens in test/fixtures/screens are read
 * through the screen watcher as a session reads them.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readScreenInput, showsTyped } from '../../src/core/screen-input.js';
import { createScreenWatcher } from '../../src/runner/screen-watcher.js';
import { loadScreenFixture, type ScreenName } from '../fixtures/screens/fixture.js';

const RULE = '─'.repeat(100);
const BOX_TOP = `╭${'─'.repeat(98)}╮`;
const BOX_BOTTOM = `╰${'─'.repeat(98)}╯`;
const legacyRow = (text: string): string => `│ ${text.padEnd(96)} │`;

/** 2.1.330 after a 5-hour limit, subscriber: Claude armed its own continue. */
const CURRENT_ARMED = [
  '❯ say hi',
  "  ⎿  You've hit your 5-hour limit · resets 6:21am (UTC)",
  '● Usage limit reached · set to continue automatically at 6:21am',
  '                                                                                ◐ medium · /effort',
  RULE,
  '❯',
  RULE,
  '  ⚠ Usage limit reached · limit resets 6:21am',
  '    Continuing automatically at 6:21am · Esc to cancel',
  '  ⏵⏵ auto mode on (shift+tab to cycle) · ← for agents',
];

/** The same after the reset, "continue" typed into the box. */
const CURRENT_TYPED = [
  '❯ say hi',
  "  ⎿  You've hit your 5-hour limit · resets 6:21am (UTC)",
  '● Usage limit reached · set to continue automatically at 6:21am',
  RULE,
  '❯ continue',
  RULE,
  '  ⚠ Usage limit reached · limit resets 6:21am',
  '    Continuing shortly · Esc to cancel',
  '  ⏵⏵ auto mode on (shift+tab to cycle)',
];

/** After Claude's own continue fired: its line stays in the conversation, the footer is gone. */
const CURRENT_CONTINUED = [
  '● Usage limit reached · set to continue automatically at 6:22am',
  '● Usage limit reset · Continuing automatically',
  '● Picked up where we left off.',
  RULE,
  '❯',
  RULE,
  '  ⏵⏵ auto mode on (shift+tab to cycle) · esc to interrupt',
];

/** 2.1.330 with `autoContinueAtUsageLimit: false`: a menu instead of the prompt box. */
const CURRENT_MENU = [
  '❯ say hi',
  "  ⎿  You've hit your 5-hour limit · resets 6:24am (UTC)",
  '▔'.repeat(100),
  '  What do you want to do?',
  '  ❯ 1. Stop and wait for limit to reset',
  '    2. Wait here, then continue automatically at 6:24am',
  '    3. Upgrade your plan',
  '  Enter to confirm · Esc to cancel',
];

const CURRENT_PERMISSION = [
  '● Bash(echo waited)',
  RULE,
  ' Bash command',
  '   echo waited',
  ' Do you want to proceed?',
  ' ❯ 1. Yes',
  "   2. Yes, and don't ask again for echo commands in /work",
  '   3. No, and tell Claude what to do differently (esc)',
];

/** 1.0.60 after a 5-hour limit: the box is back and empty. */
const LEGACY_LIMITED = [
  '> say hi',
  '  ⎿  Claude usage limit reached. Your limit will reset at 6:24am (UTC).',
  '      • /upgrade to increase your usage limit.',
  BOX_TOP,
  legacyRow('>'),
  BOX_BOTTOM,
  '  ? for shortcuts',
];

describe('readScreenInput', () => {
  it('2.1.330: an empty box, and Claude set to continue by itself', () => {
    expect(readScreenInput(CURRENT_ARMED)).toEqual({ input: '', dialog: false, continuesItself: true });
    expect(readScreenInput(CURRENT_TYPED)).toEqual({ input: 'continue', dialog: false, continuesItself: true });
  });

  it('2.1.330: once Claude continued, its line in the conversation does not count', () => {
    expect(readScreenInput(CURRENT_CONTINUED)).toEqual({ input: '', dialog: false, continuesItself: false });
  });

  it('2.1.330: the limit menu and a permission prompt hold the keyboard; the rows above the box are not it', () => {
    expect(readScreenInput(CURRENT_MENU)).toEqual({ input: null, dialog: true, continuesItself: false });
    expect(readScreenInput(CURRENT_PERMISSION)).toMatchObject({ input: null, dialog: true });
    // Without the menu's rows, the user's earlier "❯ say hi" is still no prompt box.
    expect(readScreenInput(CURRENT_MENU.slice(0, 2)).input).toBeNull();
  });

  it('1.0.60: the bordered box, empty, typed into, with its placeholder, wrapped', () => {
    expect(readScreenInput(LEGACY_LIMITED)).toEqual({ input: '', dialog: false, continuesItself: false });
    const typed = [...LEGACY_LIMITED.slice(0, 3), BOX_TOP, legacyRow('> continue'), BOX_BOTTOM];
    expect(readScreenInput(typed).input).toBe('continue');
    expect(readScreenInput([BOX_TOP, legacyRow('> Try "fix lint errors"'), BOX_BOTTOM]).input).toBe('');
    const wrapped = [BOX_TOP, legacyRow('> please go on with the'), legacyRow('  migration'), BOX_BOTTOM];
    expect(readScreenInput(wrapped).input).toBe('please go on with the migration');
  });

  it('2.1.330: a wrapped input is read down to the lower rule', () => {
    const wrapped = [RULE, '❯ please go on with the', '  migration', RULE, '  ⏵⏵ auto mode on'];
    expect(readScreenInput(wrapped).input).toBe('please go on with the migration');
  });

  it('no box at all', () => {
    expect(readScreenInput([])).toEqual({ input: null, dialog: false, continuesItself: false });
    expect(readScreenInput(['some output', '❯ not under a rule'])).toMatchObject({ input: null });
  });
});

describe('showsTyped', () => {
  it('the same words, whatever the spacing the wrap left', () => {
    expect(showsTyped({ input: 'please go on', dialog: false, continuesItself: false }, 'please  go on ')).toBe(true);
    expect(showsTyped({ input: 'draft please go on', dialog: false, continuesItself: false }, 'please go on')).toBe(false);
    expect(showsTyped({ input: null, dialog: true, continuesItself: false }, 'continue')).toBe(false);
  });
});

describe('recorded screens, as the session’s watcher renders them', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const read = async (name: ScreenName) => {
    const { fixture, bytes } = loadScreenFixture(name);
    const watcher = createScreenWatcher({ cols: fixture.cols, rows: fixture.rows, timeZone: 'UTC', now: () => fixture.capturedAt, emit: () => {} });
    watcher.write(bytes);
    await vi.runAllTimersAsync();
    const rows = watcher.rows();
    watcher.dispose();
    expect(watcher.rows()).toBeNull();
    return readScreenInput(rows ?? []);
  };

  it('2.1.330 after a 5-hour limit: the box is free, and Claude says it continues by itself', async () => {
    expect(await read('five-hour-limit')).toEqual({ input: '', dialog: false, continuesItself: true });
  });

  it('1.0.60 after a 5-hour limit: the box is free and nothing continues', async () => {
    expect(await read('legacy-five-hour-limit')).toEqual({ input: '', dialog: false, continuesItself: false });
  });
});
