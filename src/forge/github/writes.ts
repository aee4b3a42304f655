/**
 * Which GitHub requests are writes. A write whose response is lost may have happened, so
 * Octokit's retry plugin never repeats one: our own code decides, after checking what landed.
 */
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A GraphQL document that holds a mutation (comments and string literals are ignored). */
export function isGraphqlMutation(query: string): boolean {
  return /(^|[\s}])mutation\b/.test(bareGraphql(query));
}

/** A GraphQL document without its comments and string literals. */
function bareGraphql(query: string): string {
  return query.replace(/"""[\s\S]*?"""|"(?:[^"\\]|\\.)*"|#[^\n]*/g, ' ');
}

export interface RequestShape {
  method?: string | undefined;
  url?: string | undefined;
  query?: unknown;
}

export function isWriteRequest(req: RequestShape): boolean {
  const method = (req.method ?? 'GET').toUpperCase();
  if (READ_METHODS.has(method)) return false;
  if (/\/graphql$/.test(req.url ?? '')) return typeof req.query !== 'string' || isGraphqlMutation(req.query);
  return true;
}

/**
 * Whether any of several tokens may send this request. Only a read that does not ask who the
 * token is may: a write acts as the token's account (the fork owner, the PR author, the
 * commenter), and `viewer` in GraphQL or `/user` in REST answers with the token's own account,
 * so both stay on the one identity token.
 */
export function mayUseAnyToken(req: RequestShape): boolean {
  if (isWriteRequest(req)) return false;
  if (/\/graphql$/.test(req.url ?? '')) return typeof req.query === 'string' && !/\bviewer\b/.test(bareGraphql(req.query));
  const path = (req.url ?? '').replace(/^https?:\/\/[^/]+/, '').replace(/^\/api\/v3/, '').split('?')[0] ?? '';
  return !/^\/user(\/|$)/.test(path);
}
