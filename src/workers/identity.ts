import { hostname } from 'node:os';

/** What the Web UI shows as the poller: host and pid. */
export function workerIdentity(role = 'worker'): string {
  return `globallm-${role}@${hostname()}:${process.pid}`;
}
