import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { chartSpecs, type ChartSpec } from './charts.js';
import { escapeHtml, link, scriptJson, table } from './html.js';
import type { ReportData } from './types.js';
import { describeModel, scriptedModelNote } from '../llm/scripted.js';

/** Chart.js's browser build, read from the installed package and inlined: the page needs no network. */
export function chartJsSource(): string {
  const main = createRequire(import.meta.url).resolve('chart.js'); // <package>/dist/chart.cjs
  return readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8');
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}.note{background:#fff6d6;padding:8px 12px;border-radius:4px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:16px}.chart{height:320px;position:relative}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
.none{color:#777}.muted{color:#777;font-size:12px}`;

const PAGE_SCRIPT = `for (const spec of JSON.parse(document.getElementById('chart-specs').textContent)) {
  new Chart(document.getElementById('chart-' + spec.id), spec.config);
}`;

function chartBlock(spec: ChartSpec): string {
  return `<section><h2>${escapeHtml(spec.title)}</h2><div class="chart"><canvas id="chart-${escapeHtml(spec.id)}" data-chart="${escapeHtml(spec.id)}"></canvas></div></section>`;
}

const usd = (x: number): string => `$${x.toFixed(4)}`;

function tables(d: ReportData): string {
  const runRow = (r: ReportData['runs'][number]): Array<string | number | { html: string }> =>
    [link(r.url, r.workflowId), r.result, r.reason ?? '', r.finishedAt?.replace('T', ' ').slice(0, 19) ?? 'running'];
  return [
    `<h2>Ranked issues</h2>${table(['#', 'issue', 'title', 'priority', 'breakdown'], d.ranked.map((r) => [r.rank, `${r.repo}#${r.number}`, r.title, r.priority.toFixed(3), Object.entries(r.terms).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ')]), 'No ranked open issues.')}`,
    `<h2>Spend</h2>${table(['repository', 'tokens', 'dollars'], d.byRepo.map((r) => [r.name, r.tokens, usd(r.usd)]), 'No model calls charged yet.')}${table(['language', 'tokens', 'dollars'], d.byLanguage.map((r) => [r.name, r.tokens, usd(r.usd)]), '')}${table(['model', 'tokens', 'dollars'], d.byModel.map((r) => [describeModel(r.name), r.tokens, usd(r.usd)]), '')}`,
    `<h2>Stage durations</h2>${d.stagesNote ? `<p class="note">${escapeHtml(d.stagesNote)}</p>` : ''}${table(['stage', 'runs', 'median s', 'max s'], d.stages.map((s) => [s.stage, s.count, (s.medianMs / 1000).toFixed(2), (s.maxMs / 1000).toFixed(2)]), 'No finished stages yet.')}`,
    `<h2>Failures</h2>${table(['run', 'result', 'reason', 'finished'], d.failures.map(runRow), 'No failed runs.')}`,
    `<h2>Runs</h2><p class="muted">Each run links to its page in the Temporal Web UI.</p>${table(['run', 'result', 'reason', 'finished'], d.runs.map(runRow), 'No issue runs yet.')}`,
  ].join('\n');
}

/** A scripted model's calls are named at the top of the page, before any figure. */
function scriptedNotes(d: ReportData): string {
  return d.byModel.map((m) => scriptedModelNote(m.name)).filter((n) => n !== null).map((n) => `<p class="note" data-scripted>${escapeHtml(n)}</p>\n`).join('');
}

/** The whole report as one self-contained HTML page: data, charts and Chart.js inlined, no network needed. */
export function renderReport(d: ReportData, chartJs: string = chartJsSource()): string {
  const title = d.campaign === null ? 'GlobaLLM report' : `GlobaLLM report: campaign ${d.campaign}`;
  const specs = d.empty === null ? chartSpecs(d) : [];
  const body = d.empty !== null
    ? `<p class="note" id="empty">${escapeHtml(d.empty)}</p>`
    : `${scriptedNotes(d)}<div class="grid">${specs.map(chartBlock).join('\n')}</div>\n${tables(d)}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<style>${STYLE}</style></head>
<body><h1>${escapeHtml(title)}</h1>
<p class="muted">Generated ${escapeHtml(d.generatedAt)}; dollars at the price table of ${escapeHtml(d.priceDate)}.</p>
${body}
<script type="application/json" id="report-data">${scriptJson(d)}</script>
<script type="application/json" id="chart-specs">${scriptJson(specs)}</script>
<script>${chartJs.replace(/<\/script/gi, '<\\/script')}</script>
<script>${PAGE_SCRIPT}</script>
</body></html>
`;
}
