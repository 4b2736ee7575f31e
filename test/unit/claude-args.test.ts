import { describe, expect, it } from 'vitest';
import { inspectClaudeArgs, redactClaudeArgs } from '../../src/core/claude-args.js';

describe('inspectClaudeArgs', () => {
  it('finds print mode and the output format in every spelling', () => {
    expect(inspectClaudeArgs(['-p', 'hi'])).toMatchObject({ print: true, outputFormat: 'text' });
    expect(inspectClaudeArgs(['--print', '--output-format', 'stream-json', 'hi'])).toMatchObject({ print: true, outputFormat: 'stream-json' });
    expect(inspectClaudeArgs(['--output-format=json', '-p', 'hi'])).toMatchObject({ print: true, outputFormat: 'json' });
    expect(inspectClaudeArgs(['-cp', 'hi'])).toMatchObject({ print: true });
    expect(inspectClaudeArgs(['hi'])).toMatchObject({ print: false });
  });

  it('does not take an option’s value for a flag or a subcommand', () => {
    expect(inspectClaudeArgs(['--append-system-prompt', '-p', 'hi'])).toMatchObject({ print: false });
    expect(inspectClaudeArgs(['--model', 'mcp', 'hi'])).toMatchObject({ subcommand: null });
    expect(inspectClaudeArgs(['mcp', 'list'])).toMatchObject({ subcommand: 'mcp' });
    expect(inspectClaudeArgs(['explain', 'mcp'])).toMatchObject({ subcommand: null });
  });

  it('sees what decides how the session is identified: resumes, a given id, --bare, --settings', () => {
    expect(inspectClaudeArgs(['-c'])).toMatchObject({ resumes: true, sessionIdGiven: false, bare: false });
    expect(inspectClaudeArgs(['--resume', 'abc'])).toMatchObject({ resumes: true });
    expect(inspectClaudeArgs(['-pc', 'hi'])).toMatchObject({ resumes: true, print: true });
    expect(inspectClaudeArgs(['--session-id', 'x', 'hi'])).toMatchObject({ sessionIdGiven: true, resumes: false });
    expect(inspectClaudeArgs(['--bare', '--settings', 'a.json', '--settings={"x":1}'])).toMatchObject({ bare: true, settingsArgs: ['a.json', '{"x":1}'] });
  });

  it('stops at --', () => {
    expect(inspectClaudeArgs(['--', '-p'])).toMatchObject({ print: false, infoOnly: false });
    expect(inspectClaudeArgs(['--version'])).toMatchObject({ infoOnly: true });
  });
});

describe('redactClaudeArgs', () => {
  it('keeps options and replaces prompt text by its length', () => {
    expect(redactClaudeArgs(['-p', 'fix the bug', '--model', 'opus', '--append-system-prompt', 'be brief', '--settings=x.json'])).toEqual([
      '-p',
      '<prompt:11 chars>',
      '--model',
      'opus',
      '--append-system-prompt',
      '<text:8 chars>',
      '--settings=x.json',
    ]);
    expect(redactClaudeArgs(['--system-prompt=secret plan', '--', '-x'])).toEqual(['--system-prompt=<text:11 chars>', '--', '<prompt:2 chars>']);
  });

  it('does not store inline JSON settings, which may hold keys, but keeps a settings file’s path', () => {
    const json = '{"env":{"ANTHROPIC_API_KEY":"sk-secret"}}';
    expect(redactClaudeArgs(['--settings', json, '--mcp-config=' + json, '--settings', 'team.json'])).toEqual([
      '--settings',
      `<json:${json.length} chars>`,
      `--mcp-config=<json:${json.length} chars>`,
      '--settings',
      'team.json',
    ]);
  });
});
