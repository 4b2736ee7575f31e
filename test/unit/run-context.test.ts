import { describe, expect, it } from 'vitest';
import { describeRunContext, type RunContext, type RunContextInput } from '../../src/core/run-context.js';

const NO_CONTAINER: RunContextInput['container'] = { cgroup: '0::/init.scope\n', dockerEnv: false, podmanEnv: false };
const BASE_ENV = { HOME: '/home/alice', TERM: 'xterm-256color', PATH: '/usr/bin:/bin' };

function input(overrides: Partial<RunContextInput> & { env?: Record<string, string | undefined> }): RunContextInput {
  return {
    tty: '/dev/pts/1',
    pid: 12345,
    ppid: 12000,
    user: 'alice',
    host: 'devbox',
    container: NO_CONTAINER,
    ...overrides,
    env: { ...BASE_ENV, ...overrides.env },
  };
}

type Expected = Pick<RunContext, 'kind' | 'transport' | 'multiplexer' | 'container' | 'editor' | 'sshClient' | 'isolationKey'>;

const PLAIN: Expected = { kind: 'local', transport: 'local', multiplexer: null, container: null, editor: null, sshClient: null, isolationKey: 'pts/1:local:alice:devbox:12345' };
const SSH_ENV = { SSH_CLIENT: '203.0.113.7 51234 22', SSH_CONNECTION: '203.0.113.7 51234 198.51.100.2 22', SSH_TTY: '/dev/pts/1' };
const SSH: Expected = { ...PLAIN, kind: 'ssh', transport: 'ssh', sshClient: '203.0.113.7', isolationKey: 'pts/1:ssh:alice:devbox:12345' };
const VSCODE_ENV = { TERM_PROGRAM: 'vscode', VSCODE_IPC_HOOK_CLI: '/run/user/1000/vscode-ipc-1.sock', VSCODE_INJECTION: '1' };

