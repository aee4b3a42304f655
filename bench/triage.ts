// `npm run bench -- triage`: stratified 5-fold cross-validated macro F1 of the offline issue classifier.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLabelledIssues, TRIAGE_LABELS, type TriageLabel } from '../src/analysis/offline/dataset.js';
import { f1Report, stratifiedFolds } from '../src/analysis/offline/evaluate.js';
import { issueFeatures } from '../src/analysis/offline/features.js';
import { predict } from '../src/analysis/offline/model.js';
import { trainLinearModel } from '../src/analysis/offline/train-model.js';

const FOLDS = 5;

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(resolve(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above bench/');
    dir = up;
  }
  return dir;
}

export default async function (_args: string[]): Promise<void> {
  const csvPath = process.env['NLBSE_CSV'] ?? resolve(repoRoot(), '../shared/data/nlbse24/issues_train.csv');
  if (!existsSync(csvPath)) {
    process.stderr.write(`triage bench: labelled issues CSV not found at ${csvPath} (set NLBSE_CSV to its path)\n`);
    process.exit(1);
  }
  const issues = await loadLabelledIssues(csvPath);
  const features = issues.map((i) => issueFeatures(i.title, i.body));
  const folds = stratifiedFolds(issues.map((i) => i.label), FOLDS);
  const predicted = new Array<TriageLabel>(issues.length);
  let predictMs = 0;
  for (let k = 0; k < FOLDS; k++) {
    const train = issues.flatMap((issue, i) => (folds[i] === k ? [] : [{ features: features[i] ?? new Map<string, number>(), label: issue.label }]));
    const model = trainLinearModel(train, TRIAGE_LABELS);
    const start = performance.now();
    issues.forEach((issue, i) => {
      if (folds[i] !== k) return;
      // Time the whole per-issue path the analyzer runs: feature extraction plus prediction.
      predicted[i] = predict(model, issueFeatures(issue.title, issue.body)).label;
    });
    predictMs += performance.now() - start;
  }
  const report = f1Report(TRIAGE_LABELS, issues.map((i) => i.label), predicted);
  process.stdout.write(`examples=${issues.length}\n`);
  for (const label of TRIAGE_LABELS) process.stdout.write(`f1_${label}=${report.perClass[label].f1.toFixed(4)}\n`);
  process.stdout.write(`accuracy=${report.accuracy.toFixed(4)}\n`);
  process.stdout.write(`macro_f1=${report.macroF1.toFixed(4)}\n`);
  process.stdout.write(`ms_per_issue=${(predictMs / issues.length).toFixed(3)}\n`);
}
