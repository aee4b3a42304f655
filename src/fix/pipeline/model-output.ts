import { z } from 'zod';
import { GlobaLLMError } from '../../errors.js';
import { normalizeRepoPath } from '../edits/repo-path.js';
import { Edit } from '../edits/schema.js';
import type { Refused } from '../schema.js';

const Envelope = z.object({ explanation: z.string().max(20_000), edits: z.array(z.unknown()).min(1).max(50) });

/** Model output that is not a usable edit list. */
export class InvalidOutput extends Error {}

/**
 * Splits model output into usable edits and refused paths: an edit naming a path outside the
 * repository is recorded as refused instead of failing the whole answer.
 */
export function splitModelOutput(raw: unknown): { explanation: string; edits: Edit[]; refused: Refused[] } {
  const env = Envelope.safeParse(raw);
  if (!env.success) throw new InvalidOutput(`model edits failed validation: ${env.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  const edits: Edit[] = [];
  const refused: Refused[] = [];
  env.data.edits.forEach((e, i) => {
    const rawPath = e && typeof e === 'object' && 'path' in e && typeof e.path === 'string' ? e.path : undefined;
    const normal = rawPath === undefined ? undefined : normalizeRepoPath(rawPath);
    if (rawPath !== undefined && normal && !normal.ok) {
      refused.push({ path: rawPath.slice(0, 300), reason: `path outside the repository: ${normal.reason}` });
      return;
    }
    const parsed = Edit.safeParse(e);
    if (!parsed.success) throw new InvalidOutput(`edit ${i + 1} failed validation: ${parsed.error.issues.slice(0, 2).map((x) => x.message).join('; ')}`);
    edits.push(parsed.data);
  });
  return { explanation: env.data.explanation, edits, refused };
}

/** A failure that makes one candidate unusable rather than failing the stage. */
export function isModelOutputProblem(err: unknown): boolean {
  return err instanceof InvalidOutput || (err instanceof GlobaLLMError && err.code === 'INVALID_MODEL_OUTPUT');
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
