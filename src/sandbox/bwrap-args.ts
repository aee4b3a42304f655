import { EGRESS_DIR, EGRESS_SOCKET, FORWARDER_SCRIPT, proxyEnv } from './egress/forwarder.js';
import type { RunSpecData } from './schema.js';

/** Where the worktree appears inside the sandbox; host paths never show. */
export const SANDBOX_WORKDIR = '/workspace';
export const SANDBOX_HOME = '/tmp/home';
/** The uid/gid the command sees inside its user namespace. */
export const SANDBOX_UID = 1000;

/** What the host offers the sandbox, found by `describeHost` (impure) and consumed here (pure). */
export interface HostLayout {
  /** Top-level entries like /bin, /lib64: a symlink target (merged-/usr systems) or null for a real directory. */
  rootLinks: Array<{ path: string; target: string | null }>;
  /** Existing read-only /etc pieces safe for every run. */
  etc: string[];
  /** Extra /etc pieces only for runs with network (resolver, registry client config). */
  etcNetwork: string[];
  /** Trusted, operator-chosen toolchain directories (e.g. a pyenv version) bound read-only. */
  toolchainDirs: string[];
  /** PATH entries inside the sandbox, in order. */
  path: string[];
  /** Files under the read-only binds that must not be readable (shadowed by /dev/null). */
  hidden?: string[];
  /** Files generated per run on the host: passwd, group, hosts. */
  generated: { passwd: string; group: string; hosts: string };
}

export interface LimitOptions {
  maxProcesses: number;
  maxFileSizeMb: number;
  tmpSizeMb: number;
}

/** Host files a network-enabled run needs: the egress proxy's socket and the forwarder script. */
export interface EgressFiles {
  socket: string;
  forwarder: string;
}

/**
 * The fixed environment: nothing from the parent process is ever passed. It is given to bwrap
 * as its own environment (not as `--setenv` arguments), so no value shows in a process list.
 */
export function sandboxEnv(spec: Pick<RunSpecData, 'env' | 'network'> & { pathPrepend?: string[] }, layout: Pick<HostLayout, 'path'>): Record<string, string> {
  return {
    ...spec.env,
    ...(spec.network ? proxyEnv() : {}),
    PATH: [...(spec.pathPrepend ?? []), ...layout.path].join(':'),
    HOME: SANDBOX_HOME,
    TMPDIR: '/tmp',
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    USER: 'sandbox',
    LOGNAME: 'sandbox',
    CI: 'true',
  };
}

/**
 * The rlimit wrapper (util-linux prlimit, exec'ing the command) applied inside the sandbox.
 * Memory is held by the run's cgroup when there is one; otherwise by RLIMIT_DATA per process.
 * Never RLIMIT_AS: WebAssembly and JIT runtimes reserve far more address space than they use.
 */
export function prlimitArgs(spec: Pick<RunSpecData, 'memoryMb' | 'cpuSeconds'>, limits: LimitOptions, memoryByCgroup = false): string[] {
  return [
    '/usr/bin/prlimit',
    ...(memoryByCgroup ? [] : [`--data=${spec.memoryMb * 1024 * 1024}`]),
    `--cpu=${spec.cpuSeconds}`,
    `--nproc=${limits.maxProcesses}`,
    `--fsize=${limits.maxFileSizeMb * 1024 * 1024}`,
    '--core=0',
    '--',
  ];
}

/**
 * The bwrap argument list for one run. Namespaces: user (so the command holds no host
 * capabilities and maps to an unprivileged host uid), pid, ipc, uts, cgroup (when allowed)
 * and always net: a run with `network` still has only its own loopback, plus the egress
 * proxy's socket, which reaches the package registries and nothing else. Only /usr, the root
 * symlinks, a few /etc pieces and trusted toolchain directories are visible, all read-only;
 * /tmp is a private tmpfs; the worktree is the one writable bind (prepared environments are
 * bound read-only inside it or under /env).
 */
export function buildBwrapArgs(spec: RunSpecData, layout: HostLayout, limits: LimitOptions, opts: { egress?: EgressFiles; memoryByCgroup?: boolean } = {}): string[] {
  if (spec.network && !opts.egress) throw new Error('a network run needs the egress proxy');
  const args: string[] = [
    '--unshare-user', '--uid', String(SANDBOX_UID), '--gid', String(SANDBOX_UID),
    '--disable-userns',
    '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try',
    '--unshare-net',
    '--hostname', 'sandbox',
    '--cap-drop', 'ALL',
    '--die-with-parent',
    '--new-session',
    '--ro-bind', '/usr', '/usr',
  ];
  for (const link of layout.rootLinks) {
    if (link.target === null) args.push('--ro-bind', link.path, link.path);
    else args.push('--symlink', link.target, link.path);
  }
  for (const p of layout.etc) args.push('--ro-bind', p, p);
  if (spec.network) for (const p of layout.etcNetwork) args.push('--ro-bind', p, p);
  args.push('--ro-bind', layout.generated.passwd, '/etc/passwd');
  args.push('--ro-bind', layout.generated.group, '/etc/group');
  args.push('--ro-bind', layout.generated.hosts, '/etc/hosts');
  // Global package-manager config under /usr (npm's `<prefix>/etc/npmrc`) may hold registry tokens.
  for (const f of layout.hidden ?? []) args.push('--ro-bind', '/dev/null', f);
  args.push('--proc', '/proc', '--dev', '/dev');
  args.push('--size', String(limits.tmpSizeMb * 1024 * 1024), '--tmpfs', '/tmp');
  args.push('--dir', SANDBOX_HOME);
  for (const d of layout.toolchainDirs) args.push('--ro-bind', d, d);
  args.push('--bind', spec.cwd, SANDBOX_WORKDIR);
  for (const m of spec.mounts) args.push(m.writable ? '--bind' : '--ro-bind', m.source, m.target);
  if (spec.network && opts.egress) {
    args.push('--dir', EGRESS_DIR, '--bind', opts.egress.socket, EGRESS_SOCKET, '--ro-bind', opts.egress.forwarder, FORWARDER_SCRIPT);
  }
  args.push('--chdir', SANDBOX_WORKDIR);
  // The sandbox's own root is a tmpfs: make it read-only so only /workspace and /tmp take writes.
  args.push('--remount-ro', '/');
  const forward = spec.network ? ['/usr/bin/node', FORWARDER_SCRIPT, '--'] : [];
  args.push('--', ...prlimitArgs(spec, limits, opts.memoryByCgroup ?? false), ...forward, ...spec.argv);
  return args;
}

export function passwdFile(): string {
  return `sandbox:x:${SANDBOX_UID}:${SANDBOX_UID}:sandbox:${SANDBOX_HOME}:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n`;
}

export function groupFile(): string {
  return `sandbox:x:${SANDBOX_UID}:\nnogroup:x:65534:\n`;
}

export function hostsFile(): string {
  return '127.0.0.1 localhost sandbox\n::1 localhost ip6-localhost ip6-loopback\n';
}
