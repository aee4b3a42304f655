import type { ReportData } from './types.js';

/** A Chart.js configuration (plain data: it is embedded in the page as JSON). */
export interface ChartSpec { id: string; title: string; config: Record<string, unknown> }

const COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f'];
const base = { animation: false, responsive: true, maintainAspectRatio: false };
const label = (text: string): Record<string, unknown> => ({ display: true, text });

function bar(labels: string[], datasets: Array<{ label: string; data: number[]; yAxisID?: string }>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'bar', data: { labels, datasets: datasets.map((d, i) => ({ ...d, backgroundColor: COLORS[i % COLORS.length] })) }, options: { ...base, ...extra } };
}

const dollarsAndTokens = { scales: { y: { title: label('tokens') }, y1: { position: 'right', title: label('US dollars'), grid: { drawOnChartArea: false } } } };

/** Every chart of the report; charts without data are left out (the page says so instead). */
export function chartSpecs(d: ReportData): ChartSpec[] {
  const specs: ChartSpec[] = [
    { id: 'funnel', title: 'Funnel', config: bar(d.funnel.map((f) => f.stage), [{ label: 'count', data: d.funnel.map((f) => f.count) }], { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { ticks: { precision: 0 } } } }) },
  ];
  if (d.ranked.length > 0) {
    const keys = [...new Set(d.ranked.flatMap((r) => Object.keys(r.terms)))];
    specs.push({ id: 'ranked', title: 'Priority breakdown of the top issues', config: bar(d.ranked.map((r) => `${r.repo}#${r.number}`), keys.map((k) => ({ label: k, data: d.ranked.map((r) => r.terms[k] ?? 0) })), { indexAxis: 'y', scales: { x: { stacked: true }, y: { stacked: true } } }) });
  }
  if (d.burn.length > 0) {
    specs.push({ id: 'burn', title: 'Budget burn over time', config: {
      type: 'line',
      data: { labels: d.burn.map((b) => b.at.replace('T', ' ').slice(0, 19)), datasets: [
        { label: 'tokens', data: d.burn.map((b) => b.tokens), borderColor: COLORS[0], yAxisID: 'y', stepped: true },
        { label: 'US dollars', data: d.burn.map((b) => Number(b.usd.toFixed(6))), borderColor: COLORS[1], yAxisID: 'y1', stepped: true },
      ] },
      options: { ...base, ...dollarsAndTokens },
    } });
  }
  for (const [id, title, rows] of [['repos', 'Spend per repository', d.byRepo], ['languages', 'Spend per language', d.byLanguage]] as const) {
    if (rows.length === 0) continue;
    specs.push({ id, title, config: bar(rows.map((r) => r.name), [{ label: 'tokens', data: rows.map((r) => r.tokens), yAxisID: 'y' }, { label: 'US dollars', data: rows.map((r) => Number(r.usd.toFixed(6))), yAxisID: 'y1' }], dollarsAndTokens) });
  }
  if (d.prOutcomes.length > 0) {
    specs.push({ id: 'prs', title: 'Pull request outcomes', config: { type: 'doughnut', data: { labels: d.prOutcomes.map((p) => p.name), datasets: [{ data: d.prOutcomes.map((p) => p.count), backgroundColor: COLORS }] }, options: base } });
  }
  if (d.stages.length > 0) {
    specs.push({ id: 'stages', title: 'Stage durations (seconds)', config: bar(d.stages.map((s) => s.stage), [{ label: 'median', data: d.stages.map((s) => s.medianMs / 1000) }, { label: 'max', data: d.stages.map((s) => s.maxMs / 1000) }]) });
  }
  return specs;
}
