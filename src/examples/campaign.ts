import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { createExampleRepos } from './create.js';
import { startCampaign, type StartedCampaign } from '../campaign/start.js';

export const EXAMPLE_CAMPAIGN_ID = 'example';
/** The demo's campaign has its own ID, so a demo after the example campaign still runs. */
export const DEMO_CAMPAIGN_ID = 'demo';

export interface ExampleCampaign {
  /** One line for the console: what started, and the command that follows it. */
  message: string;
  /** Undefined when the campaign already ran on this state. */
  started: StartedCampaign | undefined;
}

/**
 * The embedded default's first job: example repositories on the local forge (created once) and
 * one campaign over them. Without a model, analysis works offline and the fix stage says it needs
 * one. The demo (`demo: true`) analyzes offline and leaves the fix stage to its scripted model.
 */
export async function startExampleCampaign(client: Client, opts: { localRoot: string; taskQueuePrefix: string; demo?: boolean }): Promise<ExampleCampaign> {
  const id = opts.demo === true ? DEMO_CAMPAIGN_ID : EXAMPLE_CAMPAIGN_ID;
  const created = await createExampleRepos(opts.localRoot);
  try {
    const started = await startCampaign(client, { id, forge: 'local', domain: 'overall', minStars: 0, maxRepos: 10, maxIssues: 5, analyzer: opts.demo === true ? 'offline' : 'auto', wait: true }, { taskQueuePrefix: opts.taskQueuePrefix });
    const where = created.length ? `new example repositories (${created.join(', ')})` : 'the local repositories';
    return { started, message: `${id} campaign started on ${where} in ${opts.localRoot}: globallm campaign status ${id}` };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { started: undefined, message: `${id} campaign already ran: globallm campaign status ${id}` };
    throw err;
  }
}
