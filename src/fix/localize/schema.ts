import { z } from 'zod';
import { RepoPath } from '../edits/schema.js';

/** The model's choice of files to read in full, with optional symbols and a reason. */
export const LocalizeAnswer = z.strictObject({
  files: z.array(z.strictObject({
    path: RepoPath,
    symbols: z.array(z.string().max(200)).max(20).optional(),
    reason: z.string().max(1000).optional(),
  })).min(1).max(20),
});
export type LocalizeAnswer = z.infer<typeof LocalizeAnswer>;

export const LOCALIZE_TOOL = {
  name: 'select_files',
  description: 'Choose the repository files to read in full to fix the issue (the files to change, plus a test file if useful).',
  inputSchema: {
    type: 'object',
    properties: {
      files: {
        type: 'array', minItems: 1, maxItems: 20,
        items: {
          type: 'object',
          properties: { path: { type: 'string' }, symbols: { type: 'array', items: { type: 'string' } }, reason: { type: 'string' } },
          required: ['path'],
        },
      },
    },
    required: ['files'],
  },
};

export const LocalizedFile = z.object({ path: z.string(), symbols: z.array(z.string()), reason: z.string() });
export type LocalizedFile = z.infer<typeof LocalizedFile>;
