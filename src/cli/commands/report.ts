import { join } from 'node:path';
import { cliContext } from '../context.js';
import { openPool } from '../../db/pool.js';
import { loadPrices } from '../../pricing/prices.js';
import { writeReport } from '../../report/write.js';
import { clusterExtras } from '../../temporal/profile.js';

export interface ReportFlags { campaign?: string; out?: string }

export async function reportAction(opts: ReportFlags): Promise<void> {
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
}