const cases: Array<[string, Partial<RunContextInput> & { env?: Record<string, string | undefined> }, Expected]> = [
  ['a plain local terminal', {}, PLAIN],
  ['SSH with SSH_CLIENT and SSH_CONNECTION', { env: SSH_ENV }, SSH],
  ['SSH with SSH_CONNECTION only', { env: { SSH_CONNECTION: '2001:db8::1 51234 2001:db8::2 22' } }, { ...SSH, sshClient: '2001:db8::1' }],
  ['a VS Code terminal', { env: VSCODE_ENV }, { ...PLAIN, kind: 'vscode', editor: 'vscode' }],
  [
    'a VS Code terminal over Remote-SSH',
    { env: { ...SSH_ENV, SSH_TTY: undefined, VSCODE_IPC_HOOK_CLI: '/run/user/1000/vscode-ipc-2.sock', TERM_PROGRAM: 'vscode' } },
    { ...SSH, kind: 'vscode', editor: 'vscode' },
  ],
  ['a VS Code terminal inside tmux (TERM_PROGRAM is tmux)', { env: { VSCODE_PID: '4000', TMUX: '/tmp/tmux-1000/default,5,0', TERM_PROGRAM: 'tmux' } }, { ...PLAIN, kind: 'vscode', editor: 'vscode', multiplexer: 'tmux' }],
  ['a Jupyter terminal', { env: { JUPYTER_SERVER_ROOT: '/home/alice/notebooks', JUPYTER_SERVER_URL: 'http://localhost:8888/' } }, { ...PLAIN, kind: 'jupyter', editor: 'jupyter' }],
  ['a Jupyter kernel (notebook cell: no terminal)', { tty: null, env: { JPY_PARENT_PID: '777' } }, { ...PLAIN, kind: 'script', editor: 'jupyter', isolationKey: 'script:local:alice:devbox:12345' }],
  ['Jupyter settings alone are no Jupyter', { env: { JUPYTER_CONFIG_DIR: '/home/alice/.jupyter' } }, PLAIN],
  ['Docker (/.dockerenv)', { container: { cgroup: '0::/\n', dockerEnv: true, podmanEnv: false } }, { ...PLAIN, kind: 'container', container: 'docker' }],
  ['Docker (cgroup v1 path)', { container: { cgroup: '12:pids:/docker/3f2a9c\n11:memory:/docker/3f2a9c\n', dockerEnv: false, podmanEnv: false } }, { ...PLAIN, kind: 'container', container: 'docker' }],
  ['Docker (systemd cgroup driver)', { container: { cgroup: '0::/system.slice/docker-3f2a9c.scope\n', dockerEnv: false, podmanEnv: false } }, { ...PLAIN, kind: 'container', container: 'docker' }],
  ['Podman (/run/.containerenv)', { container: { cgroup: '0::/\n', dockerEnv: false, podmanEnv: true } }, { ...PLAIN, kind: 'container', container: 'podman' }],
  ['Podman (cgroup path)', { container: { cgroup: '0::/machine.slice/libpod-3f2a9c.scope/container\n', dockerEnv: false, podmanEnv: false } }, { ...PLAIN, kind: 'container', container: 'podman' }],
  [
    'Kubernetes on Docker (the pod variable wins over /.dockerenv)',
    { env: { KUBERNETES_SERVICE_HOST: '10.96.0.1' }, container: { cgroup: '0::/\n', dockerEnv: true, podmanEnv: false } },
    { ...PLAIN, kind: 'container', container: 'kubernetes' },
  ],
  ['Kubernetes (cgroup path)', { container: { cgroup: '11:memory:/kubepods/burstable/pod1234/abcd\n', dockerEnv: false, podmanEnv: false } }, { ...PLAIN, kind: 'container', container: 'kubernetes' }],
  ['SSH into a container', { env: SSH_ENV, container: { cgroup: null, dockerEnv: true, podmanEnv: false } }, { ...SSH, container: 'docker' }],
  ['tmux inside SSH', { tty: '/dev/pts/7', env: { ...SSH_ENV, TMUX: '/tmp/tmux-1000/default,1234,0', TERM_PROGRAM: 'tmux', TERM: 'tmux-256color' } }, { ...SSH, multiplexer: 'tmux', isolationKey: 'pts/7:ssh:alice:devbox:12345' }],
  ['GNU screen', { tty: '/dev/pts/3', env: { STY: '4321.pts-0.devbox', TERM: 'screen.xterm-256color' } }, { ...PLAIN, multiplexer: 'screen', isolationKey: 'pts/3:local:alice:devbox:12345' }],
  ['TERM=screen alone (tmux with its variables dropped)', { env: { TERM: 'screen-256color' } }, { ...PLAIN, multiplexer: 'screen' }],
  ['TERM=tmux over SSH is the client\'s multiplexer, not ours', { env: { ...SSH_ENV, TERM: 'tmux-256color' } }, SSH],
  ['no terminal (a script or cron)', { tty: null, pid: 4242 }, { ...PLAIN, kind: 'script', isolationKey: 'script:local:alice:devbox:4242' }],
  ['no terminal over SSH (ssh host cmd)', { tty: null, env: SSH_ENV }, { ...SSH, kind: 'script', isolationKey: 'script:ssh:alice:devbox:12345' }],
  ['a ":" in the user and host cannot split the key', { user: 'ad:alice', host: 'dev%box:2' }, { ...PLAIN, isolationKey: 'pts/1:local:ad%3Aalice:dev%25box%3A2:12345' }],
];

describe('describeRunContext', () => {
  it.each(cases)('%s', (_name, given, expected) => {
    const context = describeRunContext(input(given));
    expect({
      kind: context.kind,
      transport: context.transport,
      multiplexer: context.multiplexer,
      container: context.container,
      editor: context.editor,
      sshClient: context.sshClient,
      isolationKey: context.isolationKey,
    }).toEqual(expected);
  });

  it('names the terminal without /dev/ and passes the process identity through', () => {
    expect(describeRunContext(input({ tty: '/dev/pts/12', pid: 9, ppid: 8, user: 'bob', host: 'box' }))).toEqual({
      kind: 'local',
      transport: 'local',
      tty: 'pts/12',
      sshClient: null,
      multiplexer: null,
      container: null,
      editor: null,
      pid: 9,
      ppid: 8,
      user: 'bob',
      host: 'box',
      isolationKey: 'pts/12:local:bob:box:9',
    });
  });

  it('takes empty variables for unset ones', () => {
    const context = describeRunContext(input({ env: { SSH_CLIENT: '', SSH_CONNECTION: '', TMUX: '', TERM_PROGRAM: '', VSCODE_PID: '' } }));
    expect(context).toMatchObject({ kind: 'local', transport: 'local', multiplexer: null, editor: null });
  });
});
