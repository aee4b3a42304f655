import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import { projectRoot } from '../../util/project-root.js';
import { LinearModel } from './model.js';

/** Where the shipped weights live (written by train.ts): beside the sources, also when running from dist/. */
export const MODEL_PATH = join(projectRoot, 'src', 'analysis', 'offline', 'model.json');

let cached: Promise<LinearModel> | undefined;

/** Reads and validates a model file. */
export async function readModel(path: string): Promise<LinearModel> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`offline model not found at ${path}: run \`node --import tsx src/analysis/offline/train.ts [csvPath]\``, { cause: err });
  }
  const parsed = LinearModel.safeParse(JSON.parse(text));
  if (!parsed.success) throw new UsageError(`offline model at ${path} is invalid: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
  return parsed.data;
}

/** The shipped model, read once per process. */
export function loadShippedModel(): Promise<LinearModel> {
  cached ??= readModel(MODEL_PATH).catch((err: unknown) => {
    cached = undefined;
    throw err;
  });
  return cached;
}
