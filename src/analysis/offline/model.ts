import { z } from 'zod';
import { TriageLabel } from './dataset.js';
import type { FeatureCounts } from './features.js';

/**
 * A trained linear classifier over TF-IDF features: for each kept feature its idf and one weight per
 * label. It holds learned numbers and n-gram keys only, never rows of the training data.
 */
export const LinearModel = z.object({
  version: z.literal(1),
  labels: z.array(TriageLabel).min(2),
  bias: z.array(z.number()),
  /** feature → [idf, weight per label…] */
  features: z.record(z.string(), z.array(z.number())),
  meta: z.object({ examples: z.number().int(), trainedFeatures: z.number().int(), keptFeatures: z.number().int() }),
});
export type LinearModel = z.infer<typeof LinearModel>;

/** Feature families (by key prefix) are normalised separately, then scaled, so a long body cannot drown the title. */
export const FAMILY_WEIGHTS: Readonly<Record<string, number>> = { 't:': 0.5, 'c:': 0.5, 'b:': 1, 's:': 0.5 };

function family(feature: string): string {
  return feature.slice(0, 2);
}

/** Sublinear TF × idf, L2-normalised per feature family and scaled by FAMILY_WEIGHTS: the vector training and prediction share. */
export function tfidfVector(counts: FeatureCounts, idf: (feature: string) => number | undefined): Map<string, number> {
  const vec = new Map<string, number>();
  const norms = new Map<string, number>();
  for (const [feature, count] of counts) {
    const w = idf(feature);
    if (w === undefined) continue;
    const v = (1 + Math.log(count)) * w;
    vec.set(feature, v);
    const fam = family(feature);
    norms.set(fam, (norms.get(fam) ?? 0) + v * v);
  }
  for (const [k, v] of vec) {
    const fam = family(k);
    const norm = norms.get(fam) ?? 0;
    vec.set(k, norm > 0 ? (v / Math.sqrt(norm)) * (FAMILY_WEIGHTS[fam] ?? 1) : 0);
  }
  return vec;
}

export function softmax(scores: number[]): number[] {
  const max = Math.max(...scores);
  const exps = scores.map((s) => Math.exp(s - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

export interface Prediction {
  label: TriageLabel;
  probabilities: Record<TriageLabel, number>;
}

/** Label probabilities for one issue's features under the model. */
export function predict(model: LinearModel, counts: FeatureCounts): Prediction {
  const vec = tfidfVector(counts, (f) => model.features[f]?.[0]);
  const scores = [...model.bias];
  for (const [feature, value] of vec) {
    const row = model.features[feature];
    if (!row) continue;
    for (let c = 0; c < scores.length; c++) scores[c] = (scores[c] ?? 0) + value * (row[c + 1] ?? 0);
  }
  const probs = softmax(scores);
  const probabilities = { bug: 0, feature: 0, question: 0 };
  let best = 0;
  model.labels.forEach((label, c) => {
    probabilities[label] = probs[c] ?? 0;
    if ((probs[c] ?? 0) > (probs[best] ?? 0)) best = c;
  });
  return { label: model.labels[best] ?? 'bug', probabilities };
}
