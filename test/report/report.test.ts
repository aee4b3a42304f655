import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { startCampaign } from '../../src/campaign/start.js';
import { writeReport, type ReportTarget } from '../../src/report/write.js';
import type { ReportData } from '../../src/report/types.js';
import { DEFAULT_PRICES } from '../../src/pricing/defaults.js';
import { campaignProgressQuery } from '../../src/workflows/campaign.js';
import { startExampleWorld, type ExampleWorld } from '../helpers/example-world.js';
import { exampleScript } from '../../src/examples/demo-script.js';
import { testTemporalAddress } from '../helpers/temporal.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { launchChromium, noChromium } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';

const out = mkdtempSync(join(tmpdir(), 'globallm-report-'));
const UI = 'http://127.0.0.1:8233';
let browser: Browser;
before(async () => { if (!noChromium) browser = await launchChromium(); });
after(async () => { await browser?.close(); rmSync(out, { recursive: true, force: true }); });

/** Opens a report file offline (every request other than the file itself fails the test). */
async function open(file: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const requests: string[] = [];
  page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(file).href);
  assert.deepEqual(errors, [], 'no script errors');
  assert.deepEqual(requests, [], 'the page loads nothing from the network');
  return page;
}

interface DrawnChart { id: string; labels: string[]; data: number[][]; painted: boolean }

/** What Chart.js drew on each canvas: its data, and whether any pixel was painted (runs in the page). */
const DRAWN_CHARTS = `[...document.querySelectorAll('canvas[data-chart]')].map((canvas) => {
  const chart = Chart.getChart(canvas);
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  return { id: canvas.dataset.chart, labels: chart ? chart.data.labels : [], data: chart ? chart.data.datasets.map((d) => d.data) : [], painted: pixels.some((v, i) => i % 4 === 3 && v > 0) };
})`;

function drawnCharts(page: Page): Promise<DrawnChart[]> {
  return page.evaluate<DrawnChart[]>(DRAWN_CHARTS);
}

describe('report pages with nothing to show', { skip: noChromium }, () => {
  let db: TestDatabase;
  before(async () => { db = await createTestDatabase(); });
  after(async () => { await db.drop(); });
  const target = (): ReportTarget => ({ pool: db.pool, temporal: { address: testTemporalAddress(), namespace: 'default' }, uiUrl: UI, priceDate: DEFAULT_PRICES.date });

  test('an empty database gives a page that says so, with no charts', async () => {
    const page = await open(await writeReport(target(), { outDir: join(out, 'empty') }));
    assert.match(await page.locator('#empty').innerText(), /no repositories yet/);
    assert.equal(await page.locator('canvas').count(), 0);
  });

  test('an unknown campaign gives a page naming it', async () => {
    const page = await open(await writeReport(target(), { campaign: 'no-such-campaign', outDir: join(out, 'unknown') }));
    assert.match(await page.locator('#empty').innerText(), /No campaign named "no-such-campaign"/);
  });

  test('a malformed campaign id is bad usage; without Temporal the page says what is missing', async () => {
    const bad = await runCli(['report', '--campaign', 'Not An Id', '--out', join(out, 'bad')], { DATABASE_URL: db.url });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--campaign: lowercase letters, digits and dashes/);
    const offline = await runCli(['report', '--out', join(out, 'offline')], { DATABASE_URL: db.url, TEMPORAL_ADDRESS: '127.0.0.1:1', GLOBALLM_STATE_DIR: out }, { timeoutMs: 60_000 });
    assert.equal(offline.code, 0, offline.stderr);
    assert.match(offline.stdout, /report: .*offline\/index\.html/);
    const data = JSON.parse(/<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(readFileSync(join(out, 'offline', 'index.html'), 'utf8'))?.[1] ?? '{}') as ReportData;
    assert.match(data.stagesNote ?? '', /Temporal was not reachable/);
  });
});

