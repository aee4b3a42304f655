import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { parseChaosArgs } from '../../bench/chaos/args.js';
import { RestartableServices } from '../../bench/chaos/services.js';
import { SQL_TOOLS_DIR, TemporalSqlServer } from '../../bench/chaos/temporal-sql.js';
import { SA } from '../../src/temporal/search-attributes.js';

const built = existsSync(join(SQL_TOOLS_DIR, 'temporal-server')) && existsSync(join(SQL_TOOLS_DIR, 'temporal-sql-tool'));

test('--temporal takes dev or sql, dev by default; anything else is refused naming the flag', () => {
  assert.equal(parseChaosArgs([]).temporal, 'dev');
  assert.equal(parseChaosArgs(['--temporal', 'sql']).temporal, 'sql');
  assert.throws(() => parseChaosArgs(['--temporal', 'cloud']), /--temporal/);
  assert.throws(() => parseChaosArgs(['--temporal']), /argument missing/);
});

test('without the built server, starting it says how to build it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'globallm-sql-missing-'));
  try {
    const server = new TemporalSqlServer(join(dir, 'server.log'), join(dir, 'no-tools'));
    await assert.rejects(server.start('postgres://u:p@127.0.0.1:1/db'), /temporal-sql-tool is missing: build it with npm run setup:temporal-sql/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

async function describeWithin(client: Client, workflowId: string, ms: number): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return (await client.workflow.getHandle(workflowId).describe()).status.name;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

test('Temporal on PostgreSQL keeps a workflow across its own restart and a PostgreSQL restart', { skip: built ? false : `no server in ${SQL_TOOLS_DIR}: npm run setup:temporal-sql builds it`, timeout: 300_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'globallm-sql-server-'));
  const services = new RestartableServices(dir, 'sql');
  let connection: Connection | undefined;
  try {
    await services.start();
    const address = services.temporalAddress;
    connection = await Connection.connect({ address });
    const client = new Client({ connection });
    // The namespace and the project's search attributes are ready: a start that sets them is accepted.
    const handle = await client.workflow.start('neverPolled', {
      taskQueue: 'sql-server-test', workflowId: 'sql-server-test', typedSearchAttributes: [{ key: SA.stage, value: 'validate' }],
    });
    assert.equal((await handle.describe()).typedSearchAttributes.get(SA.stage), 'validate');

    await services.restartTemporal();
    assert.equal(services.temporalAddress, address, 'a restart comes back on the same address');
    assert.equal(await describeWithin(client, 'sql-server-test', 60_000), 'RUNNING');

    await services.restartPg();
    assert.equal(await describeWithin(client, 'sql-server-test', 90_000), 'RUNNING');
    await handle.terminate('done');
    assert.equal(await describeWithin(client, 'sql-server-test', 30_000), 'TERMINATED');
  } finally {
    await connection?.close();
    await services.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
