import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { taskQueueTypes } from '../../../src/temporal/connection.js';
import type pg from 'pg';
import { createActivities, type Activities } from '../../../src/activities/index.js';
import { loadConfig } from '../../../src/config/load.js';
import { PostgresTokenBudget } from '../../../src/budget/postgres-budget.js';
import { budgetConfig } from '../../../src/budget/from-config.js';
import { exampleScript, fix, pick } from '../../../src/examples/demo-script.js';
import { createExampleRepos } from '../../../src/examples/create.js';
import { startLlmStandIn, type LlmStandIn } from '../../../src/sim/llm/server.js';
import { freePort } from '../../../src/util/ports.js';
import type { RunningWorkers } from '../../../src/workers/start.js';
import { Client } from '@temporalio/client';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { testTemporalAddress } from '../../helpers/temporal.js';
import { startTestWorkers } from '../../helpers/workers.js';
import { runCli, type CliResult } from '../../helpers/cli.js';

/** Marks the issue whose scripted fix carries no test (so the sandbox finds it unproven). */
export const UNPROVEN_MARK = 'UNPROVEN-PROBE';
const SLUG_EDIT = { path: 'src/slug.js', search: ".replace(/[^a-z0-9]/g, '-');", replace: ".replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');" };

/** What the running worker of the probes was started with (each value differs from its default). */
export const WORKER_SETTINGS = { GLOBALLM_SANDBOX_CONCURRENCY: '3', GLOBALLM_GITHUB_QUEUE_RATE: '2.5', GLOBALLM_METRICS_HOST: '0.0.0.0' } as const;

export interface ProbeContext {
  dir: string;
  /** The local forge of the worker and the CLI: the two example libraries. */
  forge: string;
  pool: pg.Pool;
  db: TestDatabase;
  temporal: Connection;
  llm: LlmStandIn;
  worker: RunningWorkers & { prefix: string; metricsPort: number };
  /** Pollers' identities and rates on a task queue (activity pollers, or workflow pollers). */
  pollers(queue: string, type?: 'activity' | 'workflow'): Promise<Array<{ identity: string; ratePerSecond: number }>>;
  /** The built CLI against the suite's PostgreSQL (this file's database) and Temporal. */
  cli(args: string[], env?: NodeJS.ProcessEnv, input?: string): Promise<CliResult>;
  /** The activities as a worker builds them from a configuration of `env`, run as a Temporal activity would run them. */
  activities(env: NodeJS.ProcessEnv): { acts: Activities; run: <T>(fn: () => Promise<T>) => Promise<T> };
  seq(): number;
  close(): Promise<void>;
}

export async function probeContext(): Promise<ProbeContext> {
  const dir = mkdtempSync(join(tmpdir(), 'globallm-settings-'));
  const db = await createTestDatabase();
  const temporal = await Connection.connect({ address: testTemporalAddress() });
  const llm = await startLlmStandIn({ script: [{ id: 'probe', match: { tool: 'probe' }, respond: { toolUse: { name: 'probe', input: {} } } },
    pick('unproven-files', UNPROVEN_MARK, 'src/slug.js'), fix('unproven-fix', UNPROVEN_MARK, [SLUG_EDIT]), ...exampleScript()] });
  const metricsPort = await freePort();
  const forge = join(dir, 'forge');
  await createExampleRepos(forge);
  // The local forge the worker and the CLI share; the worker fixes with the scripted model, and an
  // issue that ended without a PR may be taken by the next campaign at once.
  const shared = { GLOBALLM_LOCAL_ROOT: forge, GLOBALLM_STATE_DIR: join(dir, 'state'), GLOBALLM_RETRY_AFTER_HOURS: '0', GLOBALLM_MAX_OPEN_PRS_PER_OWNER: '20' };
  const worker = { ...await startTestWorkers(db.pool, { ...WORKER_SETTINGS, ...shared, ANTHROPIC_BASE_URL: llm.url, GLOBALLM_METRICS_PORT: String(metricsPort) }), metricsPort };
  let n = 0;
  const baseEnv = { ...shared, DATABASE_URL: db.url, TEMPORAL_ADDRESS: testTemporalAddress(), GLOBALLM_LOG_LEVEL: 'info', GLOBALLM_TASK_QUEUE_PREFIX: worker.prefix, GITHUB_API_URL: 'http://127.0.0.1:1' };
  return {
    dir, forge, db, pool: db.pool, temporal, llm, worker,
    pollers: async (queue, type = 'activity') => {
      const r = await temporal.workflowService.describeTaskQueue({
        namespace: 'default', taskQueue: { name: queue },
        taskQueueType: type === 'activity' ? taskQueueTypes().TASK_QUEUE_TYPE_ACTIVITY : taskQueueTypes().TASK_QUEUE_TYPE_WORKFLOW,
      });
      return (r.pollers ?? []).map((p) => ({ identity: p.identity ?? '', ratePerSecond: p.ratePerSecond ?? 0 }));
    },
    cli: (args, env = {}, input = '') => runCli(args, { ...baseEnv, ...env }, { input }),
    activities: (env) => {
      const config = loadConfig({ GLOBALLM_STATE_DIR: join(dir, `acts-${++n}`), GLOBALLM_TASK_QUEUE_PREFIX: worker.prefix, ...env });
      const budget = new PostgresTokenBudget(db.pool, { config: budgetConfig(config) });
      const acts = createActivities({ pool: db.pool, identity: `settings-probe-${n}`, client: new Client({ connection: temporal }), taskQueuePrefix: worker.prefix, config, budget });
      const mock = new MockActivityEnvironment({ workflowExecution: { workflowId: `probe/${n}`, runId: 'probe' }, activityId: '1', attempt: 1 });
      return { acts, run: (fn) => mock.run(fn) };
    },
    seq: () => ++n,
    close: async () => {
      await worker.shutdown();
      await llm.close();
      await temporal.close();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
