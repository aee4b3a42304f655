import { join } from 'node:path';
import type { Command } from 'commander';
import { cliContext } from '../context.js';
import { openPool } from '../../db/pool.js';
import { loadPrices } from '../../pricing/prices.js';
import { writeReport } from '../../report/write.js';
import { clusterExtras } from '../../temporal/connect.js';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('a self-contained HTML report (works offline): funnel, ranked issues, budget burn in tokens and dollars, PR outcomes, stage durations, failures, runs linked to the Web UI')
    .option('--campaign <id>', 'only this campaign')
    .option('--out <dir>', 'folder for index.html (default: <state>/report)')
    .action(async (opts: { campaign?: string; out?: string }) => {
      const { config, endpoints } = cliContext();
      const pool = await openPool(endpoints.databaseUrl, { max: 4 });
      try {
        const file = await writeReport({
          pool, uiUrl: endpoints.uiUrl, priceDate: loadPrices(config.GLOBALLM_PRICES_FILE).date,
          temporal: { address: endpoints.temporalAddress, namespace: config.TEMPORAL_NAMESPACE, connection: clusterExtras(config) },
        }, { campaign: opts.campaign, outDir: opts.out ?? join(config.stateDir, 'report') });
        process.stdout.write(`report: ${file}\n`);
      } finally {
        await pool.end();
      }
    });
}
