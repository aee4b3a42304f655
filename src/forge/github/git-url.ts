/**
 * Where git clones from, given the REST API base: github.com for api.github.com, the host for
 * GitHub Enterprise Server (`https://host/api/v3`), and the same origin otherwise (the stand-in).
 */
export function gitBaseUrl(apiUrl: string): string {
  const u = new URL(apiUrl);
  if (u.hostname === 'api.github.com') return 'https://github.com';
  const path = u.pathname.replace(/\/+$/, '').replace(/\/api\/v3$/, '');
  return `${u.origin}${path}`;
}
