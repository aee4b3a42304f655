import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createTestDatabase, type TestDatabase } from './db.js';
import { testTemporalAddress } from './temporal.js';
import { startTestWorkers, terminateLeftovers } from './workers.js';
import { createExampleRepos } from '../../src/examples/create.js';
import { startLlmStandIn, type LlmStandIn, type ScriptRule } from '../../src/sim/llm/server.js';

export interface ExampleWorld {
  db: TestDatabase;
  sim: LlmStandIn;
  dir: string;
  workers: Awaited<ReturnType<typeof startTestWorkers>>;
  client: Client;
  close(): Promise<void>;
}

/**
 * The example repositories on the local forge, a scripted model behind the LLM stand-in, and the
 * project's real workers on a fresh database: what an end-to-end campaign test runs against.
 */
export async function startExampleWorld(script: ScriptRule[], env: NodeJS.ProcessEnv = {}): Promise<ExampleWorld> {
  const db = await createTestDatabase();
  const dir = await mkdtemp(join(tmpdir(), 'globallm-world-'));
  await createExampleRepos(join(dir, 'repos'));
  const sim = await startLlmStandIn({ script });
  const workers = await startTestWorkers(db.pool, {
    GLOBALLM_STATE_DIR: join(dir, 'state'), GLOBALLM_LOCAL_ROOT: join(dir, 'repos'), GLOBALLM_CACHE_DIR: join(dir, 'cache'),
    OPENAI_BASE_URL: `${sim.url}/v1`, OPENAI_API_KEY: 'test', GLOBALLM_OPENAI_MODEL: 'gpt-4.1-mini', ...env,
  });
  const connection = await Connection.connect({ address: testTemporalAddress() });
  return {
    db, sim, dir, workers, client: new Client({ connection }),
    close: async () => {
      await terminateLeftovers(new Client({ connection }));
      await workers.shutdown();
      await connection.close();
      await sim.close();
      await db.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
