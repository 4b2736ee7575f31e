/**
 * Where a session runs: which terminal, over what connection, inside which editor, multiplexer or
 * container. Everything is read from evidence the caller gathers (environment, stdin's terminal,
 * container markers), so the same input always gives the same answer.
 */
export type PlaceKind = 'local' | 'ssh' | 'vscode' | 'jupyter' | 'container' | 'script';
export type Multiplexer = 'tmux' | 'screen';
export type ContainerKind = 'docker' | 'podman' | 'kubernetes';
export type EditorKind = 'vscode' | 'jupyter';

type Env = Record<string, string | undefined>;

export interface RunContextInput {
  env: Env;
  /** Stdin's terminal, e.g. '/dev/pts/1'; null when stdin is not a terminal. */
  tty: string | null;
  pid: number;
  ppid: number;
  user: string;
  host: string;
  /** Evidence of a container, gathered by the caller: contents of /proc/1/cgroup, whether /.dockerenv and /run/.containerenv exist. */
  container: { cgroup: string | null; dockerEnv: boolean; podmanEnv: boolean };
}

export interface RunContext {
  /** The most specific place, see describeRunContext. */
  kind: PlaceKind;
  transport: 'local' | 'ssh';
  /** 'pts/1', without '/dev/'. */
  tty: string | null;
  /** The client's address, the first field of SSH_CLIENT or SSH_CONNECTION. */
  sshClient: string | null;
  multiplexer: Multiplexer | null;
  container: ContainerKind | null;
  editor: EditorKind | null;
  pid: number;
  ppid: number;
  user: string;
  host: string;
  /** `<tty or kind>:<transport>:<user>:<host>:<pid>`, e.g. `pts/1:ssh:alice:devbox:12345`. */
  isolationKey: string;
}

/**
 * The kind is the most specific place that holds the terminal: vscode > jupyter > ssh >
 * container > local. An editor's terminal says more than the connection under it (a VS Code
 * terminal over Remote-SSH is `vscode` with transport `ssh`), and a connection more than the
 * machine it reaches (ssh into a container is `ssh` with container set). Without a terminal on
 * stdin nobody is typing, so the kind is `script` whatever else holds; the other fields still
 * say where it runs.
 */
export function describeRunContext(input: RunContextInput): RunContext {
  const { env } = input;
  const tty = input.tty === null ? null : input.tty.replace(/^\/dev\//, '');
  const sshClient = firstField(env.SSH_CLIENT) ?? firstField(env.SSH_CONNECTION);
  const transport = sshClient !== null || nonEmpty(env.SSH_TTY) ? 'ssh' : 'local';
  const editor = editorOf(env);
  const container = containerOf(env, input.container);
  const kind = kindOf(tty, editor, transport, container);
  const isolationKey = [tty ?? kind, transport, input.user, input.host, String(input.pid)].map(keyField).join(':');
  return {
    kind,
    transport,
    tty,
    sshClient,
    multiplexer: multiplexerOf(env, transport),
    container,
    editor,
    pid: input.pid,
    ppid: input.ppid,
    user: input.user,
    host: input.host,
    isolationKey,
  };
}

function kindOf(tty: string | null, editor: EditorKind | null, transport: 'local' | 'ssh', container: ContainerKind | null): PlaceKind {
  if (tty === null) return 'script';
  if (editor !== null) return editor;
  if (transport === 'ssh') return 'ssh';
  return container !== null ? 'container' : 'local';
}

/**
 * VS Code (and its forks) set TERM_PROGRAM=vscode in their terminals, plus VSCODE_* variables
 * that survive a multiplexer changing TERM_PROGRAM. Jupyter is named only by the variables its
 * servers and kernels set: JUPYTER_CONFIG_DIR and the like are user settings, present anywhere.
 * A notebook opened in VS Code is VS Code's.
 */
function editorOf(env: Env): EditorKind | null {
  if (env.TERM_PROGRAM === 'vscode' || ['VSCODE_IPC_HOOK_CLI', 'VSCODE_PID', 'VSCODE_INJECTION'].some((name) => nonEmpty(env[name]))) return 'vscode';
  if (['JPY_PARENT_PID', 'JPY_SESSION_NAME', 'JUPYTER_SERVER_ROOT', 'JUPYTER_SERVER_URL'].some((name) => nonEmpty(env[name]))) return 'jupyter';
  return null;
}

/**
 * TMUX and STY are set by the multiplexer itself; TERM=tmux-* or screen-* is only a hint, kept
 * for shells that dropped the variables (sudo, su). Over SSH, TERM is the client's: a
 * multiplexer it names runs on the other machine.
 */
function multiplexerOf(env: Env, transport: 'local' | 'ssh'): Multiplexer | null {
  if (nonEmpty(env.TMUX) || env.TERM_PROGRAM === 'tmux') return 'tmux';
  if (nonEmpty(env.STY)) return 'screen';
  if (transport === 'ssh') return null;
  if (env.TERM?.startsWith('tmux')) return 'tmux';
  if (env.TERM?.startsWith('screen')) return 'screen';
  return null;
}

/**
 * Kubernetes first: its pods often run on Docker or containerd and carry their markers too.
 * Podman's /run/.containerenv before Docker's /.dockerenv. Cgroup paths name the runtime under
 * cgroup v1 and the systemd driver (`docker-<id>.scope`, `libpod-<id>.scope`); under cgroup v2
 * a container sees only `0::/`, hence the marker files.
 */
function containerOf(env: Env, evidence: RunContextInput['container']): ContainerKind | null {
  const cgroup = evidence.cgroup ?? '';
  if (nonEmpty(env.KUBERNETES_SERVICE_HOST) || cgroup.includes('kubepods')) return 'kubernetes';
  if (evidence.podmanEnv || cgroup.includes('libpod')) return 'podman';
  if (evidence.dockerEnv || /\/docker[/-]/.test(cgroup)) return 'docker';
  return null;
}

function firstField(value: string | undefined): string | null {
  const field = value?.trim().split(/\s+/)[0];
  return field ? field : null;
}

function nonEmpty(value: string | undefined): boolean {
  return value !== undefined && value !== '';
}

/** Escaped like a URL, so a ':' in a user or host name cannot split the key and no two values collide. */
function keyField(value: string): string {
  return value.replace(/%/g, '%25').replace(/:/g, '%3A');
}
