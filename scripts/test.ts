// The test command: starts a throwaway PostgreSQL and Temporal dev server on random free ports,
// runs every test file against them with node's test runner, then stops both. It builds dist/
// first, so tests that spawn bin/globallm.js run the compiled CLI of the current sources.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { startEmbeddedPostgres } from '../src/stack/postgres.js';
import { startDevServer } from '../src/stack/temporal-server.js';
import { resolveTemporalBinary } from '../src/stack/temporal-binary.js';
import { freePort } from '../src/util/ports.js';
import { projectRoot } from '../src/util/project-root.js';
import { workflowBundle } from '../src/workers/bundle.js';
import { buildCli } from './build-cli.js';

function findTests(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return findTests(path);
    return entry.endsWith('.test.ts') ? [path] : [];
  });
}

const filters = process.argv.slice(2);
const files = findTests(join(projectRoot, 'test'))
  .map((f) => relative(projectRoot, f))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

buildCli();
const state = mkdtempSync(join(tmpdir(), 'globallm-test-'));
const [pgPort, temporalPort] = [await freePort(), await freePort()];
const temporalBinary = resolveTemporalBinary({ TEMPORAL_CLI_PATH: process.env['TEMPORAL_CLI_PATH'], PATH: process.env['PATH'] });
const [pg, temporal] = await Promise.all([
  startEmbeddedPostgres({ dataDir: join(state, 'postgres'), port: pgPort, database: 'globallm_test', ephemeral: true }),
  startDevServer({ binary: temporalBinary, port: temporalPort, uiPort: 0, headless: true, namespace: 'default' }),
  workflowBundle(), // built once for the suite; test workers read it from the cache
]);

let code = 1;
try {
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
    cwd: projectRoot,
    stdio: 'inherit',
    env: {
      ...process.env,
      GLOBALLM_TEST_DATABASE_URL: pg.url,
      GLOBALLM_TEST_TEMPORAL_ADDRESS: temporal.address,
      GLOBALLM_TEST_TEMPORAL_CLI: temporalBinary,
      GLOBALLM_LOG_LEVEL: process.env['GLOBALLM_LOG_LEVEL'] ?? 'warn',
    },
  });
  code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 1)));
} finally {
  await Promise.allSettled([temporal.stop(), pg.stop()]);
  rmSync(state, { recursive: true, force: true });
}
process.exit(code);
