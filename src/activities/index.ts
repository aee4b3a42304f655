import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { createDoctorActivities } from './doctor.js';
import { createAnalysisActivities } from './analysis.js';
import { createOrchestrationActivities } from './orchestration.js';
import { selectAnalyzer } from '../analysis/select.js';
import { createLlmProvider } from '../llm/registry.js';
import type { Config } from '../config/load.js';
import type { TokenBudget } from '../budget/types.js';

export interface ActivityDeps {
  pool: Pool;
  identity: string;
  client: Client;
  taskQueuePrefix: string;
  config: Config;
  /** Model calls and fixes are charged here (PostgreSQL-backed in production). */
  budget: TokenBudget;
}

/** Every activity, built once per worker from its dependencies. Workflows see only the type. */
export function createActivities(deps: ActivityDeps) {
  const llm = createLlmProvider(deps.config);
  return {
    ...createDoctorActivities(deps),
    ...createAnalysisActivities({ pool: deps.pool, analyzerFor: (kind) => selectAnalyzer(kind, { llm, budget: deps.budget }) }),
    ...createOrchestrationActivities(deps),
  };
}
export type Activities = ReturnType<typeof createActivities>;
