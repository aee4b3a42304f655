import { seededRandom } from '../../src/util/seeded-random.js';

/** Where a kill aims: a stage's activity, or the moment a fix's model answer arrives (its budget settle). */
export const KILL_TARGETS = ['analyzeIssue', 'checkConsent', 'generateFix', 'budget_settle', 'validateFix', 'openPullRequest', 'recordIssueRun', 'any'] as const;
export type KillTarget = typeof KILL_TARGETS[number];

export type Fault =
  | { kind: 'kill'; target: KillTarget; slot: number; gapS: number }
  | { kind: 'pg_restart'; gapS: number }
  | { kind: 'temporal_restart'; gapS: number };

/**
 * The fault schedule a seed stands for: kills aimed at every target in turn (a seeded shuffle),
 * with the service restarts spread among them. Pure: the same seed gives the same schedule.
 */
export function faultSchedule(o: { seed: number; kills: number; pgRestarts: number; temporalRestarts: number; slots: number }): Fault[] {
  const rnd = seededRandom(o.seed);
  const pick = (n: number): number => Math.floor(rnd() * n);
  const gap = (): number => Math.round((0.5 + rnd() * 2.5) * 10) / 10;
  const order: KillTarget[] = [...KILL_TARGETS];
  for (let i = order.length - 1; i > 0; i--) {
    const j = pick(i + 1);
    [order[i], order[j]] = [order[j] as KillTarget, order[i] as KillTarget];
  }
  const kills: Fault[] = Array.from({ length: o.kills }, (_, i) => ({ kind: 'kill', target: order[i % order.length] ?? 'any', slot: pick(o.slots), gapS: gap() }));
  const restarts: Fault[] = [
    ...Array.from({ length: o.pgRestarts }, (): Fault => ({ kind: 'pg_restart', gapS: gap() })),
    ...Array.from({ length: o.temporalRestarts }, (): Fault => ({ kind: 'temporal_restart', gapS: gap() })),
  ];
  const out = [...kills];
  // Restarts go at seeded places, never first (the campaign has fanned out before the first one).
  for (const r of restarts) out.splice(1 + pick(out.length), 0, r);
  return out;
}
