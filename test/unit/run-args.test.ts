import { describe, expect, it } from 'vitest';
import { parseRunArgs } from '../../src/commands/options/run-args.js';

describe('parseRunArgs', () => {
  it('takes our options before -- and gives the rest to Claude untouched', () => {
    expect(parseRunArgs(['--session-type', 'debugging', '--project-path', '/p', '--', '-p', 'hi'])).toMatchObject({
      sessionType: 'debugging',
      projectPath: '/p',
      claudeArgs: ['-p', 'hi'],
    });
  });

  it('takes the opt-in to continue after a limit, and the words to continue with', () => {
    expect(parseRunArgs(['--resume-after-limit', '--resume-prompt=go on', '--', '-p', 'hi'])).toMatchObject({ resumeAfterLimit: true, resumePrompt: 'go on', claudeArgs: ['-p', 'hi'] });
    expect(parseRunArgs(['-p', 'hi'])).toMatchObject({ resumeAfterLimit: false, resumePrompt: null });
    expect(() => parseRunArgs(['--resume-prompt', ''])).toThrow('cw-run: --resume-prompt needs a value.');
  });

  it('stops at the first argument that is not ours', () => {
    expect(parseRunArgs(['ask', '--session-type', 'x'])).toMatchObject({ sessionType: null, claudeArgs: ['ask', '--session-type', 'x'] });
    expect(parseRunArgs(['-p', '--project-path', 'x'])).toMatchObject({ projectPath: null, claudeArgs: ['-p', '--project-path', 'x'] });
  });

  it('leaves --verbose to Claude unless a -- follows it', () => {
    expect(parseRunArgs(['--verbose', '-p', 'x', '--output-format', 'stream-json'])).toMatchObject({
      verbose: false,
      claudeArgs: ['--verbose', '-p', 'x', '--output-format', 'stream-json'],
    });
    expect(parseRunArgs(['--verbose', '--', '--verbose', '-p', 'x'])).toMatchObject({ verbose: true, claudeArgs: ['--verbose', '-p', 'x'] });
    expect(parseRunArgs(['--cw-verbose', '-p'])).toMatchObject({ verbose: true, claudeArgs: ['-p'] });
  });

  it('leaves --debug to Claude unless a -- follows it', () => {
    expect(parseRunArgs(['--debug', '-p', 'x'])).toMatchObject({ debug: false, claudeArgs: ['--debug', '-p', 'x'] });
    expect(parseRunArgs(['--debug', '--', '--debug=hooks', '-p'])).toMatchObject({ debug: true, claudeArgs: ['--debug=hooks', '-p'] });
    expect(parseRunArgs(['--cw-debug', '--verbose', '-p'])).toMatchObject({ debug: true, verbose: false, claudeArgs: ['--verbose', '-p'] });
  });

  it('accepts --name=value and rejects a missing value', () => {
    expect(parseRunArgs(['--state-file=/tmp/s.json', 'hi'])).toMatchObject({ stateFile: '/tmp/s.json', claudeArgs: ['hi'] });
    expect(() => parseRunArgs(['--session-type'])).toThrow(/needs a value/);
  });
});
