import { randomUUID } from 'node:crypto';
import { activityInfo } from '@temporalio/activity';
import type { Pool } from 'pg';
import { doctorCheckToken, insertDoctorCheck } from '../db/doctor-checks.js';

export interface DoctorHop {
  worker: string;
  /** Time from the workflow scheduling the activity to the activity starting, as the server saw it. */
  scheduleToStartMs: number;
  dbWriteMs: number;
  dbReadMs: number;
  rowId: string;
}

/** The self-check: write a row, read it back, report each hop's latency. */
export function createDoctorActivities(deps: { pool: Pool; identity: string }) {
  return {
    async doctorRoundTrip(token: string): Promise<DoctorHop> {
      const info = activityInfo();
      const scheduleToStartMs = Math.max(0, Date.now() - info.currentAttemptScheduledTimestampMs);
      const marker = `${token}:${randomUUID()}`;
      const t0 = performance.now();
      const rowId = await insertDoctorCheck(deps.pool, marker, deps.identity);
      const t1 = performance.now();
      const readBack = await doctorCheckToken(deps.pool, rowId);
      const t2 = performance.now();
      if (readBack !== marker) throw new Error('doctor: the row read back differs from the row written');
      return { worker: deps.identity, scheduleToStartMs, dbWriteMs: t1 - t0, dbReadMs: t2 - t1, rowId: String(rowId) };
    },
  };
}
