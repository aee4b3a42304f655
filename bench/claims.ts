// `npm run bench -- claims [starts] [starters] [distinct]`: issue workflow starts from concurrent
// starters over overlapping IDs, on a fresh Temporal dev server. Prints executions, duplicates, starts/s.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startDevServer } from '../src/stack/temporal-server.js';
import { resolveTemporalBinary } from '../src/stack/temporal-binary.js';
import { freePort } from '../src/util/ports.js';
import { claimIssue } from '../test/helpers/claims.js';

export default async function claims(args: string[]): Promise<void> {
  const total = Number(args[0] ?? 10_000);
  const starters = Number(args[1] ?? 8);
  const distinct = Number(args[2] ?? Math.ceil(total / 4));
  const dir = mkdtempSync(join(tmpdir(), 'globallm-bench-claims-'));
  const server = await startDevServer({
    binary: resolveTemporalBinary({ TEMPORAL_CLI_PATH: process.env['TEMPORAL_CLI_PATH'], PATH: process.env['PATH'] }),
    port: await freePort(), uiPort: 0, headless: true, namespace: 'default', dbFile: join(dir, 'temporal.db'),
  });
  try {
    // Each starter has its own connection, as separate machines would.
    const clients = await Promise.all(Array.from({ length: starters }, async () => new Client({ connection: await Connection.connect({ address: server.address }) })));
    let next = 0;
    let claimed = 0;
    let refused = 0;
    const perId = new Map<number, number>();
    const t0 = performance.now();
    await Promise.all(clients.map(async (client, s) => {
      for (;;) {
        const i = next++;
        if (i >= total) return;
        // Overlap: starter s walks the ID space from its own offset, so every ID is raced for.
        const n = (i * 7 + s * 13) % distinct;
        const r = await claimIssue(client, { forge: 'github', owner: 'bench', repo: 'claims', number: n, taskQueuePrefix: 'bench-no-worker', dryRun: true }, { describeExisting: false });
        if (r.claimed) { claimed++; perId.set(n, (perId.get(n) ?? 0) + 1); } else refused++;
      }
    }));
    const seconds = (performance.now() - t0) / 1000;
    const first = clients[0] as Client;
    // What the server holds, independent of what the starters believed.
    let executions = 0;
    for (let tries = 0; tries < 50; tries++) {
      executions = (await first.workflow.count(`WorkflowId STARTS_WITH 'issue/bench/claims/'`)).count;
      if (executions >= perId.size) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const duplicates = Math.max(0, executions - perId.size) + [...perId.values()].filter((c) => c > 1).length;
    process.stdout.write(`starts=${total}\nstarters=${starters}\ndistinct_ids=${perId.size}\nclaimed=${claimed}\nalready_claimed=${refused}\n`);
    process.stdout.write(`executions=${executions} duplicates=${duplicates} starts_per_s=${(total / seconds).toFixed(1)}\n`);
    await Promise.all(clients.map((c) => c.connection.close()));
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
