import { seededRandom } from '../../src/util/seeded-random.js';

/** Where a kill aims: a stage's activity, or the moment a fix's model answer arrives (its budget settle). */
export const KILL_TARGETS = ['analyzeIssue', 'checkConsent', 'generateFix', 'budget_settle', 'validateFix', 'openPullRequest', 'recordIssueRun', 'any'] as const;
export type KillTarget = typeof KILL_TARGETS[number];

/** Faults are due by progress: the last one once this share of the issues has finished. */
export const LAST_FAULT_AT = 0.8;

/** `atShare`: the share of the campaign's issues finished before the fault is delivered (a late fault goes at once). */
export type Fault = { atShare: number } & (
  | { kind: 'kill'; target: KillTarget; slot: number }
  | { kind: 'pg_restart' }
  | { kind: 'temporal_restart' }
  | { kind: 'repo_delete' });

/**
 * The fault schedule a seed stands for: kills aimed at every target in turn (a seeded shuffle),
 * with the service restarts and repository deletions at seeded places among them, never first;
 * each due at an even step of the campaign's progress, so that all of them land before it ends.
 * Pure: the same seed gives the same schedule.
 */
export function faultSchedule(o: { seed: number; kills: number; pgRestarts: number; temporalRestarts: number; repoDeletes?: number; slots: number }): Fault[] {
  const rnd = seededRandom(o.seed);
  const pick = (n: number): number => Math.floor(rnd() * n);
  const order: KillTarget[] = [...KILL_TARGETS];
  for (let i = order.length - 1; i > 0; i--) {
    const j = pick(i + 1);
    [order[i], order[j]] = [order[j] as KillTarget, order[i] as KillTarget];
  }
  type Unplaced = Fault extends infer F ? (F extends Fault ? Omit<F, 'atShare'> : never) : never;
  const out: Unplaced[] = Array.from({ length: o.kills }, (_, i) => ({ kind: 'kill', target: order[i % order.length] ?? 'any', slot: pick(o.slots) }));
  const others: Unplaced[] = [
    ...Array.from({ length: o.pgRestarts }, (): Unplaced => ({ kind: 'pg_restart' })),
    ...Array.from({ length: o.temporalRestarts }, (): Unplaced => ({ kind: 'temporal_restart' })),
    ...Array.from({ length: o.repoDeletes ?? 0 }, (): Unplaced => ({ kind: 'repo_delete' })),
  ];
  // Never first: the campaign has fanned out before the first one.
  for (const r of others) out.splice(1 + pick(out.length), 0, r);
  const step = out.length > 1 ? LAST_FAULT_AT / (out.length - 1) : 0;
  return out.map((f, i) => ({ ...f, atShare: Math.round(i * step * 1000) / 1000 }));
}
