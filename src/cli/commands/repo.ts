import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { withTemporal } from '../temporal-client.js';
import { parseRepoRef } from '../repo-ref.js';
import { printJson } from '../output.js';
import { pauseSignal, repoStatusQuery, repoWorkflowId, resumeSignal, type RepoStatus } from '../../workflows/shared.js';
import { ServiceUnavailable } from '../../errors.js';

function notFound(id: string): ServiceUnavailable {
  return new ServiceUnavailable(`no workflow ${id} is running: the repository has not been part of a campaign yet (start one with \`globallm campaign start\`)`);
}

export async function signalRepo(client: Client, ref: string, action: 'pause' | 'resume', reason: string | undefined): Promise<void> {
  const id = repoWorkflowId(parseRepoRef(ref));
  try {
    await client.workflow.getHandle(id).signal(action === 'pause' ? pauseSignal : resumeSignal, reason ? { reason } : {});
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw notFound(id);
    throw err;
  }
}

export async function repoStatus(client: Client, ref: string): Promise<RepoStatus> {
  const id = repoWorkflowId(parseRepoRef(ref));
  try {
    return await client.workflow.getHandle(id).query(repoStatusQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw notFound(id);
    throw err;
  }
}

export async function repoSignalAction(action: 'pause' | 'resume', ref: string, opts: { reason?: string }): Promise<void> {
  await withTemporal((client) => signalRepo(client, ref, action, opts.reason));
  process.stdout.write(`${action === 'pause' ? 'paused' : 'resumed'} ${ref}${opts.reason ? ` (${opts.reason})` : ''}\n`);
}

export async function repoStatusAction(ref: string, opts: { json?: boolean }): Promise<void> {
  const status = await withTemporal((client) => repoStatus(client, ref));
  if (opts.json) return printJson(status);
  process.stdout.write(`${status.repo}: ${status.paused ? `paused (${status.pauseReason ?? 'no reason given'})` : 'active'}\n`);
  process.stdout.write(`queued: ${status.queued.join(', ') || '-'}\nrunning: ${status.running.join(', ') || '-'}\n`);
  process.stdout.write(`finished: ${status.finished.map((f) => `#${f.number} ${f.outcome}`).join(', ') || '-'}\n`);
}
