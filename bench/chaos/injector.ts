import type { Client } from '@temporalio/client';
import { seededRandom } from '../../src/util/seeded-random.js';
import { changed, pendingActivities, recovered, resumed, type PendingActivity } from './observe.js';
import type { Fault, KillTarget } from './schedule.js';
import type { RestartableServices } from './services.js';
import type { WorkerSupervisor } from './workers.js';
import type { ChaosLlm } from './llm.js';

/** `onTarget`: the aimed-at stage was running on the worker killed (else a seeded worker was, after 10 s without it). */
/** `recoveryS`: until Temporal took back what the worker held; `resumeS`: until it all ran again (a free slot may come later). */
export interface KillRecord { target: KillTarget; onTarget: boolean; during: string[]; recoveryS: number | null; resumeS: number | null }

const started = Date.now();
const note = (line: string): void => { process.stderr.write(`chaos +${((Date.now() - started) / 1000).toFixed(0)}s ${line}\n`); };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Delivers a fault schedule to a running campaign: kills aimed at the stage named (found among
 * Temporal's pending activities), service restarts, and the time each took to recover.
 */
export class FaultInjector {
  latest: PendingActivity[] = [];
  private latestAt = 0;
  /** Set once the run is over and a last look was taken: waits settle on it. */
  private finalLook = false;
  readonly kills: KillRecord[] = [];
  readonly restarts: Array<{ kind: 'pg_restart' | 'temporal_restart'; recoveryS: number | null }> = [];
  private readonly waits: Array<Promise<void>> = [];
  private readonly rnd: () => number;

  /** Repositories deleted on the forge mid-run, as `owner/name`. */
  readonly deleted: string[] = [];

  /**
   * `progress`: the share of the campaign's issues finished so far (faults are due by it);
   * `deleteRepo`: deletes a repository on the forge whose issue is still open, naming it (absent: none can be).
   */
  constructor(private readonly d: {
    client: Client; services: RestartableServices; workers: WorkerSupervisor; llm: ChaosLlm; seed: number; over: () => boolean;
    progress: () => number; deleteRepo?: (rnd: () => number) => string | undefined;
  }) {
    this.rnd = seededRandom(d.seed ^ 0x5eed);
  }

  /** Looks at the pending activities about once a second until the run is over. */
  async watch(): Promise<void> {
    while (!this.d.over()) {
      try {
        const at = Date.now();
        this.latest = await pendingActivities(this.d.client);
        this.latestAt = at;
      } catch { /* the server is restarting: keep the last look */ }
      await sleep(1000);
    }
    try {
      const at = Date.now();
      this.latest = await pendingActivities(this.d.client);
      this.latestAt = at;
    } catch { /* keep the last look */ }
    this.finalLook = true;
  }

  async run(schedule: readonly Fault[]): Promise<void> {
    for (const f of schedule) {
      // Due by progress, and never two faults within half a second.
      await this.sleepUnlessOver(500);
      while (this.d.progress() < f.atShare && !this.d.over()) await sleep(200);
      if (this.d.over()) break;
      if (f.kind === 'kill') await this.kill(f.target, f.slot);
      else if (f.kind === 'repo_delete') this.deleteRepo();
      else await this.restart(f.kind);
    }
    await Promise.all(this.waits);
  }

  private async kill(target: KillTarget, fallbackSlot: number): Promise<void> {
    const aimed = target === 'budget_settle' ? await this.settleSlots() : [await this.slotRunning(target)].filter((s): s is number => s !== undefined);
    const onTarget = aimed.length > 0;
    for (const slot of onTarget ? aimed : [await this.liveSlot(fallbackSlot)]) {
      const identity = this.d.workers.identityOf(slot);
      const held = this.latest.filter((a) => a.started && a.worker === identity);
      const record: KillRecord = { target, onTarget, during: held.map((a) => a.type), recoveryS: null, resumeS: null };
      this.kills.push(record);
      const at = Date.now();
      await this.d.workers.kill(slot);
      // A worker that held no activity leaves nothing to take back.
      const wait = (ok: (now: PendingActivity[]) => boolean): Promise<number | null> => (held.length === 0 ? Promise.resolve(0) : this.until(at, ok));
      this.waits.push(Promise.all([wait((now) => recovered(held, now)), wait((now) => resumed(held, now))]).then(([r, s]) => {
        record.recoveryS = r;
        record.resumeS = s;
        const secs = (x: number | null): string => (x === null ? 'never (run over)' : `${x.toFixed(1)} s`);
        note(`kill #${this.kills.indexOf(record) + 1} aimed at ${target}${onTarget ? '' : ' (not running: a seeded worker instead)'}: worker ${identity ?? '?'} held ${record.during.join(', ') || 'nothing'}; taken back after ${secs(r)}, all running again after ${secs(s)}`);
      }));
    }
  }

  /** The seeded slot if its worker polls, else one whose worker does (waiting up to a minute for one to). */
  private async liveSlot(seeded: number): Promise<number> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !this.d.over()) {
      if (this.d.workers.up(seeded)) return seeded;
      const other = Array.from({ length: this.d.workers.size }, (_, i) => i).find((i) => this.d.workers.up(i));
      if (other !== undefined) return other;
      await sleep(200);
    }
    return seeded;
  }

  /** The slots whose workers hold a fix call the moment its answer arrives (their budget settle). */
  private async settleSlots(): Promise<number[]> {
    const delayMs = Math.floor(this.rnd() * 30);
    const fired = new Promise<number[]>((resolve) => this.d.llm.onNextFixAnswer(() => {
      setTimeout(() => resolve(this.slotsRunning('generateFix')), delayMs);
    }));
    return Promise.race([fired, this.sleepUnlessOver(60_000).then(() => [] as number[])]);
  }

  private slotsRunning(type: string): number[] {
    const slots = this.latest.filter((a) => a.started && a.type === type).map((a) => this.d.workers.slotOf(a.worker));
    return [...new Set(slots.filter((s): s is number => s !== undefined))];
  }

  private async slotRunning(type: string): Promise<number | undefined> {
    if (type === 'any') return undefined;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !this.d.over()) {
      const slots = this.slotsRunning(type);
      if (slots.length > 0) return slots[Math.floor(this.rnd() * slots.length)];
      await sleep(100);
    }
    return undefined;
  }

  private async restart(kind: 'pg_restart' | 'temporal_restart'): Promise<void> {
    const before = this.latest;
    if (kind === 'pg_restart') await this.d.services.restartPg();
    else await this.d.services.restartTemporal();
    const record = { kind, recoveryS: null as number | null };
    this.restarts.push(record);
    // Recovered once the pending work moved after the service was back (or the run ended with nothing left);
    // the schedule goes on meanwhile.
    this.waits.push(this.until(Date.now(), (now) => changed(before, now) || now.length === 0).then((r) => {
      record.recoveryS = r;
      note(`${kind}: work moved again ${r === null ? 'never (run over)' : `${r.toFixed(1)} s after the service was back`}`);
    }));
  }

  private deleteRepo(): void {
    const repo = this.d.deleteRepo?.(this.rnd);
    if (repo === undefined) return;
    this.deleted.push(repo);
    note(`repository ${repo} deleted on the forge`);
  }

  /** Seconds from `since` until a look taken after it satisfies `ok`; null if even the last look does not. */
  private async until(since: number, ok: (now: PendingActivity[]) => boolean): Promise<number | null> {
    for (;;) {
      const last = this.finalLook;
      if (this.latestAt > since && ok(this.latest)) return (this.latestAt - since) / 1000;
      if (last) return null;
      await sleep(200);
    }
  }

  private async sleepUnlessOver(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until && !this.d.over()) await sleep(100);
  }
}
