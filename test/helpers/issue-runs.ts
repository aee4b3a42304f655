import type { Pool } from 'pg';
import type { Client } from '@temporalio/client';
import { fix, pick } from '../../src/examples/demo-script.js';
import type { ScriptRule } from '../../src/sim/llm/schema.js';
import type { IssueFinished } from '../../src/workflows/shared.js';
import { issueWorkflowId, followUpWorkflowId } from '../../src/workflows/shared.js';
import { insertIssue, insertRepository } from './fixtures.js';
import type { ForgeKind } from '../../src/forge/types.js';
import { taskQueue } from '../../src/temporal/task-queues.js';

export const DOC_TITLE = 'Typo in README example';

/** The scripted model's documentation fix: one line of README.md (a trivial change). */
export function docFixScript(): ScriptRule[] {
  return [
    pick('doc-files', DOC_TITLE, 'README.md'),
    fix('doc-fix', DOC_TITLE, [{ path: 'README.md', search: 'turns titles into URL slugs.', replace: 'turns titles into URL slugs (`Hello World` becomes `hello-world`).' }], 'The README now shows what a slug looks like.'),
  ];
}

/** A repository and one issue as discovery, intake and analysis leave them. */
export async function seedIssue(pool: Pool, r: { forge: ForgeKind; owner: string; name: string; number: number; title: string; body?: string; category: string }): Promise<void> {
  const existing = await pool.query<{ id: string }>('SELECT id::text FROM repositories WHERE forge = $1 AND owner = $2 AND name = $3', [r.forge, r.owner, r.name]);
  const id = existing.rows[0]?.id ?? await insertRepository(pool, { forge: r.forge, owner: r.owner, name: r.name, language: 'JavaScript' });
  await insertIssue(pool, id, { number: r.number, title: r.title, body: r.body ?? r.title });
  await pool.query(`UPDATE issues SET category = $3, critical = false, analyzed_at = now(), analysis = '{"analyzer":"test"}'::jsonb WHERE repository_id = $1 AND number = $2`, [id, r.number, r.category]);
}

/** Runs one issue through the real issue workflow (its follow-up checks every second) and waits for its decision. */
export async function runIssue(client: Client, prefix: string, ref: { forge: ForgeKind; owner: string; repo: string; number: number }): Promise<IssueFinished> {
  const handle = await client.workflow.start('issueWorkflow', {
    workflowId: issueWorkflowId(ref), taskQueue: taskQueue(prefix, 'core'), workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    args: [{ ...ref, taskQueuePrefix: prefix, dryRun: false, followUp: { every: '1s', checks: 600 } }],
  });
  return await handle.result() as IssueFinished;
}

/** The follow-up's end: merged, closed, or the end of its cadence. */
export async function followUpResult(client: Client, ref: { owner: string; repo: string; number: number }): Promise<{ state: string; checks: number }> {
  return await client.workflow.getHandle(followUpWorkflowId(ref)).result() as { state: string; checks: number };
}

export async function outcomeKinds(pool: Pool, forge: string, owner: string, name: string, issue: number): Promise<Array<{ kind: string; detail: Record<string, unknown> }>> {
  const r = await pool.query<{ kind: string; detail: Record<string, unknown> }>(
    `SELECT o.kind, o.detail FROM outcomes o JOIN pull_requests p ON p.id = o.pull_request_id WHERE p.forge = $1 AND p.owner = $2 AND p.name = $3 AND p.issue_number = $4 ORDER BY o.id`,
    [forge, owner, name, issue]);
  return r.rows;
}
