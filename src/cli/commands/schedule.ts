import { withTemporal } from '../temporal-client.js';
import { flagsToOptions, type StartFlags } from './campaign.js';
import { DISCOVERY_SCHEDULE_ID, updateDiscoveryOptions } from '../../campaign/schedules.js';
import { parseScheduledDiscoveryOptions } from '../../campaign/schedule-options.js';

export type ScheduleFlags = Omit<StartFlags, 'id' | 'wait' | 'json'> & { fanOut?: boolean };

/** Shows the discovery schedule's options, after laying the given flags over them (validated first: exit 2, nothing changed). */
export async function scheduleDiscoveryAction(flags: ScheduleFlags): Promise<void> {
  const changes = flagsToOptions(flags);
  if (flags.fanOut !== undefined) changes['fanOut'] = flags.fanOut;
  // Checked on its own before any connection, so a bad value is exit 2 wherever it runs.
  parseScheduledDiscoveryOptions(changes);
  const options = await withTemporal((client) => updateDiscoveryOptions(client, changes));
  const lines = Object.entries(options).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${String(v)}`);
  process.stdout.write(`${DISCOVERY_SCHEDULE_ID}\n${lines.join('\n')}\n`);
}
