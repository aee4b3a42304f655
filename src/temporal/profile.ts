import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { UsageError } from '../errors.js';

/** What a connection to a configured cluster needs beyond its address: API key, TLS, gRPC metadata. */
export type ConnectionExtras = Pick<NativeConnectionOptions, 'apiKey' | 'tls' | 'metadata'>;

/** The Temporal connection profile in use: from `temporal.toml` and the TEMPORAL_* environment variables. */
export interface TemporalProfile {
  /** The profile's name (`default` unless TEMPORAL_PROFILE names another). */
  name: string;
  address: string | undefined;
  namespace: string | undefined;
  connection: ConnectionExtras;
}

/**
 * Reads the profile through @temporalio/envconfig: the file is TEMPORAL_CONFIG_FILE or the
 * platform's default (`~/.config/temporalio/temporal.toml`), the profile TEMPORAL_PROFILE or
 * `default`; TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS* override it.
 * A missing profile, a malformed file or an unreadable TLS file is a UsageError naming the profile.
 */
export function loadTemporalProfile(env: Record<string, string>): TemporalProfile {
  const name = env['TEMPORAL_PROFILE'] ?? 'default';
  try {
    const { connectionOptions: c, namespace } = loadClientConnectConfig({ ...(env['TEMPORAL_PROFILE'] ? { profile: name } : {}), overrideEnvVars: env });
    const connection: ConnectionExtras = {
      ...(c.apiKey !== undefined ? { apiKey: c.apiKey } : {}),
      ...(c.tls !== undefined ? { tls: c.tls } : {}),
      ...(c.metadata !== undefined ? { metadata: c.metadata } : {}),
    };
    return { name, address: c.address, namespace, connection };
  } catch (err) {
    const file = env['TEMPORAL_CONFIG_FILE'] ? ` (${env['TEMPORAL_CONFIG_FILE']})` : '';
    throw new UsageError(`Temporal profile "${name}"${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** API key, TLS and metadata of the profile when connecting to a configured cluster; none for the embedded dev server. */
export function clusterExtras(config: { TEMPORAL_ADDRESS?: string | undefined; temporal: TemporalProfile }): ConnectionExtras {
  return config.TEMPORAL_ADDRESS === undefined ? {} : config.temporal.connection;
}
