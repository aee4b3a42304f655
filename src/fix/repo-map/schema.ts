import { z } from 'zod';

export const SymbolKind = z.enum(['function', 'class', 'method', 'interface', 'type', 'variable']);
export type SymbolKind = z.infer<typeof SymbolKind>;

export const RepoSymbol = z.object({
  name: z.string().min(1).max(200),
  kind: SymbolKind,
  /** 1-based line of the definition. */
  line: z.number().int().positive(),
  exported: z.boolean(),
});
export type RepoSymbol = z.infer<typeof RepoSymbol>;

export const FileOutline = z.object({
  path: z.string().min(1),
  language: z.string().nullable(),
  bytes: z.number().int().nonnegative(),
  /** How the outline was read: a tree-sitter grammar, a regex outline, or not at all. */
  parser: z.enum(['tree-sitter', 'regex', 'none']),
  symbols: z.array(RepoSymbol),
  /** Identifiers the file uses (calls, constructors, types), deduplicated and capped. */
  refs: z.array(z.string()),
});
export type FileOutline = z.infer<typeof FileOutline>;

/** The files and symbols of one commit; cached as JSON beside the worktree cache. */
export const RepoIndex = z.object({
  files: z.array(FileOutline),
});
export type RepoIndex = z.infer<typeof RepoIndex>;

export interface RankedSymbol extends RepoSymbol {
  mentioned: boolean;
}

export interface RankedFile {
  path: string;
  score: number;
  /** Why it ranks where it does, for logs and tests. */
  reasons: string[];
  symbols: RankedSymbol[];
}
