import type { TriageLabel } from './dataset.js';
import type { FeatureCounts } from './features.js';
import { softmax, tfidfVector, type LinearModel } from './model.js';

export interface TrainingExample {
  features: FeatureCounts;
  label: TriageLabel;
}

export interface TrainOptions {
  /** Keep features seen in at least this many training issues. */
  minDf: number;
  /** Keep at most this many features (most frequent first) for training. */
  maxFeatures: number;
  /** L2 penalty on the weights (per example). */
  l2: number;
  /** Full-batch Adam iterations. */
  iterations: number;
  learningRate: number;
  /** After training, keep only this many features (largest weights) in the model. */
  keepFeatures: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  minDf: 2, maxFeatures: 60_000, l2: 1e-4, iterations: 250, learningRate: 0.05, keepFeatures: 12_000,
};

const round = (x: number): number => Math.round(x * 1e4) / 1e4;

/**
 * Multinomial logistic regression on TF-IDF features, trained with full-batch Adam and an L2 penalty.
 * Deterministic: the same examples and options give the same model.
 */
export function trainLinearModel(examples: TrainingExample[], labels: readonly TriageLabel[], options: TrainOptions = DEFAULT_TRAIN_OPTIONS): LinearModel {
  if (examples.length === 0) throw new RangeError('no training examples');
  const df = new Map<string, number>();
  for (const ex of examples) for (const f of ex.features.keys()) df.set(f, (df.get(f) ?? 0) + 1);
  const vocab = [...df].filter(([, n]) => n >= options.minDf)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, options.maxFeatures);
  const index = new Map(vocab.map(([f], i) => [f, i]));
  const n = examples.length;
  const idf = new Float64Array(vocab.length);
  vocab.forEach(([, d], i) => { idf[i] = Math.log((1 + n) / (1 + d)) + 1; });

  const rows = examples.map((ex) => {
    const vec = tfidfVector(ex.features, (f) => { const i = index.get(f); return i === undefined ? undefined : idf[i]; });
    const idx = new Int32Array(vec.size);
    const val = new Float64Array(vec.size);
    let k = 0;
    for (const [f, v] of vec) { idx[k] = index.get(f) ?? 0; val[k] = v; k++; }
    return { idx, val, y: labels.indexOf(ex.label) };
  });

  const C = labels.length;
  const F = vocab.length;
  const w = new Float64Array(F * C);
  const b = new Float64Array(C);
  const gw = new Float64Array(F * C);
  const gb = new Float64Array(C);
  const mw = new Float64Array(F * C); const vw = new Float64Array(F * C);
  const mb = new Float64Array(C); const vb = new Float64Array(C);
  const beta1 = 0.9; const beta2 = 0.999; const eps = 1e-8;

  for (let t = 1; t <= options.iterations; t++) {
    gw.fill(0); gb.fill(0);
    for (const row of rows) {
      const scores = Array.from(b);
      for (let k = 0; k < row.idx.length; k++) {
        const base = (row.idx[k] ?? 0) * C;
        const v = row.val[k] ?? 0;
        for (let c = 0; c < C; c++) scores[c] = (scores[c] ?? 0) + v * (w[base + c] ?? 0);
      }
      const p = softmax(scores);
      for (let c = 0; c < C; c++) {
        const err = ((p[c] ?? 0) - (c === row.y ? 1 : 0)) / n;
        gb[c] = (gb[c] ?? 0) + err;
        for (let k = 0; k < row.idx.length; k++) {
          const j = (row.idx[k] ?? 0) * C + c;
          gw[j] = (gw[j] ?? 0) + err * (row.val[k] ?? 0);
        }
      }
    }
    const lr = options.learningRate;
    const c1 = 1 - beta1 ** t; const c2 = 1 - beta2 ** t;
    for (let j = 0; j < w.length; j++) {
      const g = (gw[j] ?? 0) + options.l2 * (w[j] ?? 0);
      mw[j] = beta1 * (mw[j] ?? 0) + (1 - beta1) * g;
      vw[j] = beta2 * (vw[j] ?? 0) + (1 - beta2) * g * g;
      w[j] = (w[j] ?? 0) - (lr * ((mw[j] ?? 0) / c1)) / (Math.sqrt((vw[j] ?? 0) / c2) + eps);
    }
    for (let c = 0; c < C; c++) {
      const g = gb[c] ?? 0;
      mb[c] = beta1 * (mb[c] ?? 0) + (1 - beta1) * g;
      vb[c] = beta2 * (vb[c] ?? 0) + (1 - beta2) * g * g;
      b[c] = (b[c] ?? 0) - (lr * ((mb[c] ?? 0) / c1)) / (Math.sqrt((vb[c] ?? 0) / c2) + eps);
    }
  }

  // Prune: keep the features whose weights move the scores most (spread across labels).
  const strength = vocab.map(([f], i) => {
    let lo = Infinity; let hi = -Infinity;
    for (let c = 0; c < C; c++) { const x = w[i * C + c] ?? 0; lo = Math.min(lo, x); hi = Math.max(hi, x); }
    return { f, i, s: hi - lo };
  }).sort((a, b2) => b2.s - a.s || (a.f < b2.f ? -1 : 1)).slice(0, options.keepFeatures);
  const features: Record<string, number[]> = {};
  for (const { f, i } of strength.sort((a, b2) => (a.f < b2.f ? -1 : 1))) {
    const row = [round(idf[i] ?? 0)];
    for (let c = 0; c < C; c++) row.push(round(w[i * C + c] ?? 0));
    features[f] = row;
  }
  return {
    version: 1,
    labels: [...labels],
    bias: Array.from(b, round),
    features,
    meta: { examples: n, trainedFeatures: F, keptFeatures: strength.length },
  };
}
