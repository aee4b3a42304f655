import { NativeConnection, Worker, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { Client, Connection } from '@temporalio/client';
import type { Pool } from 'pg';
import { createActivities } from '../activities/index.js';
import type { Config } from '../config/load.js';
import { PostgresTokenBudget } from '../budget/postgres-budget.js';
import type { TokenBudget } from '../budget/types.js';
import { startHoldSweep } from '../budget/sweep.js';
import { budgetConfig } from '../budget/from-config.js';
import { pricingFor } from '../pricing/for-config.js';
import { storedUsageLookup } from '../llm/registry.js';
import type { CallPricing } from '../pricing/prices.js';
import { taskQueues } from '../temporal/task-queues.js';
import { workflowBundle } from './bundle.js';
import { workerIdentity } from './identity.js';
import { clusterExtras } from '../temporal/connect.js';
import { logger } from '../log.js';
import { freePort } from '../util/ports.js';
import { createWorkerMetrics } from '../metrics/registry.js';
import { stageMetricsInterceptor } from '../metrics/interceptor.js';
import { MeteredTokenBudget } from '../metrics/metered-budget.js';
import { startMetricsServer } from '../metrics/server.js';
import { githubRequestMetrics } from '../metrics/github.js';
import { registerWorkerEndpoint, removeWorkerEndpoint } from '../db/worker-endpoints.js';
import { startCommandsFromHelper } from '../util/spawn/commands.js';

const log = logger.child({ component: 'worker' });

export interface WorkerOptions {
  address: string;
  namespace: string;
  taskQueuePrefix: string;
  pool: Pool;
  sandboxConcurrency?: number;
  /** Where activities find their outside systems (model keys, GitHub URL). */
  config: Config;
}

export interface RunningWorkers {
  identity: string;
  queues: string[];
  /** Prometheus metrics of this process: stages, tokens, dollars, budget holds and the Temporal SDK's own. */
  metricsUrl: string;
  /** Resolves when every worker has stopped. */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

let runtimeInstalled: Promise<string | undefined> | undefined;

/** Installs the Temporal runtime once per process; returns where its Prometheus exporter listens. */
function installRuntime(host: string): Promise<string | undefined> {
  runtimeInstalled ??= freePort().then((port) => {
    try {
      install(`${host}:${port}`);
      return `http://${host}:${port}/metrics`;
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'the Temporal runtime was installed elsewhere: its metrics are not exported here');
      return undefined;
    }
  });
  return runtimeInstalled;
}

function install(metricsBindAddress: string): void {
  // The CLI owns signals: it stops workers, then the services they need, in order.
  Runtime.install({
    shutdownSignals: [],
    logger: {
      log: () => {}, trace: () => {}, debug: () => {}, info: () => {},
      warn: (m, meta) => { if (!m.startsWith('No workflows registered')) log.warn(meta ?? {}, m); },
      error: (m, meta) => log.error(meta ?? {}, m),
    },
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) },
      metrics: { prometheus: { bindAddress: metricsBindAddress } },
    },
  });
}

/** Calls are priced at the configured model; an unknown model or a bad price file stops start-up, naming the key. */
function pricingOption(config: Config): { pricing?: CallPricing } {
  const pricing = pricingFor(config);
  return pricing ? { pricing } : {};
}

/**
 * One worker per task queue: `core` runs workflows, database and local-forge activities, `github`
 * has a server-side dispatch cap as a safety net (GLOBALLM_GITHUB_QUEUE_RATE across every worker;
 * GitHub requests themselves are paced by their reported quotas), `llm` holds model
 * calls, `sandbox` runs few at a time.
 */
export async function startWorkers(opts: WorkerOptions): Promise<RunningWorkers> {
  // Activities run git and other commands often, and a worker is large: each start from it would copy its page tables.
  startCommandsFromHelper();
  const pricing = pricingOption(opts.config);
  const metrics = createWorkerMetrics();
  const budget = new PostgresTokenBudget(opts.pool, { config: budgetConfig(opts.config), ...pricing, lookup: storedUsageLookup(opts.config) });
  const meter = (b: TokenBudget): TokenBudget => new MeteredTokenBudget(b, metrics, pricing.pricing);
  const temporalMetricsUrl = await installRuntime(opts.config.GLOBALLM_METRICS_HOST);
  const identity = workerIdentity();
  const metricsServer = await startMetricsServer(metrics.registry, { host: opts.config.GLOBALLM_METRICS_HOST, port: opts.config.GLOBALLM_METRICS_PORT, temporalMetricsUrl });
  await registerWorkerEndpoint(opts.pool, identity, metricsServer.url);
  const queues = taskQueues(opts.taskQueuePrefix);
  const extras = clusterExtras(opts.config);
  const connection = await NativeConnection.connect({ address: opts.address, ...extras });
  const clientConnection = await Connection.connect({ address: opts.address, ...extras });
  const client = new Client({ connection: clientConnection, namespace: opts.namespace });
  const activities = createActivities({ pool: opts.pool, identity, client, taskQueuePrefix: opts.taskQueuePrefix, config: opts.config, budget, meter, observeGitHub: githubRequestMetrics(metrics) });
  const bundle = await workflowBundle();
  const common = { connection, namespace: opts.namespace, identity, activities, interceptors: { activity: [stageMetricsInterceptor(metrics)] } };
  const workers = await Promise.all([
    Worker.create({ ...common, taskQueue: queues.core, workflowBundle: bundle }),
    Worker.create({ ...common, taskQueue: queues.github, maxTaskQueueActivitiesPerSecond: opts.config.GLOBALLM_GITHUB_QUEUE_RATE }),
    Worker.create({ ...common, taskQueue: queues.llm, maxConcurrentActivityTaskExecutions: 8 }),
    Worker.create({ ...common, taskQueue: queues.sandbox, maxConcurrentActivityTaskExecutions: opts.sandboxConcurrency ?? opts.config.GLOBALLM_SANDBOX_CONCURRENCY }),
  ]);
  const stopSweep = startHoldSweep(budget);
  const done = Promise.all(workers.map((w) => w.run())).then(async () => {
    stopSweep();
    await connection.close();
    await clientConnection.close();
    await metricsServer.close();
    await removeWorkerEndpoint(opts.pool, identity).catch((err: unknown) => log.warn({ err: (err as Error).message }, 'could not remove the metrics endpoint record'));
  });
  log.info({ identity, queues: Object.values(queues), metrics: metricsServer.url }, 'workers polling');
  return {
    identity,
    metricsUrl: metricsServer.url,
    queues: Object.values(queues),
    done,
    shutdown: async () => {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await done;
    },
  };
}
