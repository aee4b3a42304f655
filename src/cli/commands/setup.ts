import { cliContext } from '../context.js';
import { setupCluster, type ClusterSetup } from '../../stack/cluster-setup.js';

function describe(s: ClusterSetup): string {
  const retention = s.retention.refused !== undefined
    ? `retention: ${s.retention.hours}h, left as it is (the server refused a change: ${s.retention.refused})`
    : `retention: ${s.retention.hours}h${s.retention.raised ? ' (raised)' : ''}`;
  return [
    `migrations: ${s.migrations.length > 0 ? `applied ${s.migrations.join(', ')}` : 'up to date'}`,
    `search attributes: ${s.added.length > 0 ? `added ${s.added.join(', ')}` : 'all registered'}`,
    retention,
    `schedules: ${s.schedules.join(', ')}`,
  ].join('\n');
}

export async function setupAction(): Promise<void> {
  const { config, endpoints } = cliContext();
  const done = await setupCluster(config, { databaseUrl: endpoints.databaseUrl, temporalAddress: endpoints.temporalAddress });
  process.stdout.write(`${describe(done)}\n`);
}
