import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/util/project-root.js';

interface Slot { child: ChildProcess | undefined; identity: string | undefined; starts: number }

/**
 * Worker processes running `globallm worker` (what `globallm up` runs), each in a slot that is
 * supervised: a worker that dies (killed or crashed) is started again at once.
 */
export class WorkerSupervisor {
  private readonly slots: Slot[];
  private stopping = false;
  unexpectedExits = 0;

  constructor(count: number, private readonly env: NodeJS.ProcessEnv, private readonly logDir: string) {
    this.slots = Array.from({ length: count }, () => ({ child: undefined, identity: undefined, starts: 0 }));
  }

  get size(): number { return this.slots.length; }

  async startAll(): Promise<void> {
    await Promise.all(this.slots.map((_, i) => this.start(i)));
  }

  /** The slot whose worker has this identity (`globallm-worker@host:pid`). */
  slotOf(identity: string): number | undefined {
    const i = this.slots.findIndex((s) => s.identity === identity);
    return i < 0 ? undefined : i;
  }

  identityOf(slot: number): string | undefined { return this.slots[slot]?.identity; }

  /** Whether the slot's worker is polling (started and not killed since). */
  up(slot: number): boolean {
    const s = this.slots[slot];
    return s?.child !== undefined && s.identity !== undefined;
  }

  /**
   * SIGKILLs the slot's worker and starts a new one; resolves once the old one is gone, while
   * the new one starts (as a supervisor would: the schedule does not wait for it).
   */
  async kill(slot: number): Promise<string | undefined> {
    const s = this.slots[slot];
    const dead = s?.identity;
    if (s?.child) {
      const child = s.child;
      s.child = undefined;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    }
    // A new worker that dies while starting is counted and started again by its exit handler.
    this.start(slot).catch(() => undefined);
    return dead;
  }

  private start(slot: number): Promise<void> {
    const s = this.slots[slot] as Slot;
    s.starts += 1;
    const log = createWriteStream(join(this.logDir, `worker-${slot}-${s.starts}.log`));
    const child = spawn(process.execPath, [join(projectRoot, 'bin', 'globallm.js'), 'worker'], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    s.child = child;
    s.identity = undefined;
    child.stderr.pipe(log);
    return new Promise((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        const m = /worker (\S+) polling/.exec(c.toString());
        if (m) { s.identity = m[1]; resolve(); }
      });
      child.once('exit', (code, signal) => {
        if (s.identity === undefined) reject(new Error(`worker exited during start-up (${String(code ?? signal)}); see ${log.path.toString()}`));
        if (s.child !== child || this.stopping) return; // killed on purpose
        this.unexpectedExits += 1;
        s.child = undefined;
        setTimeout(() => { if (!this.stopping) this.start(slot).catch(() => undefined); }, 1000);
      });
    });
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.slots.map(async (s) => {
      const child = s.child;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    }));
  }
}