describe('the report of a campaign, in a real browser', { skip: noChromium }, () => {
  let world: ExampleWorld;
  before(async () => { world = await startExampleWorld(exampleScript()); });
  after(() => world.close());

  test('every chart is drawn and its numbers are the database\'s', async () => {
    const { db, client, workers } = world;
    const id = `report-${Date.now()}`;
    const started = await startCampaign(client, { id, forge: 'local', minStars: 0, maxRepos: 10, maxIssues: 10, analyzer: 'offline' }, { taskQueuePrefix: workers.prefix });
    let prs = 0;
    for (let i = 0; i < 600 && prs < 2; i++) {
      prs = (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pull_requests WHERE state IN ('draft', 'open')`)).rows[0]?.n ?? 0;
      if (prs < 2) await new Promise((r) => setTimeout(r, 250));
    }
    const progress = await client.workflow.getHandle(started.workflowId).query(campaignProgressQuery);
    const file = await writeReport({ pool: db.pool, temporal: { address: testTemporalAddress(), namespace: 'default' }, uiUrl: UI, priceDate: DEFAULT_PRICES.date }, { campaign: id, outDir: join(out, 'campaign') });
    const page = await open(file);
    await page.screenshot({ path: join(out, 'campaign', 'report.png'), fullPage: true });
    if (process.env['GLOBALLM_REPORT_SCREENSHOT']) await page.screenshot({ path: process.env['GLOBALLM_REPORT_SCREENSHOT'], fullPage: true });

    const charts = new Map((await drawnCharts(page)).map((c) => [c.id, c]));
    assert.deepEqual([...charts.keys()].sort(), ['burn', 'funnel', 'languages', 'prs', 'ranked', 'repos', 'stages']);
    for (const c of charts.values()) assert.ok(c.painted, `chart ${c.id} is drawn`);

    const q = async (sql: string): Promise<number> => Number((await db.pool.query<{ n: string }>(sql)).rows[0]?.n ?? 0);
    const funnel = charts.get('funnel');
    assert.deepEqual(funnel?.labels, ['discovered', 'approved', 'issues', 'analyzed', 'enqueued', 'fixed', 'validated', 'prs', 'merged']);
    assert.deepEqual(funnel?.data[0], [
      progress.repos + progress.rejected, progress.repos, progress.issues, progress.analyzed, progress.enqueued,
      await q(`SELECT count(*) AS n FROM fix_results WHERE result->'chosen' <> 'null'::jsonb`),
      await q(`SELECT count(*) AS n FROM fix_results WHERE status = 'pass'`),
      await q(`SELECT count(*) AS n FROM pull_requests WHERE state <> 'preview'`),
      await q(`SELECT count(*) AS n FROM pull_requests WHERE state = 'merged'`),
    ]);
    assert.equal(progress.repos, await q(`SELECT count(*) AS n FROM repositories WHERE status = 'approved'`));
    assert.equal(funnel?.data[0]?.[7], 2, 'both bugs became PRs');

    const tokens = await q(`SELECT sum((actual->>'inputTokens')::bigint + (actual->>'outputTokens')::bigint + (actual->>'cacheReadTokens')::bigint + (actual->>'cacheWriteTokens')::bigint) AS n FROM budget_reservations WHERE state = 'settled'`);
    const dollars = await q(`SELECT sum(cost_usd) AS n FROM budget_reservations WHERE state = 'settled'`);
    assert.ok(tokens > 0 && dollars > 0, 'the fixes were charged in tokens and dollars');
    const burn = charts.get('burn');
    assert.equal(burn?.data[0]?.at(-1), tokens);
    assert.ok(Math.abs((burn?.data[1]?.at(-1) ?? 0) - dollars) < 1e-6);
    const repoTokens = await db.pool.query<{ scope: string; n: string }>(`SELECT scope, sum(used_tokens) AS n FROM budgets WHERE scope LIKE 'repo:%' GROUP BY scope ORDER BY scope`);
    const repos = charts.get('repos');
    assert.deepEqual(Object.fromEntries((repos?.labels ?? []).map((l, i) => [l, repos?.data[0]?.[i]])), Object.fromEntries(repoTokens.rows.map((r) => [r.scope.slice(5), Number(r.n)])));

    const states = await db.pool.query<{ state: string; n: number }>(`SELECT state, count(*)::int AS n FROM pull_requests GROUP BY state ORDER BY state`);
    assert.deepEqual(Object.fromEntries((charts.get('prs')?.labels ?? []).map((l, i) => [l, charts.get('prs')?.data[0]?.[i]])), Object.fromEntries(states.rows.map((r) => [r.state, r.n])));
    assert.ok((charts.get('stages')?.labels ?? []).includes('generateFix'), 'the fix stage has a duration');
    const ranked = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM issues WHERE state = 'open' AND priority IS NOT NULL`);
    assert.equal(charts.get('ranked')?.labels.length, Math.min(25, ranked.rows[0]?.n ?? 0), 'the open ranked issues, each with its breakdown');

    const links = await page.evaluate<string[]>(`[...document.querySelectorAll('a[href^="${UI}/namespaces/default/workflows/"]')].map((a) => a.href)`);
    assert.ok(links.some((h) => h.includes(encodeURIComponent('issue/local/slugkit/1'))), links.join('\n'));
    for (const wf of ['issue/local/slugkit/1', 'issue/local/bytefmt/1', 'repo/local/slugkit', 'repo/local/bytefmt', started.workflowId]) {
      await client.workflow.getHandle(wf).terminate('test over').catch(() => undefined);
    }
  });
});
