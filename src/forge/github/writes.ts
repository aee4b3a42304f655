/**
 * Which GitHub requests are writes. A write whose response is lost may have happened, so
 * Octokit's retry plugin never repeats one: our own code decides, after checking what landed.
 */
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A GraphQL document that holds a mutation (comments and string literals are ignored). */
export function isGraphqlMutation(query: string): boolean {
  const bare = query.replace(/"""[\s\S]*?"""|"(?:[^"\\]|\\.)*"|#[^\n]*/g, ' ');
  return /(^|[\s}])mutation\b/.test(bare);
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
