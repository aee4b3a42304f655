import { spawn, execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { SandboxViolation, ServiceUnavailable, UsageError } from '../errors.js';
import { logger } from '../log.js';
import { execCommand } from '../util/spawn/commands.js';
import { buildBwrapArgs, groupFile, hostsFile, passwdFile, sandboxEnv, type LimitOptions } from './bwrap-args.js';
import { createRunCgroup, type RunCgroup } from './cgroup.js';
import { FORWARDER_SOURCE } from './egress/forwarder.js';
import { sweepLeftovers } from './sweep.js';
import type { EgressProxy } from './egress/proxy.js';
import { registryHosts, trustEnv } from './egress/registries.js';
import { describeHost } from './host.js';
import { TailBuffer } from './output.js';
import { killTree } from './process-tree.js';
import type { RunSpec, Sandbox } from './sandbox.js';
import { RunSpecData, SECRET_NAME, type RunResult, type Violation } from './schema.js';
import { scanOutput, signalFromExitCode, signalViolation } from './violations.js';

const log = logger.child({ component: 'sandbox' });
const execFileP = promisify(execFile);

export interface BubblewrapOptions {
  /** bwrap binary; found on the host PATH when omitted. */
  bwrapPath?: string;
  /** Host identity bwrap runs as. Default: nobody (65534) when this process is root, else the current user. */
  hostUid?: number;
  hostGid?: number;
  /** Trusted toolchain directories bound read-only (must be readable by the host identity). */
  toolchainDirs?: string[];
  /** PATH entries put first inside the sandbox (e.g. a toolchain's bin directory). */
  extraPath?: string[];
  maxProcesses?: number;
  maxFileSizeMb?: number;
  tmpSizeMb?: number;
  /** Characters kept (from the end) of each of stdout and stderr. */
  maxOutputChars?: number;
  /** Host names network-enabled runs may reach (default: the package registries, see registries.ts). */
  registryHosts?: string[];
  /** Certificate-trust variables given to network-enabled runs (default: the host's, see registries.ts). */
  trustEnv?: Record<string, string>;
  /** Hold memory and processes with a cgroup per run when the machine allows (default true). */
  useCgroups?: boolean;
}

/** The worktree's size in MiB (du, staying on one filesystem and never following links). */
async function workspaceMb(dir: string): Promise<number> {
  try {
    const { stdout } = await execCommand('du', ['-sxm', '--', dir], { timeoutMs: 30_000 });
    return Number(stdout.split(/\s/)[0] ?? 0);
  } catch {
    return 0;
  }
}

async function findOnPath(name: string): Promise<string | null> {
  for (const dir of ['/usr/bin', '/usr/local/bin', '/bin']) {
    try {
      const p = path.join(dir, name);
      if ((await stat(p)).isFile()) return p;
    } catch {
      // keep looking
    }
  }
  return null;
}

/**
 * The bubblewrap sandbox. When run as root it drops to an unprivileged host uid before
 * creating its user namespace: root is exempt from RLIMIT_NPROC, and an escape would land
 * as nobody rather than root. If bwrap is missing or cannot create its namespaces, `run`
 * throws ServiceUnavailable — it never falls back to running unsandboxed.
 */
export class BubblewrapSandbox implements Sandbox {
  readonly name = 'bubblewrap';
  private readonly uid: number;
  private readonly gid: number;
  private readonly limits: LimitOptions;
  private readonly maxOutputChars: number;
  private probed: Promise<string> | null = null;
  private egress: Promise<EgressProxy> | null = null;

  constructor(private readonly opts: BubblewrapOptions = {}) {
    const root = process.getuid?.() === 0;
    this.uid = opts.hostUid ?? (root ? 65534 : (process.getuid?.() ?? 65534));
    this.gid = opts.hostGid ?? (root ? 65534 : (process.getgid?.() ?? 65534));
    this.limits = {
      maxProcesses: opts.maxProcesses ?? 512,
      maxFileSizeMb: opts.maxFileSizeMb ?? 1024,
      tmpSizeMb: opts.tmpSizeMb ?? 2048,
    };
    this.maxOutputChars = opts.maxOutputChars ?? 1_000_000;
  }

  private spawnIdentity(): { uid?: number; gid?: number } {
    return process.getuid?.() === 0 ? { uid: this.uid, gid: this.gid } : {};
  }

  /** Resolves to the bwrap path once a trivial sandbox has started; ServiceUnavailable otherwise. */
  probe(): Promise<string> {
    this.probed ??= (async () => {
      const bwrap = this.opts.bwrapPath ?? (await findOnPath('bwrap'));
      if (!bwrap) throw new ServiceUnavailable('bubblewrap (bwrap) is not installed; install the Debian package "bubblewrap" (scripts/install-system-deps.sh)');
      try {
        // --as-pid-1: no reaper inside, so bwrap waits for `true` itself and leaves no orphan to the host's init.
        await execFileP(bwrap, ['--unshare-user', '--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--cap-drop', 'ALL', '--die-with-parent', '--as-pid-1', '--ro-bind', '/usr', '/usr', '--symlink', 'usr/bin', '/bin', '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64', '--proc', '/proc', '--', '/usr/bin/true'], { env: {}, timeout: 10_000, ...this.spawnIdentity() });
      } catch (err) {
        const detail = err instanceof Error && 'stderr' in err ? String((err as { stderr: unknown }).stderr).trim() : String(err);
        throw new ServiceUnavailable(`bubblewrap cannot create its namespaces here (${detail}); refusing to run untrusted code unsandboxed`, { cause: err });
      }
      // The first run of this process clears what crashed runs of earlier processes left.
      await sweepLeftovers();
      return bwrap;
    })();
    this.probed.catch(() => { this.probed = null; });
    return this.probed;
  }

  async ready(): Promise<void> {
    await this.probe();
  }

  /** As root: hands the whole trees to the sandbox's host user (links themselves, never what they point to), in one `chown`. */
  async prepareWorktree(...dirs: string[]): Promise<void> {
    if (process.getuid?.() !== 0 || dirs.length === 0) return;
    try {
      await execCommand('chown', ['-R', '-h', '-P', `${this.uid}:${this.gid}`, '--', ...dirs], { timeoutMs: 600_000 });
    } catch (err) {
      const detail = err instanceof Error && 'stderr' in err ? String((err as { stderr: unknown }).stderr).trim() : String(err);
      throw new Error(`could not hand ${dirs.join(', ')} to the sandbox user: ${detail}`, { cause: err });
    }
  }

  async run(spec: RunSpec): Promise<RunResult> {
    const data = RunSpecData.parse({
      cwd: spec.cwd, argv: spec.argv, env: spec.env, network: spec.network, mounts: spec.mounts, pathPrepend: spec.pathPrepend, diskMb: spec.diskMb,
      timeoutMs: spec.timeoutMs, memoryMb: spec.memoryMb, cpuSeconds: spec.cpuSeconds,
    });
    for (const k of Object.keys(data.env ?? {})) {
      if (SECRET_NAME.test(k)) throw new SandboxViolation(`environment variable ${k} looks like a credential and is not passed into the sandbox`);
    }
    try {
      if (!(await stat(data.cwd)).isDirectory()) throw new Error('not a directory');
    } catch {
      throw new UsageError(`sandbox working directory is not a directory: ${data.cwd}`);
    }
    const bwrap = await this.probe();
    const start = performance.now();
    if (spec.signal?.aborted) return this.emptyResult(start, 'cancelled');

    const gen = await mkdtemp(path.join(tmpdir(), `globallm-sbx-${process.pid}-`));
    let cgroup: RunCgroup | null = null;
    try {
      await chmod(gen, 0o755);
      const generated = { passwd: path.join(gen, 'passwd'), group: path.join(gen, 'group'), hosts: path.join(gen, 'hosts') };
      await writeFile(generated.passwd, passwdFile(), { mode: 0o644 });
      await writeFile(generated.group, groupFile(), { mode: 0o644 });
      await writeFile(generated.hosts, hostsFile(), { mode: 0o644 });
      const layout = await describeHost({ toolchainDirs: this.opts.toolchainDirs ?? [], extraPath: this.opts.extraPath ?? [], generated });
      let egress: { socket: string; forwarder: string } | undefined;
      if (data.network) {
        const forwarder = path.join(gen, 'forwarder.cjs');
        await writeFile(forwarder, FORWARDER_SOURCE, { mode: 0o644 });
        egress = { socket: (await this.egressProxy()).socketPath, forwarder };
      }
      if (this.opts.useCgroups !== false && process.getuid?.() === 0) {
        cgroup = await createRunCgroup({ memoryMb: data.memoryMb, maxProcesses: this.limits.maxProcesses, uid: this.uid, gid: this.gid });
      }
      const args = buildBwrapArgs(data, layout, this.limits, { ...(egress ? { egress } : {}), memoryByCgroup: cgroup !== null });
      const env = sandboxEnv({ ...data, env: { ...(data.network ? this.opts.trustEnv ?? trustEnv(process.env) : {}), ...data.env } }, layout);
      const result = await this.spawnAndWait(bwrap, args, env, spec, data, start, cgroup);
      return { ...result, containment: cgroup?.kind ?? 'rlimit' };
    } finally {
      await cgroup?.remove();
      await rm(gen, { recursive: true, force: true });
    }
  }

  /** The egress proxy, started on first need and shared by every run of this sandbox. */
  private egressProxy(): Promise<EgressProxy> {
    // Loaded with the first run that needs the network: test runs never do.
    this.egress ??= import('./egress/proxy.js').then(({ startEgressProxy }) => startEgressProxy({ hosts: this.opts.registryHosts ?? registryHosts(process.env), uid: this.uid, gid: this.gid }));
    this.egress.catch(() => { this.egress = null; });
    return this.egress;
  }

  /** Stops the egress proxy, if one was started. */
  async close(): Promise<void> {
    const e = this.egress;
    this.egress = null;
    if (e) await (await e).close();
  }

  /** Registry connections refused so far (for reports). */
  async refusedEgress(): Promise<string[]> {
    return this.egress ? (await this.egress).refused() : [];
  }

  private emptyResult(start: number, why: 'cancelled'): RunResult {
    return {
      exitCode: null, signal: null, timedOut: false, cancelled: true, stdout: '', stderr: '', truncated: false,
      durationMs: performance.now() - start, violations: [{ kind: why, evidence: 'cancelled before start' }],
    };
  }

  private spawnAndWait(bwrap: string, args: string[], env: Record<string, string>, spec: RunSpec, data: RunSpecData, start: number, cgroup: RunCgroup | null): Promise<RunResult> {
    // With a cgroup, a tiny shell joins it (its own pid) and then becomes bwrap, so every process of the run is held from the first.
    const [file, argv] = cgroup
      ? ['/bin/sh', ['-c', 'while [ "$1" != "--" ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"', 'sh', ...cgroup.procsFiles, '--', bwrap, ...args]]
      : [bwrap, args];
    return new Promise<RunResult>((resolve, reject) => {
      const child = spawn(file, argv, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...this.spawnIdentity() });
      const out = new TailBuffer(this.maxOutputChars);
      const err = new TailBuffer(this.maxOutputChars);
      let timedOut = false;
      let cancelled = false;
      let killing: Promise<number[]> | null = null;
      const stop = (why: 'timeout' | 'cancelled' | 'disk'): void => {
        if (killing || child.pid === undefined) return;
        if (why === 'timeout') timedOut = true;
        else if (why === 'cancelled') cancelled = true;
        log.warn({ childPid: child.pid, why }, 'killing sandboxed process tree');
        killing = killTree(child.pid);
      };
      const timer = setTimeout(() => stop('timeout'), spec.timeoutMs);
      let diskExceeded: string | null = null;
      const diskWatch = data.diskMb === undefined ? null : setInterval(() => {
        void workspaceMb(data.cwd).then((mb) => {
          if (mb > (data.diskMb ?? Infinity) && !diskExceeded) {
            diskExceeded = `the worktree grew to ${mb} MiB, over its ${String(data.diskMb)} MiB quota`;
            stop('disk');
          }
        });
      }, 2_000);
      const onAbort = (): void => stop('cancelled');
      spec.signal?.addEventListener('abort', onAbort, { once: true });
      child.stdout.setEncoding('utf8');
      child.stderr.setEncoding('utf8');
      child.stdout.on('data', (c: string) => { out.push(c); spec.onOutput?.('stdout', c); });
      child.stderr.on('data', (c: string) => { err.push(c); spec.onOutput?.('stderr', c); });
      child.on('error', (e) => {
        clearTimeout(timer);
        if (diskWatch) clearInterval(diskWatch);
        spec.signal?.removeEventListener('abort', onAbort);
        reject(new ServiceUnavailable(`could not start bwrap: ${e.message}`, { cause: e }));
      });
      child.on('close', (code, sig) => {
        clearTimeout(timer);
        if (diskWatch) clearInterval(diskWatch);
        spec.signal?.removeEventListener('abort', onAbort);
        const finish = async (): Promise<void> => {
          const leftover = killing ? await killing : [];
          // Anything still in the run's cgroup (a daemon that escaped the tree) is killed too.
          for (const pid of (await cgroup?.pids()) ?? []) {
            try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
          }
          if (leftover.length > 0) log.error({ leftover }, 'sandboxed processes survived SIGKILL');
          const stdout = out.toString();
          const stderr = err.toString();
          const signal = sig ?? signalFromExitCode(code);
          const violations: Violation[] = scanOutput(`${stdout}\n${stderr}`);
          const sv = signalViolation(signal);
          if (sv) violations.push(sv);
          if (await cgroup?.oomKilled()) violations.push({ kind: 'memory-limit', evidence: `the run's cgroup hit its ${data.memoryMb} MiB memory limit` });
          if (diskExceeded) violations.push({ kind: 'disk-limit', evidence: diskExceeded });
          if (timedOut) violations.push({ kind: 'timeout', evidence: `killed after ${spec.timeoutMs} ms` });
          if (cancelled) violations.push({ kind: 'cancelled', evidence: 'cancelled by caller' });
          resolve({
            exitCode: code, signal, timedOut, cancelled, stdout, stderr,
            truncated: out.truncated || err.truncated, durationMs: performance.now() - start, violations,
          });
        };
        finish().catch(reject);
      });
    });
  }
}
