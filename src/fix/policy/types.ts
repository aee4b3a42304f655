import type { RuleId } from './rules.js';

/** One file as a proposed change would leave it. */
export interface ChangedFile {
  path: string;
  /** Contents before the change; undefined for a new file. */
  before: string | undefined;
  /** Contents after the change. */
  after: string;
  /** True when the path (or a directory on it) is a symbolic link in the worktree. */
  isSymlink?: boolean;
}

/** One broken rule: which, and what the change did. */
export interface Finding {
  rule: RuleId;
  reason: string;
}

export interface Refusal {
  path: string;
  /** `<rule>: <what the change did>`, joined with `; ` when several rules apply. */
  reason: string;
}

export interface GuardResult<T extends ChangedFile = ChangedFile> {
  allowed: T[];
  refused: Refusal[];
}

export interface GuardOptions {
  /** Dependency names a change may add to a manifest (for example a test library the fix needs). */
  allowDependencies: readonly string[];
  /** Largest file a change may write, in bytes. */
  maxFileBytes: number;
}

export const DEFAULT_GUARD_OPTIONS: GuardOptions = { allowDependencies: [], maxFileBytes: 512 * 1024 };

export const finding = (rule: RuleId, reason: string): Finding => ({ rule, reason });
export const describeFinding = (f: Finding): string => `${f.rule}: ${f.reason}`;
