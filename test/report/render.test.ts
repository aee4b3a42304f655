import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { renderReport } from '../../src/report/render.js';
import { FUNNEL_STAGES, type ReportData } from '../../src/report/types.js';

const hostile = '</script><script>alert(1)</script><img src=x onerror=alert(2)>';

function data(over: Partial<ReportData> = {}): ReportData {
  return {
    generatedAt: '2026-01-01T00:00:00.000Z', campaign: null, empty: null,
    funnel: FUNNEL_STAGES.map((stage) => ({ stage, count: 1 })),
    ranked: [{ rank: 1, repo: 'acme/widget', number: 7, title: hostile, priority: 1.5, terms: { health: 0.5, impact: 1 } }],
    burn: [], byRepo: [], byLanguage: [], byModel: [], prOutcomes: [], stages: [], stagesNote: null,
    runs: [{ workflowId: 'issue/acme/widget/7', runId: 'r1', repo: 'acme/widget', number: 7, result: 'failed', reason: hostile, finishedAt: null, url: 'http://ui/namespaces/default/workflows/issue%2Facme%2Fwidget%2F7/r1/history' }],
    failures: [], priceDate: '2025-11-01', ...over,
  };
}

describe('the report page', () => {
  test('untrusted text (issue titles, failure reasons) stays text, in the tables and in the embedded data', () => {
    const html = renderReport(data(), '/* chart.js */');
    assert.ok(!html.includes('<script>alert(1)'), 'no markup from issue text');
    assert.ok(!html.includes('<img src=x'), 'no markup from failure reasons');
    assert.ok(html.includes('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;'));
    const json = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)?.[1] ?? '';
    assert.equal((JSON.parse(json) as ReportData).ranked[0]?.title, hostile, 'the data round-trips intact');
  });

  test('charts without data are left out; a page with nothing to show says why and draws none', () => {
    const html = renderReport(data(), '');
    assert.match(html, /id="chart-funnel"/);
    assert.match(html, /id="chart-ranked"/);
    assert.doesNotMatch(html, /id="chart-burn"|id="chart-prs"|id="chart-stages"/);
    const empty = renderReport(data({ empty: 'No campaign named "x" is known.' }), '');
    assert.match(empty, /<p class="note" id="empty">No campaign named &quot;x&quot; is known\.<\/p>/);
    assert.doesNotMatch(empty, /<canvas/);
  });

  test('spend per model; a scripted model is named as such, and said to be scripted before any figure', () => {
    const real = renderReport(data({ byModel: [{ name: 'gpt-4o-mini', tokens: 900, usd: 0.01 }] }), '');
    assert.match(real, /<td>gpt-4o-mini<\/td><td>900<\/td>/);
    assert.doesNotMatch(real, /scripted/);
    const demo = renderReport(data({ byModel: [{ name: 'scripted-demo', tokens: 1200, usd: 0 }] }), '');
    assert.match(demo, /<td>scripted-demo \(scripted stand-in, not a language model\)<\/td><td>1200<\/td>/);
    const note = demo.indexOf('<p class="note" data-scripted>The model was a scripted stand-in (scripted-demo)');
    assert.ok(note > 0 && note < demo.indexOf('<div class="grid">'), 'the note comes before the charts');
  });

  test('the page forbids every request: it works offline and leaks nothing', () => {
    assert.match(renderReport(data(), ''), /Content-Security-Policy" content="default-src 'none'/);
  });
});
