import { join } from 'node:path';
import type { Config } from '../config/load.js';
import { BubblewrapSandbox } from '../sandbox/bubblewrap.js';
import { registryHosts, trustEnv } from '../sandbox/egress/registries.js';
import { EnvironmentCache } from './cache.js';

/** Where mirrors, worktrees, repository models and prepared environments live. */
export function cacheDirOf(config: Config): string {
  return config.GLOBALLM_CACHE_DIR ?? join(config.stateDir, 'cache');
}

export function environmentCacheFrom(config: Config): EnvironmentCache {
  return new EnvironmentCache(config.GLOBALLM_ENV_CACHE_DIR, config.GLOBALLM_ENV_CACHE_MB);
}

/** The sandbox, its installs allowed to reach the package registries this host is configured for. */
export function sandboxFrom(config: Config, env: Record<string, string | undefined> = process.env): BubblewrapSandbox {
  return new BubblewrapSandbox({ registryHosts: registryHosts(env, config.GLOBALLM_REGISTRY_HOSTS), trustEnv: trustEnv(env) });
}
