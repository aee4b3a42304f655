import { seededRandom } from '../../util/seeded-random.js';
/** Evaluation helpers: stratified folds and per-class / macro F1. Pure and deterministic. */

/** Assigns each item a fold 0..k-1 so every label is spread evenly over folds (seeded shuffle within a label). */
export function stratifiedFolds<L extends string>(labels: readonly L[], k: number, seed = 1): number[] {
  if (!Number.isInteger(k) || k < 2) throw new RangeError('k must be an integer ≥ 2');
  const rand = seededRandom(seed);
  const byLabel = new Map<L, number[]>();
  labels.forEach((l, i) => { const list = byLabel.get(l) ?? []; list.push(i); byLabel.set(l, list); });
  const folds = new Array<number>(labels.length).fill(0);
  let offset = 0;
  for (const key of [...byLabel.keys()].sort()) {
    const idx = byLabel.get(key) ?? [];
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [idx[i], idx[j]] = [idx[j] ?? 0, idx[i] ?? 0];
    }
    idx.forEach((item, pos) => { folds[item] = (pos + offset) % k; });
    offset += idx.length;
  }
  return folds;
}

export interface F1Report<L extends string> {
  perClass: Record<L, { precision: number; recall: number; f1: number; support: number }>;
  macroF1: number;
  accuracy: number;
}

export function f1Report<L extends string>(classes: readonly L[], truth: readonly L[], predicted: readonly L[]): F1Report<L> {
  if (truth.length !== predicted.length) throw new RangeError('truth and predictions differ in length');
  const perClass = {} as F1Report<L>['perClass'];
  let correct = 0;
  truth.forEach((t, i) => { if (t === predicted[i]) correct++; });
  for (const c of classes) {
    let tp = 0; let fp = 0; let fn = 0;
    truth.forEach((t, i) => {
      const p = predicted[i];
      if (p === c && t === c) tp++;
      else if (p === c) fp++;
      else if (t === c) fn++;
    });
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perClass[c] = { precision, recall, f1, support: tp + fn };
  }
  const macroF1 = classes.reduce((s, c) => s + perClass[c].f1, 0) / classes.length;
  return { perClass, macroF1, accuracy: truth.length ? correct / truth.length : 0 };
}
