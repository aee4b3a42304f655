import { loadConfig, type Config } from '../config/load.js';
import { resolveEndpoints, type Endpoints } from '../stack/endpoints.js';

/** Configuration and service locations for a CLI command, read once. */
export function cliContext(): { config: Config; endpoints: Endpoints } {
  const config = loadConfig(process.env);
  return { config, endpoints: resolveEndpoints(config) };
}
