import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { createExampleRepos } from './create.js';
import { startCampaign } from '../campaign/start.js';

export const EXAMPLE_CAMPAIGN_ID = 'example';

/**
 * The embedded default's first job: example repositories on the local forge (created once) and
 * one campaign over them. Analysis works offline; the fix stage needs a model and says so.
 */
export async function startExampleCampaign(client: Client, opts: { localRoot: string; taskQueuePrefix: string }): Promise<string> {
  const created = await createExampleRepos(opts.localRoot);
  try {
    await startCampaign(client, { id: EXAMPLE_CAMPAIGN_ID, forge: 'local', domain: 'overall', minStars: 0, maxRepos: 10, maxIssues: 5, analyzer: 'auto', wait: true }, { taskQueuePrefix: opts.taskQueuePrefix });
    return `example campaign started on ${created.length ? `new example repositories (${created.join(', ')})` : 'the local repositories'} in ${opts.localRoot}: globallm campaign status ${EXAMPLE_CAMPAIGN_ID}`;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return `example campaign already ran: globallm campaign status ${EXAMPLE_CAMPAIGN_ID}`;
    throw err;
  }
}
