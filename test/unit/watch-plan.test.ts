import { describe, expect, it } from 'vitest';
import { inspectClaudeArgs } from '../../src/core/claude-args.js';
import { capabilitiesOf, compareVersions } from '../../src/core/claude-capabilities.js';
import { planWatch, shellQuote, type UserSettings, type WatchPlanInput } from '../../src/core/watch-plan.js';

const COMMAND = "/bin/sh /opt/cw/shims/claudewatch-hook '/home/a b/inbox.jsonl'";

function plan(args: string[], overrides: Partial<WatchPlanInput> = {}) {
  return planWatch({
    args,
    info: inspectClaudeArgs(args),
    capabilities: capabilitiesOf('2.1.330'),
    argsLocked: null,
    hooksBlocked: null,
    userSettings: { kind: 'none' },
    hookCommand: COMMAND,
    newSessionId: () => '11111111-2222-4333-8444-555555555555',
    ...overrides,
  });
}

const settingsOf = (args: string[], at = 1): Record<string, unknown> => JSON.parse(args[at]!) as Record<string, unknown>;

describe('capabilitiesOf', () => {
  it('gates each addition on the first version that has it', () => {
    expect(capabilitiesOf('2.1.330')).toEqual({
      settingsFlag: true,
      sessionIdFlag: true,
      hookEvents: ['Stop', 'PreToolUse', 'PostToolUse', 'Notification', 'UserPromptSubmit', 'SessionStart', 'SessionEnd', 'StopFailure', 'PermissionRequest'],
    });
    // StopFailure arrived in 2.1.78; before 2.1.101 an unknown event drops the whole source.
    expect(capabilitiesOf('2.1.77').hookEvents).not.toContain('StopFailure');
    // PermissionRequest is in the 2.0.45 package, not in 2.0.44's.
    expect(capabilitiesOf('2.0.45').hookEvents).toContain('PermissionRequest');
    expect(capabilitiesOf('2.0.44').hookEvents).not.toContain('PermissionRequest');
    expect(capabilitiesOf('1.0.84').hookEvents).toEqual(['Stop', 'PreToolUse', 'PostToolUse', 'Notification', 'UserPromptSubmit', 'SessionStart']);
    // Inline JSON for --settings came with 1.0.69; 1.0.60 has neither it nor hooks from settings.
    expect(capabilitiesOf('1.0.68')).toMatchObject({ settingsFlag: false, sessionIdFlag: true, hookEvents: [] });
    expect(capabilitiesOf('1.0.60')).toMatchObject({ settingsFlag: false, sessionIdFlag: true });
    expect(capabilitiesOf('1.0.51')).toMatchObject({ settingsFlag: false, sessionIdFlag: false });
    expect(capabilitiesOf(null)).toEqual({ settingsFlag: false, sessionIdFlag: false, hookEvents: [] });
  });

  it('compares dotted versions numerically', () => {
    expect(compareVersions('1.0.100', '1.0.99')).toBe(1);
    expect(compareVersions('2.1.78', '2.1.78 (Claude Code)')).toBe(0);
    expect(compareVersions('0.2.125', '1.0.0')).toBe(-1);
  });
});

describe('planWatch', () => {
  it('adds our hooks through --settings ahead of the user’s arguments', () => {
    const result = plan(['--model', 'opus', 'fix the bug']);
    expect(result.method).toBe('hooks');
    expect(result.args.slice(0, 1)).toEqual(['--settings']);
    expect(result.args.slice(2)).toEqual(['--model', 'opus', 'fix the bug']);
    const hooks = settingsOf(result.args).hooks as Record<string, unknown[]>;
    expect(Object.keys(hooks)).toEqual(['Stop', 'PreToolUse', 'PostToolUse', 'Notification', 'UserPromptSubmit', 'SessionStart', 'SessionEnd', 'StopFailure', 'PermissionRequest']);
    expect(hooks.SessionStart).toEqual([{ hooks: [{ type: 'command', command: COMMAND, timeout: 10 }] }]);
  });

  it('merges into the user’s own --settings, keeping their hooks first and their other keys', () => {
    const theirs: UserSettings = {
      kind: 'parsed',
      value: { model: 'opus', hooks: { Stop: [{ hooks: [{ type: 'command', command: 'notify-send done' }] }] } },
    };
    for (const args of [['--settings', '/x/settings.json', '-c'], ['--settings=/x/settings.json', '-c']]) {
      const result = plan(args, { userSettings: theirs });
      expect(result.method).toBe('hooks');
      expect(result.args).toHaveLength(args.length);
      const merged = args.length === 3 ? settingsOf(result.args) : (JSON.parse(result.args[0]!.slice('--settings='.length)) as Record<string, unknown>);
      expect(merged.model).toBe('opus');
      const stop = (merged.hooks as Record<string, unknown[]>).Stop!;
      expect(stop[0]).toEqual({ hooks: [{ type: 'command', command: 'notify-send done' }] });
      expect(stop[1]).toEqual({ hooks: [{ type: 'command', command: COMMAND, timeout: 10 }] });
    }
  });

  it('chooses the session id when hooks cannot be used, and says why', () => {
    const blocked = plan(['hello'], { hooksBlocked: '/home/u/.claude/settings.json disables hooks' });
    expect(blocked).toMatchObject({
      method: 'session-id',
      args: ['--session-id', '11111111-2222-4333-8444-555555555555', 'hello'],
      claudeSessionId: '11111111-2222-4333-8444-555555555555',
      reason: '/home/u/.claude/settings.json disables hooks',
    });
    expect(plan([], { capabilities: capabilitiesOf('1.0.60') })).toMatchObject({ method: 'session-id', reason: 'this claude has no --settings option' });
    expect(plan(['--bare'])).toMatchObject({ method: 'session-id', reason: '--bare skips hooks' });
    expect(plan(['--settings', 'x.json'], { userSettings: { kind: 'unreadable', reason: 'ENOENT' } }).reason).toMatch(/cannot be read/);
    expect(plan([], { userSettings: { kind: 'parsed', value: { disableAllHooks: true } } }).method).toBe('session-id');
  });

  it('falls back to scanning for the transcript when the session id is not ours to choose', () => {
    for (const args of [['-c'], ['--resume', 'abc'], ['-r'], ['--session-id', 'x'], ['-pc', 'hi']]) {
      expect(plan(args, { hooksBlocked: 'off' })).toMatchObject({ method: 'transcript-scan', args });
    }
    expect(plan(['hi'], { capabilities: capabilitiesOf(null) })).toMatchObject({ method: 'transcript-scan', args: ['hi'] });
  });

  it('changes nothing when told to keep Claude’s arguments, or when print mode reports in JSON', () => {
    expect(plan(['hi'], { argsLocked: 'CLAUDEWATCH_KEEP_ARGS=1' })).toMatchObject({ method: 'transcript-scan', args: ['hi'] });
    expect(plan(['-p', 'hi', '--output-format', 'stream-json'])).toMatchObject({ method: 'stream', args: ['-p', 'hi', '--output-format', 'stream-json'] });
    expect(plan(['-p', 'hi']).method).toBe('hooks');
  });
});

describe('shellQuote', () => {
  it('leaves plain words alone and quotes the rest for sh', () => {
    expect(shellQuote('/usr/bin/node')).toBe('/usr/bin/node');
    expect(shellQuote('/home/a b')).toBe("'/home/a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });
});
