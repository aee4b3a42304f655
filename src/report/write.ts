import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type pg from 'pg';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { logger } from '../log.js';
import { connectClient } from '../temporal/connect.js';
import type { ConnectionExtras } from '../temporal/profile.js';
import { collectReport } from './collect.js';
import { renderReport } from './render.js';

const log = logger.child({ component: 'report' });

/** Campaign ids as `campaign start --id` accepts them. */
export const CampaignId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, '--campaign: lowercase letters, digits and dashes');

export interface ReportTarget {
  pool: pg.Pool;
  temporal: { address: string; namespace: string; connection?: ConnectionExtras } | undefined;
  uiUrl: string | undefined;
  priceDate: string;
}

/** The report page, collected now. Temporal is optional: without it the page says what is missing. */
export async function reportHtml(target: ReportTarget, campaignId: string | undefined): Promise<string> {
  const campaign = campaignId === undefined ? null : CampaignId.safeParse(campaignId);
  if (campaign && !campaign.success) throw new UsageError(campaign.error.issues.map((i) => i.message).join('; '));
  const connected = target.temporal ? await connectClient(target.temporal.address, target.temporal.namespace, 3_000, target.temporal.connection).catch((err: unknown) => {
    log.warn({ err: (err as Error).message }, 'Temporal is not reachable: the report shows PostgreSQL only');
    return undefined;
  }) : undefined;
  try {
    return renderReport(await collectReport({
      pool: target.pool, priceDate: target.priceDate, uiUrl: target.uiUrl,
      temporal: connected && target.temporal ? { client: connected.client, namespace: target.temporal.namespace } : undefined,
    }, campaign?.data ?? null));
  } finally {
    await connected?.connection.close();
  }
}

/** Collects the report and writes `<dir>/index.html`; returns the file. */
export async function writeReport(target: ReportTarget, opts: { campaign?: string | undefined; outDir: string }): Promise<string> {
  const html = await reportHtml(target, opts.campaign);
  const dir = resolve(opts.outDir);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'index.html');
  writeFileSync(file, html);
  return file;
}
