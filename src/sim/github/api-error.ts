/** An answer GitHub would give as an error: status, message and optional validation details. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly errors?: { resource: string; code: string; field?: string; message?: string }[]) {
    super(message);
    this.name = 'ApiError';
  }
}

export const DOCS = 'https://docs.github.com/rest';

export function errorBody(err: ApiError, documentationUrl: string = DOCS): Record<string, unknown> {
  const body: Record<string, unknown> = { message: err.message, documentation_url: documentationUrl, status: String(err.status) };
  if (err.errors) body['errors'] = err.errors;
  return body;
}
