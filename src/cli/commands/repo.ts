import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { withTemporal } from '../temporal-client.js';
import { cliContext } from '../context.js';
import { parseRepoRef } from '../repo-ref.js';
import { printJson } from '../output.js';
import { openPool } from '../../db/pool.js';
import { findRepositoryAnyForge } from '../../db/repositories.js';
import { repoWorkflowStart } from '../../workflows/repo-workflow-start.js';
import type { repoWorkflow } from '../../workflows/repo.js';
import { pauseSignal, repoStatusQuery, repoWorkflowId, resumeSignal, type PauseRequest, type RepoStatus } from '../../workflows/shared.js';
import { ServiceUnavailable } from '../../errors.js';
import type { ForgeKind } from '../../forge/types.js';

function notFound(id: string): ServiceUnavailable {
  return new ServiceUnavailable(`no workflow ${id} is running: the repository has not been part of a campaign yet (start one with \`globallm campaign start\`)`);
}

/** What starting a repository's workflow needs: where known repositories are, and the queues. */
export interface RepoStarter {
  pool: Pool;
  taskQueuePrefix: string;
}

async function knownRepository(pool: Pool, ref: { owner: string; repo: string }): Promise<{ forge: ForgeKind; language: string | null } | undefined> {
  try {
    return await findRepositoryAnyForge<ForgeKind>(pool, { owner: ref.owner, name: ref.repo });
  } catch (err) {
    // A database not migrated yet has recorded nothing.
    if ((err as { code?: string }).code === '42P01') return undefined;
    throw err;
  }
}

/**
 * Pause or resume a repository. A pause before the repository's first campaign starts its
 * workflow paused (signal-with-start), so the campaign that comes later queues its issues
 * behind the pause. Only repositories discovery has recorded can be started that way.
 */
export async function signalRepo(client: Client, ref: string, action: 'pause' | 'resume', reason: string | undefined, starter?: RepoStarter): Promise<'signalled' | 'started'> {
  const parsed = parseRepoRef(ref);
  const id = repoWorkflowId(parsed);
  const args = reason ? { reason } : {};
  try {
    await client.workflow.getHandle(id).signal(action === 'pause' ? pauseSignal : resumeSignal, args);
    return 'signalled';
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    if (action === 'resume' || !starter) throw notFound(id);
    const known = await knownRepository(starter.pool, parsed);
    if (!known) throw new ServiceUnavailable(`${ref} is not a repository discovery has recorded, so there is nothing to pause yet (run \`globallm discover\` or a campaign first)`);
    await client.workflow.signalWithStart<typeof repoWorkflow, [PauseRequest?]>('repoWorkflow', {
      ...repoWorkflowStart({ ...parsed, ...known }, starter.taskQueuePrefix),
      signal: pauseSignal,
      signalArgs: [args],
    });
    return 'started';
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
  const how = await withTemporal(async (client, config) => {
    const pool = await openPool(cliContext().endpoints.databaseUrl, { max: 1 });
    try {
      return await signalRepo(client, ref, action, opts.reason, { pool, taskQueuePrefix: config.GLOBALLM_TASK_QUEUE_PREFIX });
    } finally {
      await pool.end();
    }
  });
  const note = how === 'started' ? ' before its first campaign: its workflow was started paused' : '';
  process.stdout.write(`${action === 'pause' ? 'paused' : 'resumed'} ${ref}${opts.reason ? ` (${opts.reason})` : ''}${note}\n`);
}

export async function repoStatusAction(ref: string, opts: { json?: boolean }): Promise<void> {
  const status = await withTemporal((client) => repoStatus(client, ref));
  if (opts.json) return printJson(status);
  process.stdout.write(`${status.repo}: ${status.paused ? `paused (${status.pauseReason ?? 'no reason given'})` : 'active'}\n`);
  process.stdout.write(`queued: ${status.queued.join(', ') || '-'}\nrunning: ${status.running.join(', ') || '-'}\n`);
  process.stdout.write(`finished: ${status.finished.map((f) => `#${f.number} ${f.outcome}`).join(', ') || '-'}\n`);
}
