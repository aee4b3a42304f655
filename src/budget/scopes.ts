import { UsageError } from '../errors.js';
import type { BudgetScopes } from './types.js';

export const WEEK_SCOPE = 'week';
const REPO = /^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/;
// GitHub language names: letters, digits, spaces and a little punctuation (C++, C#, Objective-C, Vim Script).
const LANGUAGE = /^[\p{L}\p{N} +#.'_-]{1,60}$/u;

/** `owner/name`, lower-cased (GitHub names are case-insensitive); UsageError when malformed. */
export function normaliseRepo(repo: string): string {
  const r = repo.trim();
  if (!REPO.test(r) || r.split('/').some((p) => p === '.' || p === '..')) throw new UsageError(`not an owner/name repository: ${JSON.stringify(repo)}`);
  return r.toLowerCase();
}

export function normaliseLanguage(language: string): string {
  const l = language.trim().replace(/ +/g, ' ');
  if (!LANGUAGE.test(l)) throw new UsageError(`not a language name: ${JSON.stringify(language)}`);
  return l.toLowerCase();
}

export const repoScope = (repo: string): string => `repo:${normaliseRepo(repo)}`;
export const languageScope = (language: string): string => `language:${normaliseLanguage(language)}`;

export type ScopeKind = 'week' | 'repo' | 'language';

export function scopeKind(scope: string): ScopeKind {
  if (scope === WEEK_SCOPE) return 'week';
  if (scope.startsWith('repo:')) return 'repo';
  if (scope.startsWith('language:')) return 'language';
  throw new UsageError(`unknown budget scope ${JSON.stringify(scope)}`);
}

/** Every scope a call is charged against, sorted so that row locks are always taken in the same order. */
export function scopeNames(scopes: BudgetScopes): string[] {
  const names = [WEEK_SCOPE];
  if (scopes.repo !== undefined) names.push(repoScope(scopes.repo));
  if (scopes.language !== undefined) names.push(languageScope(scopes.language));
  return names.sort();
}
