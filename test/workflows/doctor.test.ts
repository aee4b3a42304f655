import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createDoctorActivities } from '../../src/activities/doctor.js';
import type { doctorWorkflow } from '../../src/workflows/doctor.js';
import { createTestDatabase } from '../helpers/db.js';
import { connectTestTemporal } from '../helpers/temporal.js';

const db = await createTestDatabase();
const temporal = await connectTestTemporal();
after(async () => { await temporal.close(); await db.drop(); });

test('the doctor workflow writes and reads a row through a real worker', async () => {
  const activities = createDoctorActivities({ pool: db.pool, identity: 'test-worker' });
  const result = await temporal.withWorker(activities, () =>
    temporal.client.workflow.execute<typeof doctorWorkflow>('doctorWorkflow', { taskQueue: temporal.taskQueue, workflowId: `doctor/test-${Date.now()}`, args: ['t1'] }));
  assert.equal(result.hop.worker, 'test-worker');
  assert.equal(result.workflowTaskQueue, temporal.taskQueue);
  const row = await db.pool.query<{ token: string; worker: string }>('SELECT token, worker FROM doctor_checks WHERE id = $1', [result.hop.rowId]);
  assert.match(row.rows[0]?.token ?? '', /^t1:/);
  assert.equal(row.rows[0]?.worker, 'test-worker');
});
