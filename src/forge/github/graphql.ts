import type { GitHubOctokit } from './client.js';
import { graphqlDocumentError, toForgeError, type GraphqlErrorEntry } from './errors.js';

export interface GraphqlBody<T> {
  data: T | null;
  errors: GraphqlErrorEntry[];
}

/**
 * One GraphQL request through the shared client. Unlike `octokit.graphql`, partial results are
 * kept: errors tied to one alias (a repository that vanished) come back beside the data, and only
 * a document that produced no data at all throws.
 */
export async function graphqlRequest<T>(octokit: GitHubOctokit, query: string, variables: Record<string, unknown>, what: string): Promise<GraphqlBody<T>> {
  let body: unknown;
  try {
    const res = await octokit.request('POST /graphql', { query, variables });
    body = res.data;
  } catch (err) {
    throw toForgeError(err, what);
  }
  const b = (typeof body === 'object' && body !== null ? body : {}) as { data?: T | null; errors?: GraphqlErrorEntry[] };
  const errors = Array.isArray(b.errors) ? b.errors : [];
  const data = b.data ?? null;
  if (data === null && errors.length > 0) throw graphqlDocumentError(errors, what);
  if (errors.some((e) => e.type === 'RATE_LIMITED')) throw graphqlDocumentError(errors, what);
  return { data, errors };
}

/** GraphQL string literal (JSON escaping is valid GraphQL escaping for these strings). */
export function gqlString(s: string): string {
  return JSON.stringify(s);
}
