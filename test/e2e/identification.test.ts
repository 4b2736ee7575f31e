/** `cw doctor` says how sessions started here would find their transcript, and why not better. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSandbox, installFakeClaude, runCw, type Sandbox } from '../support/sandbox.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = createSandbox();
  installFakeClaude(sandbox);
});
afterEach(() => sandbox.cleanup());

async function transcriptCheck(env: Record<string, string>): Promise<{ level: string; detail: string }> {
  // The version is remembered per binary file; the fake claude changes its answer without changing its file.
  rmSync(join(sandbox.cwHome, 'state', 'claude-versions.json'), { force: true });
  const result = await runCw(sandbox, ['doctor', '--json'], env);
  const { checks } = JSON.parse(result.stdout.toString()) as { checks: Array<{ name: string; level: string; detail: string }> };
  const check = checks.find((entry) => entry.name === 'transcript');
  if (!check) throw new Error(`no transcript check in ${result.stdout.toString()}`);
  return check;
}

describe('cw doctor: how sessions are identified', () => {
  it('uses hooks when this claude can take them', async () => {
    const check = await transcriptCheck({ FAKE_CLAUDE_VERSION: '2.1.330' });
    expect(check.level).toBe('ok');
    expect(check.detail).toContain('Claude Code 2.1.330: sessions are identified from hooks added through --settings (Stop, PreToolUse, PostToolUse, Notification, UserPromptSubmit, SessionStart, SessionEnd, StopFailure, PermissionRequest)');
  });

  it('falls back to a chosen session id when the user turned hooks off, naming the file that did', async () => {
    const settings = join(sandbox.home, '.claude', 'settings.json');
    mkdirSync(join(sandbox.home, '.claude'), { recursive: true });
    writeFileSync(settings, JSON.stringify({ disableAllHooks: true }));
    const check = await transcriptCheck({ FAKE_CLAUDE_VERSION: '2.1.330' });
    expect(check).toEqual({
      name: 'transcript',
      level: 'ok',
      detail: `Claude Code 2.1.330: sessions are identified from the session id ClaudeWatch chooses (--session-id); not hooks because ${settings} disables hooks`,
    });
    rmSync(settings);
    expect((await transcriptCheck({ FAKE_CLAUDE_VERSION: '1.0.60' })).detail).toContain('not hooks because this claude has no --settings option');
  });

  it('warns when only the folder scan is left', async () => {
    const check = await transcriptCheck({ FAKE_CLAUDE_VERSION: '1.0.40' });
    expect(check.level).toBe('warn');
    expect(check.detail).toMatch(/by the newest transcript in the project folder/);
    expect((await transcriptCheck({ FAKE_CLAUDE_VERSION: '2.1.330', CLAUDEWATCH_KEEP_ARGS: '1' })).detail).toMatch(/not hooks because CLAUDEWATCH_KEEP_ARGS=1/);
  });
});
