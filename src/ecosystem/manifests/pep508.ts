/**
 * The distribution name at the start of a PEP 508 requirement (`requests[socks]>=2; python_version>"3"`,
 * `foo @ https://…`). Returns null for lines that are not requirements.
 */
export function requirementName(spec: string): string | null {
  const m = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[|\(|@|;|[<>=!~]|$|\s)/.exec(spec);
  return m?.[1] ?? null;
}
