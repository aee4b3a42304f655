import type { Pool } from 'pg';
import { createDoctorActivities } from './doctor.js';

export interface ActivityDeps {
  pool: Pool;
  identity: string;
}

/** Every activity, built once per worker from its dependencies. Workflows see only the type. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createDoctorActivities(deps),
  };
}
export type Activities = ReturnType<typeof createActivities>;
