/**
 * The package registries installs may reach: the public defaults of every supported package
 * manager, the hosts of registries the operator configured in the usual variables, and
 * `GLOBALLM_REGISTRY_HOSTS`. Host names only; repository content never adds to this list.
 */
const DEFAULTS = [
  'registry.npmjs.org', 'registry.yarnpkg.com',
  'pypi.org', 'files.pythonhosted.org',
  'proxy.golang.org', 'sum.golang.org', 'storage.googleapis.com',
  'index.crates.io', 'static.crates.io', 'crates.io',
  'repo.maven.apache.org', 'repo1.maven.org', 'plugins.gradle.org', 'services.gradle.org', 'downloads.gradle.org',
];

const URL_VARS = ['npm_config_registry', 'NPM_CONFIG_REGISTRY', 'PIP_INDEX_URL', 'PIP_EXTRA_INDEX_URL', 'UV_INDEX_URL', 'GOPROXY', 'CARGO_REGISTRIES_CRATES_IO_INDEX'];

function hostsIn(value: string): string[] {
  const out: string[] = [];
  for (const part of value.split(/[\s,|]+/)) {
    try {
      const u = new URL(part.replace(/^sparse\+/, ''));
      if (u.protocol === 'https:' || u.protocol === 'http:') out.push(u.hostname.toLowerCase());
    } catch {
      // "direct", "off" and other words are not hosts
    }
  }
  return out;
}

export function registryHosts(env: Record<string, string | undefined>, extra: readonly string[] = []): string[] {
  const hosts = new Set(DEFAULTS);
  for (const v of URL_VARS) for (const h of hostsIn(env[v] ?? '')) hosts.add(h);
  for (const h of extra) if (/^[a-z0-9.-]+$/i.test(h)) hosts.add(h.toLowerCase());
  return [...hosts].sort();
}

/** Variables that tell clients which certificate authorities to trust (some hosts add their own). */
const TRUST_VARS = ['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'REQUESTS_CA_BUNDLE', 'PIP_CERT', 'CURL_CA_BUNDLE', 'GIT_SSL_CAINFO', 'CARGO_HTTP_CAINFO'];

/**
 * The host's certificate-trust settings, for installs: only these variables, and only when
 * they name a path the sandbox can see (the system certificate stores, bound read-only).
 */
export function trustEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of TRUST_VARS) {
    const v = env[k];
    if (v && /^\/(etc\/ssl|etc\/ca-certificates|etc\/pki|usr\/share\/ca-certificates|usr\/local\/share\/ca-certificates)(\/[\w.+-]+)*$/.test(v)) out[k] = v;
  }
  return out;
}
