import { resolve } from 'node:path';
import { EnvConfig } from './schema.js';
import { UsageError } from '../errors.js';
import { githubTokensOf, type GitHubTokens } from './github-tokens.js';
import { loadTemporalProfile, type TemporalProfile } from '../temporal/profile.js';

export interface Config extends EnvConfig {
  /** Absolute state directory (PostgreSQL data, Temporal db file, locks, caches). */
  stateDir: string;
  /** The Temporal profile (temporal.toml and TEMPORAL_* variables); its address and namespace fill TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE. */
  temporal: TemporalProfile;
  /** GITHUB_TOKEN and GITHUB_TOKENS combined: the identity token and the ones that share its reads. */
  githubTokens: GitHubTokens;
}

/** Reads configuration from an environment (defaults → environment); a bad value names its key. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const present = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
  const temporal = loadTemporalProfile(present);
  const parsed = EnvConfig.safeParse({
    ...(temporal.address !== undefined ? { TEMPORAL_ADDRESS: temporal.address } : {}),
    ...(temporal.namespace !== undefined ? { TEMPORAL_NAMESPACE: temporal.namespace } : {}),
    ...present,
  });
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new UsageError(`invalid configuration: ${why}`);
  }
  return { ...parsed.data, stateDir: resolve(cwd, parsed.data.GLOBALLM_STATE_DIR), temporal, githubTokens: githubTokensOf(parsed.data) };
}

