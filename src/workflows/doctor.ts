import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { DoctorHop } from '../activities/doctor.js';

const { doctorRoundTrip } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 3 },
});

export interface DoctorResult {
  hop: DoctorHop;
  workflowTaskQueue: string;
}

/** First real path through client → server → worker → activity → database. */
export async function doctorWorkflow(token: string): Promise<DoctorResult> {
  const hop = await doctorRoundTrip(token);
  return { hop, workflowTaskQueue: workflowInfo().taskQueue };
}
