// Trains the offline classifier on a labelled-issues CSV and writes src/analysis/offline/model.json.
// Usage: node --import tsx src/analysis/offline/train.ts [csvPath]
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLabelledIssues, TRIAGE_LABELS } from './dataset.js';
import { issueFeatures } from './features.js';
import { MODEL_PATH } from './load-model.js';
import { trainLinearModel } from './train-model.js';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(resolve(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

const csvPath = process.argv[2] ?? process.env['NLBSE_CSV'] ?? resolve(repoRoot(), '../shared/data/nlbse24/issues_train.csv');
if (!existsSync(csvPath)) {
  process.stderr.write(`train: labelled issues CSV not found at ${csvPath}\n`);
  process.exit(1);
}
const issues = await loadLabelledIssues(csvPath);
const model = trainLinearModel(issues.map((i) => ({ features: issueFeatures(i.title, i.body), label: i.label })), TRIAGE_LABELS);
const json = JSON.stringify(model);
await writeFile(MODEL_PATH, `${json}\n`);
process.stdout.write(`examples=${model.meta.examples}\nfeatures=${model.meta.keptFeatures}\nbytes=${json.length + 1}\n`);
